//! The `vm_hooks` host functions a Stylus program imports, with their semantics and prices
//! (`stylus-runtime.md` §4, §5), on top of revm's journal.

use std::collections::HashMap;

use revm::context_interface::CreateScheme;
use revm::context_interface::{Cfg, ContextTr, JournalTr};
use revm::handler::FrameResult;
use revm::interpreter::{CallInput, CallInputs, CallScheme, CallValue, CreateInputs, FrameInput};
use revm::primitives::{keccak256, Address, Bytes, Log, LogData, B256, U256};
use wasmi::{Caller, Engine, Error, Extern, Global, Linker, Memory, Module, Store, Val};

use crate::evm::StylusEvm;
use crate::meter::{INK_LEFT, INK_STATUS, STACK_LEFT};
use crate::pricing::*;

/// How a program call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `user_entrypoint` (or `exit_early`) returned this status.
    Returned(i32),
    /// Out of ink: all gas is used.
    OutOfInk,
    /// Beyond the stack budget: all gas is used.
    OutOfStack,
    /// A trap or a bad host call: reverts with empty data, gas left refunded.
    Trap,
}

/// Everything a running program's host functions reach.
pub struct HostState {
    pub(crate) evm: StylusEvm,
    address: Address,
    caller: Address,
    value: U256,
    is_static: bool,
    reentrant: bool,
    args: Bytes,
    pub(crate) result: Vec<u8>,
    return_data: Bytes,
    /// The storage cache: key -> (value, dirty), and dirty keys in write order.
    cache: HashMap<U256, (U256, bool)>,
    dirty: Vec<U256>,
    pub(crate) refund: i64,
    exit: Option<i32>,
    out_of_ink: bool,
    /// Pages this call grew its memory by (`pay_for_memory_grow`).
    pub(crate) grown: u16,
}

impl HostState {
    pub(crate) fn new(evm: StylusEvm, inputs: &CallInputs, args: Bytes, reentrant: bool) -> Self {
        Self {
            evm,
            address: inputs.target_address,
            caller: inputs.caller,
            value: inputs.value.get(),
            is_static: inputs.is_static,
            reentrant,
            args,
            result: Vec::new(),
            return_data: Bytes::new(),
            cache: HashMap::new(),
            dirty: Vec::new(),
            refund: 0,
            exit: None,
            out_of_ink: false,
            grown: 0,
        }
    }
}

/// Gas of the memory model (§6): 2 free pages per transaction, 1,000 gas per further page, and an
/// exponential term on the highest page count ever open.
pub fn memory_gas(open: u16, new: u16, ever: u16) -> u64 {
    const FREE_PAGES: u32 = 2;
    const PAGE_GAS: u64 = 1_000;
    let open_after = u32::from(open) + u32::from(new);
    let linear = u64::from(open_after.saturating_sub(FREE_PAGES.max(u32::from(open)))) * PAGE_GAS;
    let exp = |pages: u32| -> u64 {
        if pages == 0 {
            0
        } else {
            (31_874_000f64.powf(f64::from(pages) / 128.0)) as u64
        }
    };
    let new_ever = u32::from(ever).max(open_after);
    linear.saturating_add(exp(new_ever).saturating_sub(exp(u32::from(ever))))
}

type C<'a> = Caller<'a, HostState>;

fn trap(msg: &str) -> Error {
    Error::new(msg.to_string())
}

fn memory(c: &C) -> Result<Memory, Error> {
    c.get_export("memory")
        .and_then(Extern::into_memory)
        .ok_or_else(|| trap("no memory export"))
}

fn read(c: &C, ptr: i32, len: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; len];
    memory(c)?
        .read(c, ptr as u32 as usize, &mut buf)
        .map_err(|_| trap("read out of bounds"))?;
    Ok(buf)
}

fn write(c: &mut C, ptr: i32, data: &[u8]) -> Result<(), Error> {
    let m = memory(c)?;
    m.write(c, ptr as u32 as usize, data)
        .map_err(|_| trap("write out of bounds"))
}

fn read_word(c: &C, ptr: i32) -> Result<U256, Error> {
    Ok(U256::from_be_slice(&read(c, ptr, 32)?))
}

fn read_address(c: &C, ptr: i32) -> Result<Address, Error> {
    Ok(Address::from_slice(&read(c, ptr, 20)?))
}

fn ink_global(c: &C) -> Result<Global, Error> {
    c.get_export(INK_LEFT)
        .and_then(Extern::into_global)
        .ok_or_else(|| trap("not instrumented"))
}

