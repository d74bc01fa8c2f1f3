//! ERC-20 calls that accept standard tokens and tokens that return nothing (USDT-style).

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IERC20;
use pm_common::tokens::token_call_failed;
use stylus_sdk::{
    call::{call, static_call},
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
};

use crate::errors::{Result, VaultError};
use crate::storage::Vault;

fn failed(token: Address, selector: [u8; 4]) -> VaultError {
    VaultError::TokenCallFailed(token_call_failed(token, selector))
}

/// A transfer succeeded when the call did not revert and returned nothing or ABI `true`.
/// Only called on tokens whose code was checked at listing, so "returned nothing" is not "no code".
fn check_transfer_result(
    token: Address,
    selector: [u8; 4],
    result: core::result::Result<alloc::vec::Vec<u8>, CallError>,
) -> Result<()> {
    let data = result.map_err(|_| failed(token, selector))?;
    if data.is_empty() {
        return Ok(());
    }
    match IERC20::transferCall::abi_decode_returns_validate(&data) {
        Ok(true) => Ok(()),
        _ => Err(failed(token, selector)),
    }
}

impl Vault {
    /// `token.balanceOf(owner)`. Errors: `TokenCallFailed`.
    pub(crate) fn token_balance(&self, token: Address, owner: Address) -> Result<U256> {
        let data = IERC20::balanceOfCall { account: owner }.abi_encode();
        let ret = static_call(self.vm(), Call::new(), token, &data)
            .map_err(|_| failed(token, IERC20::balanceOfCall::SELECTOR))?;
        IERC20::balanceOfCall::abi_decode_returns_validate(&ret)
            .map_err(|_| failed(token, IERC20::balanceOfCall::SELECTOR))
    }

    /// Pulls `amount` from `from` with `transferFrom`. Errors: `TokenCallFailed`.
    pub(crate) fn pull_tokens(&mut self, token: Address, from: Address, amount: U256) -> Result<()> {
        let to = self.vm().contract_address();
        let data = IERC20::transferFromCall { from, to, amount }.abi_encode();
        let context = Call::new_mutating(self);
        let result = call(self.vm(), context, token, &data);
        check_transfer_result(token, IERC20::transferFromCall::SELECTOR, result)
    }

    /// Sends `amount` to `to` with `transfer`. Errors: `TokenCallFailed`.
    pub(crate) fn push_tokens(&mut self, token: Address, to: Address, amount: U256) -> Result<()> {
        let data = IERC20::transferCall { to, amount }.abi_encode();
        let context = Call::new_mutating(self);
        let result = call(self.vm(), context, token, &data);
        check_transfer_result(token, IERC20::transferCall::SELECTOR, result)
    }
}
