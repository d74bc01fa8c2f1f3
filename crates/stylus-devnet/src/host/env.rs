//! Host functions that read the program's environment: the block (`block_*`), the chain
//! (`chainid`), the transaction (`tx_*`) and the message (`msg_*`, `contract_address`).

use revm::primitives::U256;
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::charge;
use crate::host::memory::write;
use crate::host::state::{hook, HostCaller, HostState};
use crate::pricing::{HOSTIO_INK, INK_PER_GAS, PTR_INK};

/// Registers the block, chain, transaction and message host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "block_basefee",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = U256::from(c.data_mut().evm.ctx().block.basefee);
            write(&mut c, dest, &v.to_be_bytes::<32>())
        },
    );
    hook(
        l,
        "block_coinbase",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = c.data_mut().evm.ctx().block.beneficiary;
            write(&mut c, dest, v.as_slice())
        },
    );
    hook(
        l,
        "block_gas_limit",
        |mut c: HostCaller<F>| -> Result<i64, Error> {
            charge(&mut c, HOSTIO_INK)?;
            Ok(c.data_mut().evm.ctx().block.gas_limit as i64)
        },
    );
    hook(l, "block_number", |mut c: HostCaller<F>| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().block.number.saturating_to::<u64>() as i64)
    });
    hook(
        l,
        "block_timestamp",
        |mut c: HostCaller<F>| -> Result<i64, Error> {
            charge(&mut c, HOSTIO_INK)?;
            Ok(c.data_mut().evm.ctx().block.timestamp.saturating_to::<u64>() as i64)
        },
    );
    hook(l, "chainid", |mut c: HostCaller<F>| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().cfg.chain_id as i64)
    });
    hook(
        l,
        "tx_gas_price",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = U256::from(c.data_mut().evm.ctx().tx.gas_price);
            write(&mut c, dest, &v.to_be_bytes::<32>())
        },
    );
    hook(l, "tx_ink_price", |mut c: HostCaller<F>| -> Result<i32, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(INK_PER_GAS as i32)
    });
    hook(
        l,
        "tx_origin",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = c.data_mut().evm.ctx().tx.caller;
            write(&mut c, dest, v.as_slice())
        },
    );
    hook(
        l,
        "msg_sender",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = c.data().caller;
            write(&mut c, dest, v.as_slice())
        },
    );
    hook(
        l,
        "msg_value",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = c.data().value;
            write(&mut c, dest, &v.to_be_bytes::<32>())
        },
    );
    hook(l, "msg_reentrant", |mut c: HostCaller<F>| -> Result<i32, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(i32::from(c.data().reentrant))
    });
    hook(
        l,
        "contract_address",
        |mut c: HostCaller<F>, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + PTR_INK)?;
            let v = c.data().address;
            write(&mut c, dest, v.as_slice())
        },
    );
}
