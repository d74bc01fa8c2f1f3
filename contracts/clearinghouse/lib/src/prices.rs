//! Underlying prices: each listed underlying's Chainlink feed, read through the checks of
//! [`pm_common::feeds`] and scaled to 18 decimals, and the L2 sequencer gate.
//!
//! The engine has one sequencer-uptime feed, set in the vault (`setSequencerFeed`). Every margin
//! check asks the vault for the account's collateral value, which the vault refuses while the
//! sequencer is down or within its grace period, so no margin check, trade, withdrawal or
//! liquidation runs on prices an outage left stale. The clearinghouse's own price writes (an
//! expiry's settlement price, a reference price) check the same feed themselves.

use pm_common::feeds::{checked_answer, ensure_sequencer_up, latest_round};
use pm_common::scaling::to_wad;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, ClearinghouseError, Result};
use crate::interfaces::IVault;
use crate::param_table::FeedSpec;
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;

impl Clearinghouse {
    /// The checked price of underlying `index` on its published feed ([`crate::param_table`]),
    /// USD with 18 decimals (rounded down). Errors: `UnknownUnderlying`, `ParamTableUnavailable`,
    /// `OracleCallFailed`, `IncompleteRound`, `InvalidPrice`,
    /// `StalePrice`, `ArithmeticOverflow`.
    pub(crate) fn underlying_price(&self, index: usize) -> Result<i128> {
        let table = self.published_table()?;
        if index >= table.listed() {
            return Err(unknown(index));
        }
        self.price_of(&table.feed(index))
    }

    /// The checked price of `feed`'s underlying, USD with 18 decimals (rounded down). Errors:
    /// as [`Self::underlying_price`] but `UnknownUnderlying`.
    pub(crate) fn price_of(&self, feed: &FeedSpec) -> Result<i128> {
        let round = latest_round(self.vm(), feed.feed)?;
        let answer = checked_answer::<ClearinghouseError>(
            feed.feed,
            &round,
            feed.heartbeat,
            self.vm().block_timestamp(),
        )?;
        let wad = to_wad(answer, feed.decimals).ok_or_else(overflow)?;
        i128::try_from(wad).map_err(|_| overflow())
    }

    /// Errors: `SequencerDown` or `SequencerGracePeriod` while the vault's sequencer-uptime feed
    /// (none: no check) reports the sequencer down or up for less than its grace period;
    /// `OracleCallFailed`, `VaultCallFailed`.
    pub(crate) fn ensure_sequencer_up(&self) -> Result<()> {
        let config = self.vault_view(IVault::configCall {})?;
        ensure_sequencer_up(self.vm(), config.sequencerFeed, config.gracePeriod)
    }
}