fn ink_left(c: &C) -> Result<u64, Error> {
    match ink_global(c)?.get(c) {
        Val::I64(v) => Ok(v as u64),
        _ => Err(trap("bad ink global")),
    }
}

fn set_ink(c: &mut C, ink: u64) -> Result<(), Error> {
    let g = ink_global(c)?;
    g.set(c, Val::I64(ink as i64)).map_err(|_| trap("ink global"))
}

fn out_of_ink(c: &mut C) -> Error {
    c.data_mut().out_of_ink = true;
    let _ = set_ink(c, 0);
    if let Some(g) = c.get_export(INK_STATUS).and_then(Extern::into_global) {
        let _ = g.set(&mut *c, Val::I32(1));
    }
    trap("out of ink")
}

fn charge(c: &mut C, ink: u64) -> Result<(), Error> {
    let left = ink_left(c)?;
    if left < ink {
        return Err(out_of_ink(c));
    }
    set_ink(c, left - ink)
}

fn charge_gas(c: &mut C, gas: u64) -> Result<(), Error> {
    charge(c, gas.saturating_mul(INK_PER_GAS))
}

fn gas_left(c: &C) -> Result<u64, Error> {
    Ok(ink_left(c)? / INK_PER_GAS)
}

fn require_gas(c: &mut C, gas: u64) -> Result<(), Error> {
    if gas_left(c)? < gas {
        return Err(out_of_ink(c));
    }
    Ok(())
}

/// The in-memory database cannot fail; should it, the program traps.
fn db_err() -> Error {
    trap("database error")
}

/// Cold/warm account access gas, loading the account.
fn access_account(c: &mut C, address: Address) -> Result<u64, Error> {
    let load = c.data_mut().evm.ctx().journal_mut().load_account(address);
    match load {
        Ok(l) => Ok(if l.is_cold { 2_600 } else { 100 }),
        Err(_) => Err(db_err()),
    }
}

/// An account-reading host call: charges `ink`, reads the address at `ptr` and pays its cold or
/// warm access.
fn touch_account(c: &mut C, ptr: i32, ink: u64) -> Result<Address, Error> {
    charge(c, ink)?;
    let a = read_address(c, ptr)?;
    let gas = access_account(c, a)?;
    charge_gas(c, gas)?;
    Ok(a)
}

