//! ERC-20 reads every program may need.

use alloy_primitives::{Address, FixedBytes};
use alloy_sol_types::SolCall;
use stylus_sdk::{call::static_call, stylus_core::calls::Call, stylus_core::Host};

use crate::errors::TokenCallFailed;
use crate::interfaces::IERC20;

/// `TokenCallFailed` for the call with `selector` to `token`.
pub fn token_call_failed(token: Address, selector: [u8; 4]) -> TokenCallFailed {
    TokenCallFailed {
        token,
        selector: FixedBytes(selector),
    }
}

/// `token.decimals()`. Errors: `TokenCallFailed`.
pub fn token_decimals<H: Host + ?Sized>(vm: &H, token: Address) -> Result<u8, TokenCallFailed> {
    let failed = || token_call_failed(token, IERC20::decimalsCall::SELECTOR);
    let ret =
        static_call(vm, Call::new(), token, &IERC20::decimalsCall {}.abi_encode()).map_err(|_| failed())?;
    IERC20::decimalsCall::abi_decode_returns_validate(&ret).map_err(|_| failed())
}
