//! Host functions about the program's own budget: `evm_gas_left`, `evm_ink_left`, and
//! `pay_for_memory_grow`, which the instrumented `memory.grow` calls first with the page count
//! to pay the memory model ([`crate::pages`]).

use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas, gas_left, ink_left};
use crate::host::state::{hook, HostCaller, HostState};
use crate::pricing::HOSTIO_INK;

/// Registers the gas, ink and memory-growth host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(l, "evm_gas_left", |mut c: HostCaller<F>| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(gas_left(&c)? as i64)
    });
    hook(l, "evm_ink_left", |mut c: HostCaller<F>| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(ink_left(&c)? as i64)
    });
    hook(
        l,
        "pay_for_memory_grow",
        |mut c: HostCaller<F>, pages: i32| -> Result<(), Error> {
            // More than 65,535 pages: out of gas from Stylus v3 (a 32-bit count); before it the
            // count was 16 bits, so the rest was cut off.
            let pages = pages as u32;
            let new = match u16::try_from(pages) {
                Ok(n) => n,
                Err(_) if c.data_mut().evm.arbos().stylus_version() >= 3 => {
                    return charge_gas(&mut c, u64::MAX);
                }
                Err(_) => pages as u16,
            };
            // Only the query (0 pages) pays the host call's ink; growing pays the memory model.
            if new == 0 {
                return charge(&mut c, HOSTIO_INK);
            }
            let gas = c.data_mut().evm.pages().gas_to_open(new);
            charge_gas(&mut c, gas)?;
            let st = c.data_mut();
            st.grown = st.grown.saturating_add(new);
            st.evm.pages().grow(new);
            Ok(())
        },
    );
}
