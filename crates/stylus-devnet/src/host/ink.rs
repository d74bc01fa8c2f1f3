//! Ink (`stylus-runtime.md` §3, §5): the meter's counter global (`stylus_ink_left`, ink left
//! stored as an `i64`) and what host functions pay from it. 10,000 ink = 1 gas. Running short
//! sets the meter's status to 1 and traps (the call then uses all its gas).

use wasmi::{AsContext, AsContextMut, Error, Extern, Global, Val};

use crate::host::state::{trap, HostCaller};
use crate::meter::{INK_LEFT, INK_STATUS};
use crate::pricing::INK_PER_GAS;

/// Ink left in the counter `global`. Errors: the global does not hold an `i64`.
pub(crate) fn read_ink(ctx: impl AsContext, global: Global) -> Result<u64, Error> {
    match global.get(ctx) {
        Val::I64(v) => Ok(v as u64),
        _ => Err(trap("bad ink global")),
    }
}

/// Sets ink left in the counter `global`. Errors: the global is not a mutable `i64`.
pub(crate) fn write_ink(ctx: impl AsContextMut, global: Global, ink: u64) -> Result<(), Error> {
    global
        .set(ctx, Val::I64(ink as i64))
        .map_err(|_| trap("ink global"))
}

/// The running program's ink counter. Errors: the module is not instrumented.
fn counter<F>(c: &HostCaller<F>) -> Result<Global, Error> {
    c.get_export(INK_LEFT)
        .and_then(Extern::into_global)
        .ok_or_else(|| trap("not instrumented"))
}

/// Ink left of the running program.
pub(crate) fn ink_left<F>(c: &HostCaller<F>) -> Result<u64, Error> {
    read_ink(c, counter(c)?)
}

/// Sets the running program's ink left.
pub(crate) fn set_ink<F>(c: &mut HostCaller<F>, ink: u64) -> Result<(), Error> {
    let global = counter(c)?;
    write_ink(c, global, ink)
}

/// Gas left of the running program (ink left / 10,000, rounded down).
pub(crate) fn gas_left<F>(c: &HostCaller<F>) -> Result<u64, Error> {
    Ok(ink_left(c)? / INK_PER_GAS)
}

/// Marks the program out of ink (ink 0, status 1) and returns the trap that ends it.
pub(crate) fn out_of_ink<F>(c: &mut HostCaller<F>) -> Error {
    c.data_mut().out_of_ink = true;
    let _ = set_ink(c, 0);
    if let Some(g) = c.get_export(INK_STATUS).and_then(Extern::into_global) {
        let _ = g.set(&mut *c, Val::I32(1));
    }
    trap("out of ink")
}

/// Pays `ink`, or runs out of ink.
pub(crate) fn charge<F>(c: &mut HostCaller<F>, ink: u64) -> Result<(), Error> {
    let left = ink_left(c)?;
    if left < ink {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - ink)
}

/// Pays `gas` (as ink), or runs out of ink.
pub(crate) fn charge_gas<F>(c: &mut HostCaller<F>, gas: u64) -> Result<(), Error> {
    charge(c, gas.saturating_mul(INK_PER_GAS))
}

/// Runs out of ink unless at least `gas` is left (nothing is paid).
pub(crate) fn require_gas<F>(c: &mut HostCaller<F>, gas: u64) -> Result<(), Error> {
    if gas_left(c)? < gas {
        return Err(out_of_ink(c));
    }
    Ok(())
}