/// Writes the storage cache to the journal, charging EVM SSTORE gas per dirty slot.
fn flush(c: &mut C, clear: bool) -> Result<(), Error> {
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

/// Pointers and limits of a call from the program.
struct CallArgs {
    to: i32,
    data: i32,
    len: i32,
    /// Pointer to the value (`call_contract` only).
    value: Option<i32>,
    gas: i64,
    ret_len: i32,
}

/// A call from the program (`call_contract`, `delegate_call_contract`, `static_call_contract`).
fn call(c: &mut C, scheme: CallScheme, args: CallArgs) -> Result<i32, Error> {
    let CallArgs {
        to,
        data,
        len,
        value,
        gas,
        ret_len,
    } = args;
    let len = len as u32 as usize;
    charge(c, 83_193u64.saturating_add(2 * read_price(len as u64)))?;
    let to = read_address(c, to)?;
    let input = Bytes::from(read(c, data, len)?);
    let value = match value {
        Some(p) => read_word(c, p)?,
        None => U256::ZERO,
    };
    let st = c.data();
    if st.is_static && !value.is_zero() {
        return Err(trap("value transfer in a static call"));
    }
    let mut cost = access_account(c, to)?;
    if !value.is_zero() {
        cost += 9_000;
        let empty = match c.data_mut().evm.ctx().journal_mut().load_account(to) {
            Ok(a) => a.data.is_empty(),
            Err(_) => return Err(db_err()),
        };
        if empty {
            cost += 25_000;
        }
    }
    charge_gas(c, cost)?;
    // 63/64 of what is left, capped by what was asked.
    let left = gas_left(c)?;
    let mut limit = (left - left / 64).min(gas as u64);
    let stipend = if value.is_zero() { 0 } else { 2_300 };
    charge_gas(c, limit)?;
    limit += stipend;

    let code = match c.data_mut().evm.ctx().journal_mut().load_account_with_code(to) {
        Ok(a) => (
            a.data.info.code_hash,
            a.data.info.code.clone().unwrap_or_default(),
        ),
        Err(_) => return Err(db_err()),
    };
    let st = c.data();
    let (target, caller, call_value) = match scheme {
        CallScheme::DelegateCall | CallScheme::CallCode => {
            (st.address, st.caller, CallValue::Apparent(st.value))
        }
        _ => (to, st.address, CallValue::Transfer(value)),
    };
    let inputs = CallInputs {
        input: CallInput::Bytes(input),
        return_memory_offset: 0..0,
        gas_limit: limit,
        reservoir: 0,
        bytecode_address: to,
        known_bytecode: code,
        target_address: target,
        caller,
        value: call_value,
        scheme,
        is_static: st.is_static || scheme == CallScheme::StaticCall,
        charged_new_account_state_gas: false,
    };
    let result = match c.data_mut().evm.run_nested(FrameInput::Call(Box::new(inputs))) {
        Ok(r) => r,
        Err(_) => return Err(db_err()),
    };
    let FrameResult::Call(outcome) = result else {
        return Err(trap("unexpected frame result"));
    };
    let ok = outcome.result.result.is_ok();
    // Unused gas comes back (the stipend was free).
    let returned = outcome.result.gas.remaining().saturating_sub(stipend);
    let left = ink_left(c)?;
    set_ink(c, left.saturating_add(returned.saturating_mul(INK_PER_GAS)))?;
    if ok {
        c.data_mut().refund += outcome.result.gas.refunded();
    }
    let out = outcome.result.output;
    write(c, ret_len, &(out.len() as u32).to_le_bytes())?;
    c.data_mut().return_data = out;
    Ok(if ok { 0 } else { 2 })
}

/// `create1` / `create2` from the program: EVM init code, an endowment, and for create2 a salt.
/// Writes the new address (zero on failure) and the length of the revert data.
fn create(
    c: &mut C,
    code: i32,
    len: i32,
    endowment: i32,
    salt: Option<i32>,
    contract: i32,
    ret_len: i32,
) -> Result<(), Error> {
    let len = len as u32 as usize;
    let base_ink = if salt.is_some() { 88_233 } else { 83_193 };
    charge(c, base_ink + 2 * read_price(len as u64))?;
    if c.data().is_static {
        return Err(trap("create in a static call"));
    }
    let init_code = Bytes::from(read(c, code, len)?);
    let value = read_word(c, endowment)?;
    let scheme = match salt {
        Some(p) => CreateScheme::Create2 {
            salt: read_word(c, p)?,
        },
        None => CreateScheme::Create,
    };
    // 32,000 gas, plus 6 per word of init code hashed for create2.
    let hash_gas = if salt.is_some() {
        6 * (len as u64).div_ceil(32)
    } else {
        0
    };
    charge_gas(c, 32_000 + hash_gas)?;
    let left = gas_left(c)?;
    let limit = left - left / 64;
    charge_gas(c, limit)?;
    let caller = c.data().address;
    let inputs = CreateInputs::new(caller, scheme, value, init_code, limit, 0);
    let result = match c.data_mut().evm.run_nested(FrameInput::Create(Box::new(inputs))) {
        Ok(r) => r,
        Err(_) => return Err(db_err()),
    };
    let FrameResult::Create(outcome) = result else {
        return Err(trap("unexpected frame result"));
    };
    let left = ink_left(c)?;
    set_ink(
        c,
        left.saturating_add(outcome.result.gas.remaining().saturating_mul(INK_PER_GAS)),
    )?;
    let ok = outcome.result.result.is_ok();
    if ok {
        c.data_mut().refund += outcome.result.gas.refunded();
    }
    let address = if ok {
        outcome.address.unwrap_or_default()
    } else {
        Address::ZERO
    };
    // On success there is no return data; on failure, the revert data.
    let data = if ok { Bytes::new() } else { outcome.result.output };
    write(c, contract, address.as_slice())?;
    write(c, ret_len, &(data.len() as u32).to_le_bytes())?;
    c.data_mut().return_data = data;
    Ok(())
}

macro_rules! wrap {
    ($linker:ident, $name:literal, $f:expr) => {
        $linker
            .func_wrap("vm_hooks", $name, $f)
            .expect("unique host function");
    };
}

/// The linker with every `vm_hooks` function and the free `console` debug imports.
pub fn linker(engine: &Engine) -> Linker<HostState> {
    let mut l = Linker::<HostState>::new(engine);
    wrap!(l, "read_args", |mut c: C, ptr: i32| -> Result<(), Error> {
        let args = c.data().args.clone();
        charge(&mut c, HOSTIO_INK + write_price(args.len() as u64))?;
        write(&mut c, ptr, &args)
    });
    wrap!(l, "write_result", |mut c: C,
                              ptr: i32,
                              len: i32|
     -> Result<(), Error> {
        let len = len as u32 as usize;
        charge(&mut c, HOSTIO_INK + 2 * read_price(len as u64))?;
        let data = read(&c, ptr, len)?;
        c.data_mut().result = data;
        Ok(())
    });
    wrap!(l, "exit_early", |mut c: C, status: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK)?;
        c.data_mut().exit = Some(status);
        Err(trap("exit early"))
    });
    wrap!(l, "storage_load_bytes32", |mut c: C,
                                      key: i32,
                                      dest: i32|
     -> Result<(), Error> {
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
    });
    wrap!(l, "storage_cache_bytes32", |mut c: C,
                                       key: i32,
                                       value: i32|
     -> Result<(), Error> {
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
    });
    wrap!(l, "storage_flush_cache", |mut c: C,
                                     clear: i32|
     -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
        require_gas(&mut c, 2_300)?;
        flush(&mut c, clear != 0)
    });
    wrap!(l, "transient_load_bytes32", |mut c: C,
                                        key: i32,
                                        dest: i32|
     -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        charge_gas(&mut c, 100)?;
        let key = read_word(&c, key)?;
        let address = c.data().address;
        let v = c.data_mut().evm.ctx().journal_mut().tload(address, key);
        write(&mut c, dest, &v.to_be_bytes::<32>())
    });
    wrap!(l, "transient_store_bytes32", |mut c: C,
                                         key: i32,
                                         value: i32|
     -> Result<(), Error> {
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
    });
    wrap!(l, "call_contract", |mut c: C,
                               to: i32,
                               data: i32,
                               len: i32,
                               value: i32,
                               gas: i64,
                               ret: i32| {
        call(
            &mut c,
            CallScheme::Call,
            CallArgs {
                to,
                data,
                len,
                value: Some(value),
                gas,
                ret_len: ret,
            },
        )
    });
    wrap!(
        l,
        "delegate_call_contract",
        |mut c: C, to: i32, data: i32, len: i32, gas: i64, ret: i32| {
            call(
                &mut c,
                CallScheme::DelegateCall,
                CallArgs {
                    to,
                    data,
                    len,
                    value: None,
                    gas,
                    ret_len: ret,
                },
            )
        }
    );
    wrap!(
        l,
        "static_call_contract",
        |mut c: C, to: i32, data: i32, len: i32, gas: i64, ret: i32| {
            call(
                &mut c,
                CallScheme::StaticCall,
                CallArgs {
                    to,
                    data,
                    len,
                    value: None,
                    gas,
                    ret_len: ret,
                },
            )
        }
    );
    wrap!(l, "create1", |mut c: C,
                         code: i32,
                         len: i32,
                         endowment: i32,
                         contract: i32,
                         ret: i32| {
        create(&mut c, code, len, endowment, None, contract, ret)
    });
    wrap!(l, "create2", |mut c: C,
                         code: i32,
                         len: i32,
                         endowment: i32,
                         salt: i32,
                         contract: i32,
                         ret: i32| {
        create(&mut c, code, len, endowment, Some(salt), contract, ret)
    });
    wrap!(l, "read_return_data", |mut c: C,
                                  dest: i32,
                                  offset: i32,
                                  size: i32|
     -> Result<i32, Error> {
        let data = c.data().return_data.clone();
        let start = (offset as u32 as usize).min(data.len());
        let end = start.saturating_add(size as u32 as usize).min(data.len());
        let slice = data.get(start..end).unwrap_or_default().to_vec();
        charge(&mut c, HOSTIO_INK + EVM_API_INK + write_price(slice.len() as u64))?;
        write(&mut c, dest, &slice)?;
        Ok(slice.len() as i32)
    });
    wrap!(l, "return_data_size", |mut c: C| -> Result<i32, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data().return_data.len() as i32)
    });
    wrap!(l, "emit_log", |mut c: C,
                          data: i32,
                          len: i32,
                          topics: i32|
     -> Result<(), Error> {
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
    });
    wrap!(l, "account_balance", |mut c: C,
                                 address: i32,
                                 dest: i32|
     -> Result<(), Error> {
        let a = touch_account(&mut c, address, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let balance = match c.data_mut().evm.ctx().journal_mut().load_account(a) {
            Ok(l) => l.data.info.balance,
            Err(_) => return Err(db_err()),
        };
        write(&mut c, dest, &balance.to_be_bytes::<32>())
    });
    wrap!(l, "account_codehash", |mut c: C,
                                  address: i32,
                                  dest: i32|
     -> Result<(), Error> {
        let a = touch_account(&mut c, address, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let hash = match c.data_mut().evm.ctx().journal_mut().load_account_with_code(a) {
            Ok(l) if l.data.is_empty() => B256::ZERO,
            Ok(l) => l.data.info.code_hash,
            Err(_) => return Err(db_err()),
        };
        write(&mut c, dest, hash.as_slice())
    });
    wrap!(l, "account_code_size", |mut c: C,
                                   address: i32|
     -> Result<i32, Error> {
        let a = touch_account(&mut c, address, HOSTIO_INK + PTR_INK + EVM_API_INK)?;
        match c.data_mut().evm.ctx().journal_mut().load_account_with_code(a) {
            Ok(l) => Ok(l
                .data
                .info
                .code
                .as_ref()
                .map_or(0, |b| b.original_byte_slice().len()) as i32),
            Err(_) => Err(db_err()),
        }
    });
    wrap!(l, "account_code", |mut c: C,
                              address: i32,
                              offset: i32,
                              size: i32,
                              dest: i32|
     -> Result<i32, Error> {
        let a = touch_account(&mut c, address, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
        let code = match c.data_mut().evm.ctx().journal_mut().load_account_with_code(a) {
            Ok(l) => l
                .data
                .info
                .code
                .as_ref()
                .map(|b| b.original_bytes())
                .unwrap_or_default(),
            Err(_) => return Err(db_err()),
        };
        let start = (offset as u32 as usize).min(code.len());
        let end = start.saturating_add(size as u32 as usize).min(code.len());
        let slice = code.get(start..end).unwrap_or_default().to_vec();
        charge(&mut c, write_price(slice.len() as u64))?;
        write(&mut c, dest, &slice)?;
        Ok(slice.len() as i32)
    });
    wrap!(l, "block_basefee", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = U256::from(c.data_mut().evm.ctx().block.basefee);
        write(&mut c, dest, &v.to_be_bytes::<32>())
    });
    wrap!(l, "block_coinbase", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data_mut().evm.ctx().block.beneficiary;
        write(&mut c, dest, v.as_slice())
    });
    wrap!(l, "block_gas_limit", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().block.gas_limit as i64)
    });
    wrap!(l, "block_number", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().block.number.saturating_to::<u64>() as i64)
    });
    wrap!(l, "block_timestamp", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().block.timestamp.saturating_to::<u64>() as i64)
    });
    wrap!(l, "chainid", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(c.data_mut().evm.ctx().cfg.chain_id as i64)
    });
    wrap!(l, "tx_gas_price", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = U256::from(c.data_mut().evm.ctx().tx.gas_price);
        write(&mut c, dest, &v.to_be_bytes::<32>())
    });
    wrap!(l, "tx_ink_price", |mut c: C| -> Result<i32, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(INK_PER_GAS as i32)
    });
    wrap!(l, "tx_origin", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data_mut().evm.ctx().tx.caller;
        write(&mut c, dest, v.as_slice())
    });
    wrap!(l, "msg_sender", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data().caller;
        write(&mut c, dest, v.as_slice())
    });
    wrap!(l, "msg_value", |mut c: C, dest: i32| -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data().value;
        write(&mut c, dest, &v.to_be_bytes::<32>())
    });
    wrap!(l, "msg_reentrant", |mut c: C| -> Result<i32, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(i32::from(c.data().reentrant))
    });
    wrap!(l, "contract_address", |mut c: C,
                                  dest: i32|
     -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK + PTR_INK)?;
        let v = c.data().address;
        write(&mut c, dest, v.as_slice())
    });
    wrap!(l, "evm_gas_left", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(gas_left(&c)? as i64)
    });
    wrap!(l, "evm_ink_left", |mut c: C| -> Result<i64, Error> {
        charge(&mut c, HOSTIO_INK)?;
        Ok(ink_left(&c)? as i64)
    });
    wrap!(l, "native_keccak256", |mut c: C,
                                  data: i32,
                                  len: i32,
                                  out: i32|
     -> Result<(), Error> {
        let len = len as u32 as usize;
        let words = (len as u64).div_ceil(32);
        charge(&mut c, 121_800 + 21_000 * words.saturating_sub(2))?;
        let bytes = read(&c, data, len)?;
        write(&mut c, out, keccak256(&bytes).as_slice())
    });
    wrap!(l, "pay_for_memory_grow", |mut c: C,
                                     pages: i32|
     -> Result<(), Error> {
        charge(&mut c, HOSTIO_INK)?;
        if pages == 0 {
            return Ok(());
        }
        let new = u16::try_from(pages).map_err(|_| trap("too many pages"))?;
        let (open, ever) = (c.data().evm.pages_open, c.data().evm.pages_ever);
        charge_gas(&mut c, memory_gas(open, new, ever))?;
        let st = c.data_mut();
        st.grown = st.grown.saturating_add(new);
        st.evm.pages_open = open.saturating_add(new);
        st.evm.pages_ever = ever.max(st.evm.pages_open);
        Ok(())
    });
    for (name, op) in [("math_div", 0u8), ("math_mod", 1), ("math_pow", 2)] {
        l.func_wrap(
            "vm_hooks",
            name,
            move |mut c: C, a: i32, b: i32| -> Result<(), Error> {
                charge(&mut c, HOSTIO_INK + 3 * PTR_INK)?;
                let (x, y) = (read_word(&c, a)?, read_word(&c, b)?);
                let r = match op {
                    0 => x.checked_div(y).unwrap_or_default(),
                    1 => x.checked_rem(y).unwrap_or_default(),
                    _ => x.pow(y),
                };
                write(&mut c, a, &r.to_be_bytes::<32>())
            },
        )
        .expect("unique host function");
    }
    for (name, op) in [("math_add_mod", 0u8), ("math_mul_mod", 1)] {
        l.func_wrap(
            "vm_hooks",
            name,
            move |mut c: C, a: i32, b: i32, m: i32| -> Result<(), Error> {
                charge(&mut c, HOSTIO_INK + 4 * PTR_INK)?;
                let (x, y, z) = (read_word(&c, a)?, read_word(&c, b)?, read_word(&c, m)?);
                let r = if op == 0 { x.add_mod(y, z) } else { x.mul_mod(y, z) };
                write(&mut c, a, &r.to_be_bytes::<32>())
            },
        )
        .expect("unique host function");
    }
    l.func_wrap("console", "log_txt", |_c: C, _p: i32, _l: i32| {})
        .expect("unique");
    for name in ["log_i32", "tee_i32"] {
        l.func_wrap("console", name, |_c: C, v: i32| v).expect("unique");
    }
    for name in ["log_i64", "tee_i64"] {
        l.func_wrap("console", name, |_c: C, v: i64| v).expect("unique");
    }
    l
}

