//! Host functions for storage and transient storage (`stylus-runtime.md` §5, Nitro's
//! `arbutil/src/evm/storage.rs` and `req.rs`). Storage goes through the call's cache: a load
//! that misses it pays 2,100 gas cold or 100 warm plus 5 and learns the slot's value; every load
//! pays a surcharge by how many the call has made (0 for the first 32, 2 up to 128, then 10) and
//! every write one by how many writes (0 for the first 8, 7 up to 64, then 10).
//! `storage_flush_cache` writes the slots whose value differs from the one last learnt (a slot
//! written without being loaded always), each priced as an EVM SSTORE (EIP-2929/2200/3529) with
//! its refund. Transient storage costs 100 gas per access.

use revm::context_interface::{Cfg, ContextTr, JournalTr};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas, require_gas};
use crate::host::memory::{read_word, write};
use crate::host::state::{db_err, hook, trap, CachedSlot, HostCaller, HostState};
use crate::pricing::{EVM_API_GAS, EVM_API_INK, HOSTIO_INK, PTR_INK};
use revm::primitives::U256;

/// The surcharge of a call's `count`-th load or write: nothing up to `free`, `low` gas up to
/// `mid`, `high` beyond.
fn surcharge(count: u32, free: u32, mid: u32, low: u64, high: u64) -> u64 {
    if count <= free {
        0
    } else if count <= mid {
        low
    } else {
        high
    }
}

/// Registers the storage and transient-storage host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "storage_load_bytes32",
        |mut c: HostCaller<F>, key: i32, dest: i32| -> Result<(), Error> {
            charge(&mut c, HOSTIO_INK + 2 * PTR_INK)?;
            require_gas(&mut c, 2_115)?;
            let key = read_word(&c, key)?;
            let st = c.data_mut();
            st.reads = st.reads.saturating_add(1);
            let reads = st.reads;
            charge_gas(&mut c, surcharge(reads, 32, 128, 2, 10))?;
            let value = if let Some(slot) = c.data().cache.get(&key) {
                slot.value
            } else {
                let address = c.data().address;
                let load = c.data_mut().evm.ctx().journal_mut().sload(address, key);
                let load = match load {
                    Ok(l) => l,
                    Err(_) => return Err(db_err()),
                };
                charge_gas(&mut c, if load.is_cold { 2_100 } else { 100 } + EVM_API_GAS)?;
                c.data_mut().cache.insert(
                    key,
                    CachedSlot {
                        value: load.data,
                        known: Some(load.data),
                    },
                );
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
            st.writes = st.writes.saturating_add(1);
            let surcharge = surcharge(st.writes, 8, 64, 7, 10);
            match st.cache.get_mut(&key) {
                Some(slot) => slot.value = value,
                None => {
                    st.cache.insert(key, CachedSlot { value, known: None });
                }
            }
            if !st.written.contains(&key) {
                st.written.push(key);
            }
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

/// Writes the cache's slots whose value differs from the one last learnt (a slot written but
/// never loaded always) to the journal in write order, charging EVM SSTORE gas per slot and
/// adding its refund; `clear` then empties the cache (the load and write counts go on). Traps
/// in a static call.
fn flush<F: Frames>(c: &mut HostCaller<F>, clear: bool) -> Result<(), Error> {
    let written = std::mem::take(&mut c.data_mut().written);
    let changed: Vec<(U256, U256)> = written
        .into_iter()
        .filter_map(|key| {
            let slot = c.data().cache.get(&key)?;
            (slot.known != Some(slot.value)).then_some((key, slot.value))
        })
        .collect();
    if !changed.is_empty() && c.data().is_static {
        return Err(trap("storage write in a static call"));
    }
    for (key, value) in changed {
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
        if let Some(slot) = c.data_mut().cache.get_mut(&key) {
            slot.known = Some(value);
        }
    }
    if clear {
        c.data_mut().cache.clear();
    }
    Ok(())
}
