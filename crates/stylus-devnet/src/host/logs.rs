//! The `emit_log` host function: a log of up to 4 topics at the program's address, priced as
//! the EVM's LOG (375 gas per topic and for the log, 8 per data byte). Traps in a static call.

use revm::context_interface::{ContextTr, JournalTr};
use revm::primitives::{Bytes, Log, LogData, B256};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas};
use crate::host::memory::read;
use crate::host::state::{hook, trap, HostCaller, HostState};
use crate::pricing::{read_price, EVM_API_INK, HOSTIO_INK};

/// Registers `emit_log`.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "emit_log",
        |mut c: HostCaller<F>, data: i32, len: i32, topics: i32| -> Result<(), Error> {
            let len = len as u32 as usize;
            if !(0..=4).contains(&topics) || topics as usize * 32 > len {
                return Err(trap("bad log"));
            }
            if c.data().is_static {
                return Err(trap("log in a static call"));
            }
            charge(&mut c, HOSTIO_INK + EVM_API_INK + read_price(len as u64))?;
            let payload = (len - topics as usize * 32) as u64;
            charge_gas(&mut c, 375 * (1 + topics as u64) + 8 * payload)?;
            let bytes = read(&c, data, len)?;
            let (t, d) = bytes.split_at(topics as usize * 32);
            let topics: Vec<B256> = t.chunks(32).map(B256::from_slice).collect();
            let address = c.data().address;
            let log = Log {
                address,
                data: LogData::new_unchecked(topics, Bytes::copy_from_slice(d)),
            };
            c.data_mut().evm.ctx().journal_mut().log(log);
            Ok(())
        },
    );
}