/// Instantiates `module`, sets its ink, runs `user_entrypoint(args_len)`, and returns the host
/// state, how the call ended and the ink left.
pub(crate) fn call_entrypoint(
    linker: &Linker<HostState>,
    mut store: Store<HostState>,
    module: &Module,
    ink: u64,
    args_len: usize,
) -> (HostState, Exit, u64) {
    let instance = match linker.instantiate_and_start(&mut store, module) {
        Ok(i) => i,
        Err(_) => return (store.into_data(), Exit::Trap, ink),
    };
    if let Some(g) = instance.get_global(&store, INK_LEFT) {
        let _ = g.set(&mut store, Val::I64(ink as i64));
    }
    if let Some(g) = instance.get_global(&store, STACK_LEFT) {
        let _ = g.set(&mut store, Val::I32(STACK_DEPTH_WORDS as i32));
    }
    let Ok(entry) = instance.get_typed_func::<i32, i32>(&store, "user_entrypoint") else {
        return (store.into_data(), Exit::Trap, ink);
    };
    let result = entry.call(&mut store, args_len as i32);
    let ink_left = crate::program::ink_left(&store, &instance);
    let status = match instance.get_global(&store, INK_STATUS).map(|g| g.get(&store)) {
        Some(Val::I32(s)) => s,
        _ => 0,
    };
    let exit = match result {
        Ok(s) => Exit::Returned(s),
        Err(e) => {
            let st = store.data();
            if let Some(s) = st.exit {
                Exit::Returned(s)
            } else if st.out_of_ink || status == 1 {
                Exit::OutOfInk
            } else if status == 2 || matches!(e.as_trap_code(), Some(wasmi::TrapCode::StackOverflow)) {
                Exit::OutOfStack
            } else {
                Exit::Trap
            }
        }
    };
    let ink_left = if exit == Exit::OutOfInk { 0 } else { ink_left };
    (store.into_data(), exit, ink_left)
}
