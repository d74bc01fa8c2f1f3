//! Host functions that create contracts from EVM init code: `create1` and `create2`. Each pays
//! its ink and 32,000 gas (+6 per word of init code hashed for `create2`), forwards 63/64 of
//! the gas left to the nested create frame ([`Frames::run_nested`]) and gets the unused gas
//! back. The new address (zero on failure) and the length of the revert data are written back.

use revm::context_interface::CreateScheme;
use revm::handler::FrameResult;
use revm::interpreter::{CreateInputs, FrameInput};
use revm::primitives::{Address, Bytes};
use wasmi::{Error, Linker};

use crate::frames::Frames;
use crate::host::ink::{charge, charge_gas, gas_left, ink_left, set_ink};
use crate::host::memory::{read, read_word, write};
use crate::host::state::{db_err, hook, trap, HostCaller, HostState};
use crate::pricing::{read_price, INK_PER_GAS};

/// Registers `create1` and `create2`.
pub(crate) fn register<F: Frames + 'static>(l: &mut Linker<HostState<F>>) {
    hook(
        l,
        "create1",
        |mut c: HostCaller<F>, code: i32, len: i32, endowment: i32, contract: i32, ret: i32| {
            create(&mut c, code, len, endowment, None, contract, ret)
        },
    );
    hook(
        l,
        "create2",
        |mut c: HostCaller<F>, code: i32, len: i32, endowment: i32, salt: i32, contract: i32, ret: i32| {
            create(&mut c, code, len, endowment, Some(salt), contract, ret)
        },
    );
}

/// `create1` / `create2` from the program: EVM init code, an endowment, and for create2 a salt.
/// Writes the new address (zero on failure) and the length of the revert data.
fn create<F: Frames>(
    c: &mut HostCaller<F>,
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
