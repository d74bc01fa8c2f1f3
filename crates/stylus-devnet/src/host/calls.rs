//! Host functions for calls from the program (`call_contract`, `delegate_call_contract`,
//! `static_call_contract`) and the return data of the last call or create (`read_return_data`,
//! `return_data_size`). A call is priced as the EVM's CALL: cold/warm access, 9,000 gas for
//! value (+25,000 into an empty account), 63/64 of the gas left capped by what was asked, and
//! the 2,300 stipend with value. It runs as a nested frame ([`Frames::run_nested`]); unused gas
//! comes back. Status 0 = success, 2 = failure (revert or halt).

use revm::context_interface::{ContextTr, JournalTr};
use revm::handler::FrameResult;
use revm::interpreter::{CallInput, CallInputs, CallScheme, CallValue, FrameInput};
use revm::primitives::{Bytes, U256};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::accounts::access_account;
use crate::host::ink::{charge, charge_gas, gas_left, ink_left, set_ink};
use crate::host::memory::{read, read_address, read_word, write};
use crate::host::state::{db_err, hook, trap, HostCaller, HostState};
use crate::pricing::{read_price, write_price, EVM_API_INK, HOSTIO_INK, INK_PER_GAS};

/// Pointers and limits of a call from the program.
struct CallArgs {
    /// Pointer to the callee's address.
    to: i32,
    /// Pointer to the calldata.
    data: i32,
    /// Length of the calldata, bytes.
    len: i32,
    /// Pointer to the value (`call_contract` only).
    value: Option<i32>,
    /// Gas the program offers (capped at 63/64 of what is left).
    gas: i64,
    /// Pointer where the length of the return data is written.
    ret_len: i32,
}

/// Registers the call and return-data host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "call_contract",
        |mut c: HostCaller<F>, to: i32, data: i32, len: i32, value: i32, gas: i64, ret: i32| {
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
        },
    );
    hook(
        l,
        "delegate_call_contract",
        |mut c: HostCaller<F>, to: i32, data: i32, len: i32, gas: i64, ret: i32| {
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
        },
    );
    hook(
        l,
        "static_call_contract",
        |mut c: HostCaller<F>, to: i32, data: i32, len: i32, gas: i64, ret: i32| {
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
        },
    );
    hook(
        l,
        "read_return_data",
        |mut c: HostCaller<F>, dest: i32, offset: i32, size: i32| -> Result<i32, Error> {
            let data = c.data().return_data.clone();
            let start = (offset as u32 as usize).min(data.len());
            let end = start.saturating_add(size as u32 as usize).min(data.len());
            let slice = data.get(start..end).unwrap_or_default().to_vec();
            charge(&mut c, HOSTIO_INK + EVM_API_INK + write_price(slice.len() as u64))?;
            write(&mut c, dest, &slice)?;
            Ok(slice.len() as i32)
        },
    );
    hook(
        l,
        "return_data_size",
        |mut c: HostCaller<F>| -> Result<i32, Error> {
            charge(&mut c, HOSTIO_INK)?;
            Ok(c.data().return_data.len() as i32)
        },
    );
}

/// A call from the program; returns its status (0 success, 2 failure).
fn call<F: Frames>(c: &mut HostCaller<F>, scheme: CallScheme, args: CallArgs) -> Result<i32, Error> {
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
