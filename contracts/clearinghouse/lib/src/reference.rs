//! Reference prices: each underlying's lagged price ([`crate::reference_rule`]), moved by anyone
//! towards the live price; whether an account's references are apart from the live prices (then
//! its trades are judged at both, `crate::trading`); and the figures a withdrawal is judged at:
//! the worse of the live prices and the reference prices.

use alloy_primitives::{I256, U256};
use stylus_sdk::prelude::*;

use crate::errors::{overflow, Result};
use crate::events::ReferencePriceUpdated;
use crate::figures::Figures;
use crate::instrument::spec_of;
use crate::reference_rule::next_reference;
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;
use crate::units::UsdWad;
use crate::words::{halves, word_of};

/// How far apart the live and reference prices of every held underlying may be (0.5%, a
/// fraction of the live price) for a withdrawal or a trade to be judged at the live prices alone.
const TOLERANCE_PER_MILLE: i128 = 5;

impl Clearinghouse {
    /// Underlying `underlying`'s reference price (USD, 18 decimals; 0 until first updated) and
    /// when it was last updated (unix seconds).
    pub fn reference_price(&self, underlying: u8) -> (I256, u64) {
        let (price, at) = halves(
            self.reference_prices
                .get(usize::from(underlying))
                .unwrap_or_default(),
        );
        (
            I256::try_from(price).unwrap_or_default(),
            u64::try_from(at).unwrap_or(0),
        )
    }

    /// Moves `underlying`'s reference price towards its live price by the rule of
    /// [`crate::reference_rule`] and returns it. Anyone may call (keepers do, often).
    /// Errors: `NotThroughCore`, `SequencerDown`, `SequencerGracePeriod`, `VaultCallFailed`,
    /// `OracleCallFailed` (also of the sequencer feed), `UnknownUnderlying`, the price errors of
    /// its feed, `ArithmeticOverflow`.
    pub fn update_reference_price(&mut self, underlying: u8) -> Result<I256> {
        self.through_core()?;
        let k = usize::from(underlying);
        self.ensure_sequencer_up()?;
        let live = self.underlying_price(k)?;
        let now = self.vm().block_timestamp();
        let (old, at) = halves(self.reference_prices.get(k).ok_or_else(|| unknown(k))?);
        let elapsed = now.saturating_sub(u64::try_from(at).unwrap_or(0));
        let price = next_reference(old, live, elapsed).ok_or_else(overflow)?;
        if let Some(mut slot) = self.reference_prices.setter(k) {
            slot.set(word_of(price, i128::from(now)));
        }
        let price = I256::try_from(price).map_err(|_| overflow())?;
        self.vm().log(ReferencePriceUpdated {
            underlying: U256::from(k),
            price,
        });
        Ok(price)
    }

    /// The reference price of underlying `k` (0 when not set).
    pub(crate) fn reference_of(&self, k: usize) -> i128 {
        halves(self.reference_prices.get(k).unwrap_or_default()).0
    }

    /// Whether some underlying of `book` has a reference price set and further than the
    /// tolerance from its live price. Errors: the price errors of its feed.
    pub(crate) fn references_apart(&self, book: &[(u128, i128)]) -> Result<bool> {
        let mut seen = 0u32;
        for (id, _) in book {
            let k = spec_of(*id).underlying;
            let bit = 1u32.checked_shl(u32::from(k)).unwrap_or(0);
            if seen & bit != 0 {
                continue;
            }
            seen |= bit;
            let reference = self.reference_of(usize::from(k));
            if reference > 0 {
                let price = self.underlying_price(usize::from(k))?;
                let gap = price.saturating_sub(reference).saturating_abs();
                if gap.saturating_mul(1_000) > price.saturating_mul(TOLERANCE_PER_MILLE) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// The figures a withdrawal is judged at: those at the live prices, or, when the references
    /// of `book` are apart, the worse (less free collateral) of those and the figures at the
    /// reference prices; expired positions whose price is fixed count as their cash
    /// ([`Self::at_risk`]). Errors: those of a margin check.
    pub(crate) fn withdrawal_figures(&self, collateral: UsdWad, book: &[(u128, i128)]) -> Result<Figures> {
        let (collateral, book) = self.at_risk(collateral, book)?;
        let live = self.figures(collateral, &book)?;
        if !self.references_apart(&book)? {
            return Ok(live);
        }
        let at_reference = self.figures_at(collateral, &book, MarketData::Reference)?;
        let free = |f: &Figures| f.equity.0.saturating_sub(f.initial.0);
        Ok(if free(&at_reference) < free(&live) {
            at_reference
        } else {
            live
        })
    }
}
