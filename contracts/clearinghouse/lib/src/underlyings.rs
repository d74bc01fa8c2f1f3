//! Underlyings: each listed one's Chainlink feed, its posted implied volatility and its risk
//! parameters. The risk admin lists them (indices 0, 1, … in order) and changes them (the
//! parameters ramp in); the risk oracle posts vols (`risk_oracle`). Every change is validated by
//! the risk program itself, the code that will margin with it.

use alloy_primitives::{Address, U256, U32, U8};
use pm_common::feeds::{check_heartbeat, feed_decimals};
use pm_common::guards::ensure_contract;
use pm_risk::MAX_UNDERLYINGS;
use stylus_sdk::prelude::*;

use crate::errors::{ClearinghouseError, Result, TooManyUnderlyings, UnknownUnderlying};
use crate::events::UnderlyingSet;
use crate::parameters::words_or_invalid;
use crate::storage::Clearinghouse;
use crate::words::{halves, word_of};

/// `UnknownUnderlying` for `index`.
pub(crate) fn unknown(index: usize) -> ClearinghouseError {
    ClearinghouseError::from(UnknownUnderlying {
        index: U256::from(index),
    })
}

/// The underlying view: (feed, heartbeat, volMaxAge, vol, volPostedAt).
pub type UnderlyingTuple = (Address, u32, u32, i128, u64);

impl Clearinghouse {
    /// Lists underlying `index` (the next free index) or changes a listed one: a Chainlink USD
    /// `feed` with its `heartbeat` and the longest age `vol_max_age` of a posted vol (seconds,
    /// 1 to 7 days), the oracle add-on fraction and the nine `pm_risk::UnderlyingParams` in wire
    /// order, all with 18 decimals. The feed must answer a usable price now and the parameters
    /// must pass the risk program. A new underlying takes its parameters at once and has no vol
    /// until the risk oracle's next update; a listed one's feed and ages change at once and its
    /// parameters ramp in ([`crate::ramps`]). Errors: `NotRiskAdmin`, `UnknownUnderlying`,
    /// `TooManyUnderlyings`, `InvalidHeartbeat`, `VolAgeWithinGap` (a vol age not above the risk
    /// oracle's least gap), `NotAContract`, `OracleCallFailed`, the feed's
    /// price errors, `InvalidRiskParameters`, `ParamTableUnavailable` (the parameter table's
    /// deployment failed).
    pub fn set_underlying(
        &mut self,
        index: u8,
        feed: Address,
        heartbeat: u32,
        vol_max_age: u32,
        oracle_addon: i128,
        params: [i128; 9],
    ) -> Result<()> {
        self.only_risk_admin()?;
        let index = usize::from(index);
        let count = self.underlyings.len();
        if index > count {
            return Err(unknown(index));
        }
        if index >= MAX_UNDERLYINGS {
            return Err(ClearinghouseError::from(TooManyUnderlyings {
                max: U256::from(MAX_UNDERLYINGS),
            }));
        }
        for age in [heartbeat, vol_max_age] {
            check_heartbeat::<ClearinghouseError>(age)?;
        }
        self.check_vol_age(vol_max_age, self.oracle_bounds().min_gap)?;
        ensure_contract(self.vm(), feed)?;
        let decimals = feed_decimals(self.vm(), feed)?;
        // A value too wide for its storage slot is refused before anything is written.
        let words = words_or_invalid(&[
            oracle_addon,
            params[0],
            params[1],
            params[2],
            params[3],
            params[4],
            params[5],
            params[6],
            params[7],
            params[8],
        ])?;
        if index == count {
            self.underlyings.grow();
        }
        let mut u = self.underlyings.setter(index).ok_or_else(|| unknown(index))?;
        u.feed.set(feed);
        u.heartbeat.set(U32::from(heartbeat));
        u.vol_max_age.set(U32::from(vol_max_age));
        u.feed_decimals.set(U8::from(decimals));
        // The feed must answer now (the validation below prices every underlying at 1).
        let live = self.price_of(&self.stored_feed(index))?;
        // A new underlying takes its parameters at once (nobody holds it); a listed one ramps.
        self.start_ramp(index, &words, index == count)?;
        // Listing (or re-setting) an underlying anchors its reference price at the live one: no
        // withdrawal is ever judged without one, and the risk admin can re-anchor a lagging one.
        let now = i128::from(self.vm().block_timestamp());
        if let Some(mut slot) = self.reference_prices.setter(index) {
            slot.set(word_of(live, now));
        }
        self.publish_params()?;
        self.vm().log(UnderlyingSet {
            index: U256::from(index),
            feed,
            heartbeat,
            volMaxAge: vol_max_age,
        });
        Ok(())
    }

    /// Underlying `index` ([`UnderlyingTuple`]). Errors: `UnknownUnderlying`.
    pub fn underlying(&self, index: u8) -> Result<UnderlyingTuple> {
        let u = self
            .underlyings
            .getter(usize::from(index))
            .ok_or_else(|| unknown(usize::from(index)))?;
        let (vol, posted) = halves(u.market.get());
        Ok((
            u.feed.get(),
            u.heartbeat.get().to(),
            u.vol_max_age.get().to(),
            vol,
            u64::try_from(posted).unwrap_or(0),
        ))
    }

    /// How many underlyings are listed.
    pub fn underlying_count(&self) -> u8 {
        self.underlyings.len() as u8
    }
}
