//! Reference prices: each underlying's lagged price ([`crate::reference_rule`]), moved by anyone
//! towards the live price; which of an account's references are apart from the live prices (then
//! its trades are judged at both, `crate::trading`); and the figures a withdrawal is judged at:
//! the worse of the live prices and each apart underlying at the price against the account.

use alloy_primitives::{I256, U256};
use pm_risk::MAX_UNDERLYINGS;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, ClearinghouseError, Result, RiskCheckFailed};
use crate::events::ReferencePriceUpdated;
use crate::figures::Figures;
use crate::instrument::spec_of;
use crate::reference_rule::next_reference;
use crate::request::MarketData;
use crate::risk::NO_ANSWER;
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

    /// Masks of underlyings (bit k: listed underlying k): those `book` holds, and those of them
    /// whose reference price is set and further than the tolerance from the live price.
    /// Errors: the price errors of their feeds.
    pub(crate) fn references_apart(&self, book: &[(u128, i128)]) -> Result<(u32, u32)> {
        let (mut seen, mut apart) = (0u32, 0u32);
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
                    apart |= bit;
                }
            }
        }
        Ok((seen, apart))
    }

    /// The figures a withdrawal is judged at: those at the live prices, or, when references of
    /// `book` are apart, the worst (least free collateral) of those, those with every apart
    /// underlying at its reference, and those with each apart underlying at the price against
    /// the account: its reference when the account's net delta in it gains from the move since
    /// (a long after a rise, a short after a fall), its live price otherwise. The last keeps a
    /// pump in one underlying from hiding a fall in another; the second covers a book whose
    /// delta at the live price has the other sign than its gain from the move (short gamma: a
    /// short straddle pumped to its strike). Expired positions whose price is fixed count as
    /// their cash ([`Self::at_risk`]). Errors: those of a margin check, `RiskCheckFailed` (an
    /// answer without an underlying the book holds).
    pub(crate) fn withdrawal_figures(&self, collateral: UsdWad, book: &[(u128, i128)]) -> Result<Figures> {
        let (collateral, book) = self.at_risk(collateral, book)?;
        if book.is_empty() {
            return Ok(Figures::without_positions(collateral));
        }
        let answer = self.risk_answer(collateral, &book, 0)?;
        let live = Figures::of(&answer);
        let (held, apart) = self.references_apart(&book)?;
        if apart == 0 {
            return Ok(live);
        }
        // The answer's underlyings are the held ones, ascending (`build_request`).
        let mut against = 0u32;
        let mut deltas = answer.underlyings.iter().map(|u| u.delta);
        for k in 0..MAX_UNDERLYINGS as u32 {
            let bit = 1u32.checked_shl(k).unwrap_or(0);
            if held & bit == 0 {
                continue;
            }
            let delta = deltas
                .next()
                .ok_or(ClearinghouseError::from(RiskCheckFailed { code: NO_ANSWER }))?;
            if apart & bit == 0 {
                continue;
            }
            // The move since the reference was a rise: against a long, the reference.
            let rose = self.reference_of(k as usize) < self.underlying_price(k as usize)?;
            if (delta > 0) == rose {
                against |= bit;
            }
        }
        let free = |f: &Figures| f.equity.0.saturating_sub(f.initial.0);
        let mut worst = live;
        // A third risk call only when the two masks differ.
        let distinct = against != 0 && against != apart;
        for mask in [Some(apart), distinct.then_some(against)].into_iter().flatten() {
            let f = self.figures_at(collateral, &book, MarketData::Reference(mask))?;
            if free(&f) < free(&worst) {
                worst = f;
            }
        }
        Ok(worst)
    }
}
