//! Host functions for the call's input and output: `read_args`, `write_result`, `exit_early`.

use wasmi::{Error, Linker};

use crate::host::ink::charge;
use crate::host::memory::{read, write};
use crate::host::state::{hook, trap, HostCaller, HostState};
use crate::pricing::{read_price, write_price, HOSTIO_INK};

/// Registers the input/output host functions.
pub(crate) fn register<F: 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "read_args",
        |mut c: HostCaller<F>, ptr: i32| -> Result<(), Error> {
            let args = c.data().args.clone();
            charge(&mut c, HOSTIO_INK + write_price(args.len() as u64))?;
            write(&mut c, ptr, &args)
        },
    );
    hook(
        l,
        "write_result",
        |mut c: HostCaller<F>, ptr: i32, len: i32| -> Result<(), Error> {
            let len = len as u32 as usize;
            charge(&mut c, HOSTIO_INK + 2 * read_price(len as u64))?;
            let data = read(&c, ptr, len)?;
            c.data_mut().result = data;
            Ok(())
        },
    );
    hook(
        l,
        "exit_early",
        |mut c: HostCaller<F>, status: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK)?;
            c.data_mut().exit = Some(status);
            Err(trap("exit early"))
        },
    );
}
