//! Host functions for storage and transient storage (`stylus-runtime.md` §5). Storage goes
//! through the call's cache: loads fill it (2,100 gas cold, 100 warm), writes mark slots dirty,
//! and `storage_flush_cache` writes the dirty slots to the journal, each priced as an EVM SSTORE
//! (EIP-2929/2200/3529) with its refund. Transient storage costs 100 gas per access.

use revm::context_interface::{Cfg, ContextTr, JournalTr};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas, require_gas};
use crate::host::memory::{read_word, write};
use crate::host::state::{db_err, hook, trap, HostCaller, HostState};
use crate::pricing::{EVM_API_INK, HOSTIO_INK, PTR_INK};

/// Registers the storage and transient-storage host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "storage_load_bytes32",
        |mut c: HostCaller<F>, key: i32, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
            require_gas(&mut c, 2_115)?;
            let key = read_word(&c, key)?;
            let value = if let Some((v, _)) = c.data().cache.get(&key) {
                *v
            } else {
                let address = c.data().address;
                let load = c.data_mut().evm.ctx().journal_mut().sload(address, key);
                let load = match load {
                    Ok(l) => l,
                    Err(_) => return Err(db_err()),
                };
                charge_gas(&mut c, if load.is_cold { 2_100 } else { 100 })?;
                c.data_mut().cache.insert(key, (load.data, false));
                load.data
            };
            write(&mut c, dest, &value.to_be_bytes::<32>())
        },
    );
    hook(
        l,
        "storage_cache_bytes32",
        |mut c: HostCaller<F>, key: i32, value: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
            require_gas(&mut c, 2_310)?;
            let key = read_word(&c, key)?;
            let value = read_word(&c, value)?;
            let st = c.data_mut();
            if st
                .cache
                .insert(key, (value, true))
                .is_none_or(|(_, dirty)| !dirty)
            {
                st.dirty.push(key);
            }
            // A small surcharge once the cache holds many dirty slots: 7 gas beyond 8, 10 beyond 64.
            let surcharge = match c.data().dirty.len() {
                0..=8 => 0,
                9..=64 => 7,
                _ => 10,
            };
            charge_gas(&mut c, surcharge)
        },
    );
    hook(
        l,
        "storage_flush_cache",
        |mut c: HostCaller<F>, clear: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
            require_gas(&mut c, 2_300)?;
            flush(&mut c, clear != 0)
        },
    );
    hook(
        l,
        "transient_load_bytes32",
        |mut c: HostCaller<F>, key: i32, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            charge_gas(&mut c, 100)?;
            let key = read_word(&c, key)?;
            let address = c.data().address;
            let v = c.data_mut().evm.ctx().journal_mut().tload(address, key);
            write(&mut c, dest, &v.to_be_bytes::<32>())
        },
    );
    hook(
        l,
        "transient_store_bytes32",
        |mut c: HostCaller<F>, key: i32, value: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            charge_gas(&mut c, 100)?;
            if c.data().is_static {
                return Err(trap("transient store in a static call"));
            }
            let key = read_word(&c, key)?;
            let value = read_word(&c, value)?;
            let address = c.data().address;
            c.data_mut().evm.ctx().journal_mut().tstore(address, key, value);
            Ok(())
        },
    );
}

/// Writes the storage cache's dirty slots to the journal in write order, charging EVM SSTORE gas
/// per slot and adding its refund; `clear` then empties the cache. Traps in a static call.
fn flush<F: Frames>(c: &mut HostCaller<F>, clear: bool) -> Result<(), Error> {
    let dirty = std::mem::take(&mut c.data_mut().dirty);
    if !dirty.is_empty() && c.data().is_static {
        return Err(trap("storage write in a static call"));
    }
    for key in dirty {
        let (value, _) = c.data().cache.get(&key).copied().unwrap_or_default();
        let address = c.data().address;
        let evm = &mut c.data_mut().evm;
        let load = evm.ctx().journal_mut().sstore(address, key, value);
        let load = match load {
            Ok(l) => l,
            Err(_) => return Err(db_err()),
        };
        let params = c.data_mut().evm.ctx().cfg().gas_params().clone();
        let cost = params
            .sstore_static_gas()
            .saturating_add(params.sstore_dynamic_gas(true, &load.data, load.is_cold));
        let refund = params.sstore_refund(true, &load.data);
        charge_gas(c, cost)?;
        c.data_mut().refund += refund;
        if let Some(e) = c.data_mut().cache.get_mut(&key) {
            e.1 = false;
        }
    }
    if clear {
        c.data_mut().cache.clear();
    }
    Ok(())
}
