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
            // Only the query (0 pages) pays the host call's ink; growing pays the memory model.
            if pages == 0 {
                return charge(&mut c, HOSTIO_INK);
            }
            let Ok(new) = u16::try_from(pages as u32) else {
                return charge_gas(&mut c, u64::MAX);
            };
            let gas = c.data_mut().evm.pages().gas_to_open(new);
            charge_gas(&mut c, gas)?;
            let st = c.data_mut();
            st.grown = st.grown.saturating_add(new);
            st.evm.pages().grow(new);
            Ok(())
        },
    );
}
