//! How much of a collateral token an account can withdraw now: its free collateral (equity −
//! initial margin) at the token's haircut price, rounded down, at most its balance; the
//! settlement token carries no haircut and may be withdrawn beyond the balance (as debt).

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use pm_risk::fixed::{mul_div, Rounding};
use stylus_sdk::{call::static_call, prelude::*, stylus_core::calls::Call};

use crate::errors::{overflow, ClearinghouseError, Result, TokenCallFailed};
use crate::external::{IVault, IERC20};
use crate::oracle::{checked_answer, wad_of};
use crate::storage::Clearinghouse;

/// Basis points in 100%.
const BPS: i128 = 10_000;

impl Clearinghouse {
    /// Token units of `token` the account can withdraw now (0 for a token that is not listed).
    /// Errors: those of a margin check, the price errors of the token's feed, `TokenCallFailed`
    /// (`decimals()`), `VaultCallFailed`.
    pub(crate) fn withdrawable_amount(&self, account: Address, token: Address) -> Result<U256> {
        let (oracle, haircut_bps, _, heartbeat, _) =
            self.vault_view(IVault::collateralConfigCall { token })?.into();
        if oracle.is_zero() {
            return Ok(U256::ZERO);
        }
        let figures = self.figures(self.collateral_value(account)?, &self.book(account))?;
        let free = i128::try_from(figures.free_collateral).map_err(|_| overflow())?;
        if free <= 0 {
            return Ok(U256::ZERO);
        }
        let (_, settlement) = self.vault_view(IVault::clearinghouseCall {})?.into();
        let is_settlement = token == settlement;
        let kept = if is_settlement {
            BPS
        } else {
            BPS.saturating_sub(i128::from(haircut_bps))
        };
        let round = self.latest_round(oracle)?;
        let answer = checked_answer(oracle, &round, heartbeat, self.vm().block_timestamp())?;
        let price = wad_of(answer, self.feed_decimals(oracle)?)?;
        let token_data = static_call(
            self.vm(),
            Call::new(),
            token,
            &IERC20::decimalsCall {}.abi_encode(),
        )
        .ok()
        .and_then(|r| IERC20::decimalsCall::abi_decode_returns_validate(&r).ok())
        .ok_or(ClearinghouseError::TokenCallFailed(TokenCallFailed { token }))?;
        let unit = 10i128.checked_pow(u32::from(token_data)).ok_or_else(overflow)?;
        // free (USD, 18 decimals) / (price · kept / 10,000) per whole token, in token units.
        let amount = mul_div(
            free,
            unit.checked_mul(BPS).ok_or_else(overflow)?,
            price.checked_mul(kept).ok_or_else(overflow)?,
            Rounding::Down,
        )
        .map_err(|_| overflow())?;
        let amount = U256::from(amount.max(0).unsigned_abs());
        if is_settlement {
            return Ok(amount);
        }
        let balance = self.vault_view(IVault::balanceOfCall { account, token })?;
        Ok(amount.min(balance))
    }
}
