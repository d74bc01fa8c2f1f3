//! Fake ERC-20 tokens: balances that move on `transfer` / `transferFrom`, and the ways real
//! tokens misbehave ([`TokenKind`]).

use std::collections::HashMap;

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use pm_common::interfaces::IERC20;

use crate::calls::{FakeContract, Incoming, Outcome};
use crate::host::Chain;

/// How a fake token behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Returns `true` from transfers.
    Standard,
    /// Returns nothing from transfers (USDT-style).
    NoReturn,
    /// Burns `bps` of every transfer (the receiver gets less).
    FeeOnTransfer(u16),
    /// Returns `false` from transfers and moves nothing.
    ReturnsFalse,
    /// Reverts every call.
    Reverts,
}

/// A fake ERC-20: `decimals`, `balanceOf`, `transfer` (from the caller), `transferFrom` (no
/// allowances); any other call reverts. A transfer beyond the sender's balance reverts.
#[derive(Clone, Debug)]
pub struct FakeToken {
    /// Its behaviour.
    pub kind: TokenKind,
    /// What `decimals()` answers.
    pub decimals: u8,
    /// Balances, token units.
    pub balances: HashMap<Address, U256>,
}

impl FakeToken {
    /// A token of `kind` with `decimals` and no balances.
    pub fn new(kind: TokenKind, decimals: u8) -> Self {
        Self {
            kind,
            decimals,
            balances: HashMap::new(),
        }
    }

    /// The balance of `account`.
    pub fn balance(&self, account: Address) -> U256 {
        self.balances.get(&account).copied().unwrap_or_default()
    }

    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> Outcome {
        if self.kind == TokenKind::ReturnsFalse {
            return Ok(IERC20::transferCall::abi_encode_returns(&false));
        }
        let from_balance = self.balance(from);
        if from_balance < amount {
            return Err(Vec::new());
        }
        let received = match self.kind {
            TokenKind::FeeOnTransfer(bps) => amount - amount * U256::from(bps) / U256::from(10_000),
            _ => amount,
        };
        self.balances.insert(from, from_balance - amount);
        *self.balances.entry(to).or_default() += received;
        match self.kind {
            TokenKind::NoReturn => Ok(Vec::new()),
            _ => Ok(IERC20::transferCall::abi_encode_returns(&true)),
        }
    }
}

impl FakeContract for FakeToken {
    fn call(&mut self, call: &Incoming<'_>) -> Outcome {
        if self.kind == TokenKind::Reverts {
            return Err(Vec::new());
        }
        let data = call.data;
        if IERC20::decimalsCall::abi_decode(data).is_ok() {
            return Ok(IERC20::decimalsCall::abi_encode_returns(&self.decimals));
        }
        if let Ok(c) = IERC20::balanceOfCall::abi_decode(data) {
            return Ok(IERC20::balanceOfCall::abi_encode_returns(
                &self.balance(c.account),
            ));
        }
        if let Ok(c) = IERC20::transferCall::abi_decode(data) {
            return self.transfer(call.from, c.to, c.amount);
        }
        if let Ok(c) = IERC20::transferFromCall::abi_decode(data) {
            return self.transfer(c.from, c.to, c.amount);
        }
        Err(Vec::new())
    }
}

impl Chain {
    /// Registers a [`FakeToken`] of `kind` with `decimals` at `token`.
    pub fn add_token(&self, token: Address, kind: TokenKind, decimals: u8) {
        self.register(token, FakeToken::new(kind, decimals));
    }

    /// Credits `amount` token units to `to`.
    pub fn mint(&self, token: Address, to: Address, amount: u128) {
        self.fake_mut(token, |t: &mut FakeToken| {
            *t.balances.entry(to).or_default() += U256::from(amount)
        });
    }

    /// The token balance of `who`.
    pub fn token_balance(&self, token: Address, who: Address) -> U256 {
        self.fake(token, |t: &FakeToken| t.balance(who))
    }

    /// Changes how the token behaves.
    pub fn set_token_kind(&self, token: Address, kind: TokenKind) {
        self.fake_mut(token, |t: &mut FakeToken| t.kind = kind);
    }
}
