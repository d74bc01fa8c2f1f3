//! Host functions that read other accounts: `account_balance`, `account_codehash`,
//! `account_code_size`, `account_code`. Each pays its ink and the EIP-2929 access (2,600 gas
//! cold, 100 warm), the code readers EXTCODESIZE's 700 on top (nothing for a repeat of the
//! account read last); `access_account` also prices calls.

use revm::context_interface::{ContextTr, JournalTr};
use revm::primitives::{Address, Bytes, B256};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas, require_gas};
use crate::host::memory::{read_address, write};
use crate::host::state::{db_err, hook, HostCaller, HostState};
use crate::pricing::{write_price, EVM_API_INK, HOSTIO_INK, PTR_INK};

/// EXTCODESIZE's base gas at the default code-size limit, which the code readers pay.
const EXTCODE_GAS: u64 = 700;

/// Loads `address` and returns its access gas: 2,600 if cold, 100 if warm.
pub(crate) fn access_account<F: Frames>(c: &mut HostCaller<F>, address: Address) -> Result<u64, Error> {
    let load = c.data_mut().evm.ctx().journal_mut().load_account(address);
    match load {
        Ok(l) => Ok(if l.is_cold { 2_600 } else { 100 }),
        Err(_) => Err(db_err()),
    }
}

/// An account-reading host call: charges `ink`, reads the address at `ptr` and pays its cold or
/// warm access.
fn touch_account<F: Frames>(c: &mut HostCaller<F>, ptr: i32, ink: u64) -> Result<Address, Error> {
    charge(c, ink)?;
    let a = read_address(c, ptr)?;
    let gas = access_account(c, a)?;
    charge_gas(c, gas)?;
    Ok(a)
}

/// Registers the account-reading host functions.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "account_balance",
        |mut c: HostCaller<F>, address: i32, dest: i32| -> Result<(), Error> {
            let a = touch_account(&mut c, address, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            let balance = match c.data_mut().evm.ctx().journal_mut().load_account(a) {
                Ok(l) => l.data.info.balance,
                Err(_) => return Err(db_err()),
            };
            write(&mut c, dest, &balance.to_be_bytes::<32>())
        },
    );
    hook(
        l,
        "account_codehash",
        |mut c: HostCaller<F>, address: i32, dest: i32| -> Result<(), Error> {
            let a = touch_account(&mut c, address, HOSTIO_INK + 2 * PTR_INK + EVM_API_INK)?;
            let hash = match c.data_mut().evm.ctx().journal_mut().load_account_with_code(a) {
                Ok(l) if l.data.is_empty() => B256::ZERO,
                Ok(l) => l.data.info.code_hash,
                Err(_) => return Err(db_err()),
            };
            write(&mut c, dest, hash.as_slice())
        },
    );
    hook(
        l,
        "account_code_size",
        |mut c: HostCaller<F>, address: i32| -> Result<i32, Error> {
            charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
            require_gas(&mut c, 2_600)?;
            let a = read_address(&c, address)?;
            Ok(code_of(&mut c, a)?.len() as i32)
        },
    );
    hook(
        l,
        "account_code",
        |mut c: HostCaller<F>, address: i32, offset: i32, size: i32, dest: i32| -> Result<i32, Error> {
            charge(&mut c, HOSTIO_INK + EVM_API_INK)?;
            require_gas(&mut c, 2_600)?;
            let a = read_address(&c, address)?;
            let code = code_of(&mut c, a)?;
            // The ink is for the whole code, whatever part is copied.
            charge(&mut c, write_price(code.len() as u64))?;
            let start = (offset as u32 as usize).min(code.len());
            let end = start.saturating_add(size as u32 as usize).min(code.len());
            let slice = code.get(start..end).unwrap_or_default().to_vec();
            write(&mut c, dest, &slice)?;
            Ok(slice.len() as i32)
        },
    );
}

/// The code of `address` for `account_code` and `account_code_size`: pays EXTCODESIZE's 700 and
/// the access gas (2,600 cold, 100 warm), or nothing when it is the (non-empty) code this call
/// read last, as Nitro keeps it.
fn code_of<F: Frames>(c: &mut HostCaller<F>, address: Address) -> Result<Bytes, Error> {
    if let Some((last, code)) = &c.data().last_code {
        if *last == address {
            return Ok(code.clone());
        }
    }
    let access = access_account(c, address)?;
    charge_gas(c, EXTCODE_GAS + access)?;
    let code = match c
        .data_mut()
        .evm
        .ctx()
        .journal_mut()
        .load_account_with_code(address)
    {
        Ok(l) => l
            .data
            .info
            .code
            .as_ref()
            .map(|b| b.original_bytes())
            .unwrap_or_default(),
        Err(_) => return Err(db_err()),
    };
    if !code.is_empty() {
        c.data_mut().last_code = Some((address, code.clone()));
    }
    Ok(code)
}
