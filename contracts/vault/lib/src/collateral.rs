//! Collateral listing and valuation.

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U16, U256, U32, U8};
use stylus_sdk::prelude::*;

use pm_common::feeds::{check_heartbeat, ensure_sequencer_up, feed_decimals};
use pm_common::guards::ensure_contract;
use pm_common::scaling::{BPS, MAX_DECIMALS};
use pm_common::tokens::token_decimals;

use crate::errors::{
    overflow, InvalidGracePeriod, InvalidHaircut, Result, TooManyCollaterals, UnsupportedDecimals, VaultError,
};
use crate::events::{CollateralConfigured, SequencerFeedSet};
use crate::pricing::Pricing;
use crate::storage::Vault;
use crate::valuation::{debt_value, haircut_value};

/// The most collateral tokens the vault lists (bounds the gas of a valuation).
pub const MAX_COLLATERALS: u32 = 16;
/// The most decimals a token and its feed may have together, the feed's counted as at least 18.
pub const MAX_COMBINED_DECIMALS: u8 = 54;
/// The longest sequencer grace period accepted, in seconds (1 day).
pub const MAX_GRACE_PERIOD: u32 = 24 * 3600;

impl Vault {
    pub(crate) fn configure_collateral(
        &mut self,
        token: Address,
        oracle: Address,
        haircut_bps: u16,
        deposit_cap: U256,
        heartbeat: u32,
    ) -> Result<()> {
        self.only_risk_admin()?;
        if haircut_bps >= BPS {
            return Err(VaultError::InvalidHaircut(InvalidHaircut {
                haircutBps: U256::from(haircut_bps),
                maxBps: U256::from(BPS),
            }));
        }
        check_heartbeat::<VaultError>(heartbeat)?;
        ensure_contract(self.vm(), token)?;
        ensure_contract(self.vm(), oracle)?;
        let token_decimals = token_decimals(self.vm(), token)?;
        let oracle_decimals = feed_decimals(self.vm(), oracle)?;
        // Each at most 36; together (the feed's counted as at least 18, as the valuation scales
        // to 18) at most 54, so that valuing up to 10^19 USD of the token, and selling it in a
        // liquidation, fits 256 bits.
        let combined = token_decimals.saturating_add(oracle_decimals.max(18));
        for (source, decimals, max) in [
            (token, token_decimals, MAX_DECIMALS),
            (oracle, oracle_decimals, MAX_DECIMALS),
            (token, combined, MAX_COMBINED_DECIMALS),
        ] {
            if decimals > max {
                return Err(VaultError::UnsupportedDecimals(UnsupportedDecimals {
                    source,
                    decimals: U256::from(decimals),
                    maxDecimals: U256::from(max),
                }));
            }
        }
        let listed = !self.collaterals.getter(token).oracle.get().is_zero();
        if !listed {
            let count = self.collateral_tokens.len();
            if count >= MAX_COLLATERALS as usize {
                return Err(VaultError::TooManyCollaterals(TooManyCollaterals {
                    max: U256::from(MAX_COLLATERALS),
                }));
            }
        }
        // The feed must answer a usable price now: a listing never starts on a broken feed.
        self.oracle_answer(&Pricing {
            oracle,
            heartbeat,
            haircut_bps,
            token_decimals,
            oracle_decimals,
        })?;
        // A listed token's haircut ramps in; a new one takes it at once.
        let haircut = if listed {
            self.ramp_haircut(token, haircut_bps)
        } else {
            haircut_bps
        };
        let mut entry = self.collaterals.setter(token);
        entry.oracle.set(oracle);
        entry.haircut_bps.set(U16::from(haircut));
        entry.heartbeat.set(U32::from(heartbeat));
        entry.token_decimals.set(U8::from(token_decimals));
        entry.oracle_decimals.set(U8::from(oracle_decimals));
        entry.deposit_cap.set(deposit_cap);
        if !listed {
            self.collateral_tokens.push(token);
        }
        self.publish_collateral_table()?;
        self.vm().log(CollateralConfigured {
            token,
            oracle,
            haircutBps: haircut_bps,
            depositCap: deposit_cap,
            heartbeat,
        });
        Ok(())
    }

    pub(crate) fn configure_sequencer_feed(&mut self, feed: Address, grace_period: u32) -> Result<()> {
        self.only_risk_admin()?;
        if grace_period > MAX_GRACE_PERIOD {
            return Err(VaultError::InvalidGracePeriod(InvalidGracePeriod {
                gracePeriod: U256::from(grace_period),
                maxSeconds: U256::from(MAX_GRACE_PERIOD),
            }));
        }
        if !feed.is_zero() {
            ensure_contract(self.vm(), feed)?;
        }
        self.sequencer_feed.set(feed);
        self.sequencer_grace.set(U32::from(grace_period));
        self.publish_collateral_table()?;
        self.vm().log(SequencerFeedSet {
            feed,
            gracePeriod: grace_period,
        });
        Ok(())
    }

    pub(crate) fn listed_tokens(&self) -> Vec<Address> {
        let count = self.collateral_tokens.len();
        let mut tokens = Vec::with_capacity(count);
        for i in 0..count {
            if let Some(token) = self.collateral_tokens.get(i) {
                tokens.push(token);
            }
        }
        tokens
    }

    /// The account's collateral value in USD (18 decimals): the haircut values of its balances,
    /// each rounded down, minus its settlement-token debt at the oracle price, rounded up. The
    /// settlement token carries no haircut: it is the unit PnL is paid in, owed and owned alike.
    /// The listing and the sequencer feed come from the published collateral table.
    pub(crate) fn account_collateral_value(&self, account: Address) -> Result<I256> {
        let table = self.published_collateral_table()?;
        let balances = self.balances.getter(account);
        let settlement = self.settlement_token.get();
        let debt = self.debts.get(account);
        let mut total = U256::ZERO;
        let mut owed_value = U256::ZERO;
        // Every valuation is gated, even of an account that holds nothing: a margin check
        // always asks for one, so none runs on prices an outage left stale.
        let (sequencer, grace) = table.sequencer();
        ensure_sequencer_up::<_, VaultError>(self.vm(), sequencer, grace)?;
        for (token, pricing) in (0..table.listed()).filter_map(|i| table.token(i)) {
            let amount = if token == settlement {
                self.settlement_balance(account)?
            } else {
                balances.get(token)
            };
            let owed = if token == settlement { debt } else { U256::ZERO };
            if amount.is_zero() && owed.is_zero() {
                continue;
            }
            let answer = self.oracle_answer(&pricing)?;
            let (td, od) = (pricing.token_decimals, pricing.oracle_decimals);
            if !owed.is_zero() {
                // Balance and debt are never both non-zero: the balance is used up first.
                owed_value = debt_value(owed, answer, td, od)?;
                continue;
            }
            let haircut = if token == settlement {
                0
            } else {
                pricing.haircut_bps
            };
            let value = haircut_value(amount, answer, td, od, haircut)?;
            total = total.checked_add(value).ok_or_else(overflow)?;
        }
        signed(total)?
            .checked_sub(signed(owed_value)?)
            .ok_or_else(overflow)
    }
}

/// `value` as a signed 256-bit integer. Errors: `ArithmeticOverflow` above `I256::MAX`.
fn signed(value: U256) -> Result<I256> {
    I256::try_from(value).map_err(|_| overflow())
}
