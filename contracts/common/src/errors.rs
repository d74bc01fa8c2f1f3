//! The errors several programs revert with, declared once in `sol/Errors.sol`. Each program's
//! error enum carries these types as variants next to its own, so a shared error has one
//! selector everywhere; the generated interfaces (`abi/`) carry each declaration once.
//! A function that fails one way returns that error, which `?` turns into the caller's; one that
//! fails several ways is generic over the caller's error type (`E: From<...>`).
#![allow(missing_docs)]

use alloy_primitives::{Address, I256};
use alloy_sol_types::sol;

sol!(
    #[sol(all_derives)]
    "src/sol/Errors.sol"
);

impl InsufficientMargin {
    /// The error for `account` with `equity` below `initial_margin` (USD, 18 decimals); the
    /// shortfall saturates rather than overflows.
    pub fn of(account: Address, equity: I256, initial_margin: I256) -> Self {
        InsufficientMargin {
            account,
            equity,
            initialMargin: initial_margin,
            shortfall: initial_margin.saturating_sub(equity).into_raw(),
        }
    }
}
