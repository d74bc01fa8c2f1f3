//! Underlying prices: each listed underlying's Chainlink feed, read through the checks of
//! [`pm_common::feeds`] and scaled to 18 decimals.

use pm_common::feeds::{checked_answer, latest_round};
use pm_common::scaling::to_wad;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, ClearinghouseError, Result};
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;

impl Clearinghouse {
    /// The checked price of underlying `index`, USD with 18 decimals (rounded down).
    /// Errors: `UnknownUnderlying`, `OracleCallFailed`, `IncompleteRound`, `InvalidPrice`,
    /// `StalePrice`, `ArithmeticOverflow`.
    pub(crate) fn underlying_price(&self, index: usize) -> Result<i128> {
        let u = self.underlyings.getter(index).ok_or_else(|| unknown(index))?;
        let feed = u.feed.get();
        let round = latest_round(self.vm(), feed)?;
        let answer = checked_answer::<ClearinghouseError>(
            feed,
            &round,
            u.heartbeat.get().to(),
            self.vm().block_timestamp(),
        )?;
        let wad = to_wad(answer, u.feed_decimals.get().to()).ok_or_else(overflow)?;
        i128::try_from(wad).map_err(|_| overflow())
    }
}
