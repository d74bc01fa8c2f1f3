//! How much of a collateral token an account can withdraw now: its free collateral (equity −
//! initial margin) at the token's haircut price, rounded down, at most its balance; the
//! settlement token carries no haircut and may be withdrawn beyond the balance (as debt).

use alloy_primitives::{Address, U256};
use pm_common::feeds::{checked_answer, feed_decimals, latest_round};
use pm_common::scaling::{pow10, to_wad};
use pm_common::tokens::token_decimals;
use pm_risk::fixed::{mul_div, Rounding};
use stylus_sdk::prelude::*;

use crate::errors::{overflow, ClearinghouseError, Result};
use crate::interfaces::IVault;
use crate::storage::Clearinghouse;

/// Basis points in 100%.
const BPS: i128 = pm_common::scaling::BPS as i128;

impl Clearinghouse {
    /// Token units of `token` the account can withdraw now (0 for a token that is not listed).
    /// Errors: those of a margin check, `OracleCallFailed` and the price errors of the token's
    /// feed, `TokenCallFailed` (`decimals()`), `VaultCallFailed`.
    pub fn withdrawable(&self, account: Address, token: Address) -> Result<U256> {
        let c = self.vault_view(IVault::collateralConfigCall { token })?;
        let (oracle, haircut_bps, heartbeat) = (c.oracle, c.haircutBps, c.heartbeat);
        if oracle.is_zero() {
            return Ok(U256::ZERO);
        }
        let figures = self.withdrawal_figures(self.collateral_value(account)?, &self.book(account))?;
        let free = i128::try_from(figures.free_collateral.0).map_err(|_| overflow())?;
        if free <= 0 {
            return Ok(U256::ZERO);
        }
        let settlement = self.vault_view(IVault::configCall {})?.settlementToken;
        let is_settlement = token == settlement;
        let kept = if is_settlement {
            BPS
        } else {
            BPS.saturating_sub(i128::from(haircut_bps))
        };
        let round = latest_round(self.vm(), oracle)?;
        let answer =
            checked_answer::<ClearinghouseError>(oracle, &round, heartbeat, self.vm().block_timestamp())?;
        let price = to_wad(answer, feed_decimals(self.vm(), oracle)?).ok_or_else(overflow)?;
        let price = i128::try_from(price).map_err(|_| overflow())?;
        let decimals = token_decimals(self.vm(), token)?;
        let unit = pow10(decimals)
            .and_then(|u| i128::try_from(u).ok())
            .ok_or_else(overflow)?;
        // free (USD, 18 decimals) / (price · kept / 10,000) per whole token, in token units: one
        // floor over a 256-bit product (`free · 10,000` rather than `unit · 10,000`, which would
        // overflow for tokens of 35 and 36 decimals). An amount beyond `int128` is more than any
        // balance: the balance caps it (the settlement token, at most 18 decimals, cannot get there).
        let amount = mul_div(
            free.checked_mul(BPS).ok_or_else(overflow)?,
            unit,
            price.checked_mul(kept).ok_or_else(overflow)?,
            Rounding::Down,
        )
        .ok()
        .map(|a| U256::from(a.max(0).unsigned_abs()));
        if is_settlement {
            return amount.ok_or_else(overflow);
        }
        let balance = self.vault_view(IVault::balanceOfCall { account, token })?;
        Ok(amount.map_or(balance, |a| a.min(balance)))
    }
}
