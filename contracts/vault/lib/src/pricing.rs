//! Collateral prices: each listed token's Chainlink feed, read through the checks of
//! [`pm_common::feeds`], behind the L2 sequencer-uptime gate.

use alloy_primitives::{Address, U256};
use pm_common::feeds::{checked_answer, ensure_sequencer_up, latest_round};
use pm_common::scaling::to_wad;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, CollateralNotListed, Result, VaultError};
use crate::storage::Vault;

/// A collateral token's pricing parameters, read from its packed slot (or the collateral table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pricing {
    /// Its Chainlink USD feed.
    pub oracle: Address,
    /// The feed's heartbeat, seconds.
    pub heartbeat: u32,
    /// The haircut in force, basis points.
    pub haircut_bps: u16,
    /// The token's decimals.
    pub token_decimals: u8,
    /// The feed's decimals.
    pub oracle_decimals: u8,
}

impl Vault {
    /// Errors: `SequencerDown`, `SequencerGracePeriod`, `OracleCallFailed` when a feed is set.
    pub(crate) fn ensure_sequencer_up(&self) -> Result<()> {
        ensure_sequencer_up(
            self.vm(),
            self.sequencer_feed.get(),
            self.sequencer_grace.get().saturating_to(),
        )
    }

    /// The pricing parameters of a listed token. Errors: `CollateralNotListed`.
    pub(crate) fn pricing(&self, token: Address) -> Result<Pricing> {
        let c = self.collaterals.getter(token);
        let oracle = c.oracle.get();
        if oracle.is_zero() {
            return Err(VaultError::CollateralNotListed(CollateralNotListed { token }));
        }
        Ok(Pricing {
            oracle,
            heartbeat: c.heartbeat.get().saturating_to(),
            haircut_bps: c.haircut_bps.get().saturating_to(),
            token_decimals: c.token_decimals.get().saturating_to(),
            oracle_decimals: c.oracle_decimals.get().saturating_to(),
        })
    }

    /// A checked oracle answer for `pricing`, in the feed's decimals (no sequencer check).
    /// Errors: those of `pm_common::feeds::{latest_round, checked_answer}`.
    pub(crate) fn oracle_answer(&self, pricing: &Pricing) -> Result<U256> {
        let round = latest_round(self.vm(), pricing.oracle)?;
        checked_answer(
            pricing.oracle,
            &round,
            pricing.heartbeat,
            self.vm().block_timestamp(),
        )
    }

    /// A listed token's price, 18 decimals, rounded down, behind the sequencer gate.
    pub(crate) fn token_price(&self, token: Address) -> Result<U256> {
        let pricing = self.pricing(token)?;
        self.ensure_sequencer_up()?;
        to_wad(self.oracle_answer(&pricing)?, pricing.oracle_decimals).ok_or_else(overflow)
    }
}
