//! Position changes reported by authorised markets, and their simulation.
//!
//! Accounting: a trade of `Δ` units at price `p` moves `Δ·p` settlement-token units between the
//! account and the market (the buyer pays, rounded up; the seller receives, rounded down);
//! positions are then valued at the marks, so an account's equity is its collateral (with that
//! cash, or debt) plus its positions' value. The two sides of one trade net to zero at the
//! market, which keeps the rounding.

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U256};
use pm_risk::units::MAX_PRICE;
use stylus_sdk::prelude::*;

use crate::errors::{
    overflow, ClearinghouseError, ExpiredPositionUnsettled, InstrumentNotTradable, InvalidInstrument,
    InvalidSize, InvalidTradePrice, LengthMismatch, Result,
};
use crate::events::PositionUpdated;
use crate::figures::{Figures, MarginTuple};
use crate::instrument::{cash_for, is_reduction, size_in_range, spec_of, tradable, valid};
use crate::request::MarketData;
use crate::rules::{exempt, grace};
use crate::storage::Clearinghouse;
use crate::units::{TokenUnits, UsdWad};

/// One requested change: instrument id, size change (units, 18 decimals), price per unit
/// (USD, 18 decimals).
pub type Change = (u128, i128, i128);

/// What a change set is judged against: the account, its collateral and book before the
/// changes (only when every change shrinks a position: nothing else may be exempt), and the
/// rounding grace of the exemption.
struct Judged<'a> {
    account: Address,
    before: Option<(UsdWad, &'a [(u128, i128)])>,
    grace: UsdWad,
}

/// The changes of a batch from its three arrays. Errors: `LengthMismatch`.
pub fn changes_of(instruments: Vec<u128>, deltas: Vec<i128>, prices: Vec<i128>) -> Result<Vec<Change>> {
    if instruments.len() != deltas.len() || instruments.len() != prices.len() {
        return Err(ClearinghouseError::from(LengthMismatch {}));
    }
    Ok(instruments
        .into_iter()
        .zip(deltas)
        .zip(prices)
        .map(|((i, d), p)| (i, d, p))
        .collect())
}

/// The position after `change` to `old` units at `now`, with `listed` underlyings.
/// Errors: `InvalidInstrument`, `InstrumentNotTradable`, `InvalidTradePrice`, `InvalidSize`.
fn check_change(change: Change, old: i128, now: u64, listed: usize) -> Result<i128> {
    let (instrument, delta, price) = change;
    let spec = spec_of(instrument);
    if !valid(&spec, listed) {
        return Err(ClearinghouseError::from(InvalidInstrument { instrument }));
    }
    if !tradable(&spec, now) {
        return Err(ClearinghouseError::from(InstrumentNotTradable {
            instrument,
            timestamp: U256::from(now),
        }));
    }
    if !(0..=MAX_PRICE).contains(&price) {
        return Err(ClearinghouseError::from(InvalidTradePrice {
            price: I256::try_from(price).unwrap_or_default(),
        }));
    }
    old.checked_add(delta)
        .filter(|n| delta != 0 && size_in_range(*n))
        .ok_or_else(|| {
            ClearinghouseError::from(InvalidSize {
                instrument,
                size: I256::try_from(old.saturating_add(delta)).unwrap_or_default(),
            })
        })
}

impl Clearinghouse {
    /// Changes `account`'s position in `instrument` by `size_delta` units traded at `price` USD
    /// per unit, for the calling market; see [`Self::update_positions`].
    pub fn update_position(
        &mut self,
        account: Address,
        instrument: u128,
        size_delta: i128,
        price: i128,
    ) -> Result<()> {
        self.update(account, &[(instrument, size_delta, price)])
    }

    /// Applies several changes for the calling market, settles their cash in the vault, and
    /// judges the account once after them ([`crate::rules`]): every price within its band of the
    /// mark, and initial margin unless the changes only shrink positions and lower neither equity
    /// nor maintenance health. Errors: `LengthMismatch`, `MarketNotAuthorised`,
    /// `MarketNotApproved`, `InvalidInstrument`, `InstrumentNotTradable`, `InvalidTradePrice`,
    /// `ExpiredPositionUnsettled`,
    /// `InvalidSize`, `TooManyPositions`, `VaultCallFailed`, `TradePriceOutsideBand`,
    /// `InsufficientMargin`, and the price, vol and risk errors of a check.
    pub fn update_positions(
        &mut self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<()> {
        let changes = changes_of(instruments, size_deltas, prices)?;
        self.update(account, &changes)
    }

    /// `account_margin` after hypothetical changes (no state changes): what a front-end shows
    /// before a trade. Errors: those of `account_margin`, `LengthMismatch`, `InvalidInstrument`,
    /// `InstrumentNotTradable`, `InvalidTradePrice`, `InvalidSize`, `TooManyPositions`.
    pub fn simulate(
        &self,
        account: Address,
        instruments: Vec<u128>,
        size_deltas: Vec<i128>,
        prices: Vec<i128>,
    ) -> Result<MarginTuple> {
        let changes = changes_of(instruments, size_deltas, prices)?;
        let (book, cash) = self.simulated_book(account, &changes)?;
        let decimals: u8 = self.settlement_decimals.get().to();
        let collateral = self
            .collateral_value(account)?
            .checked_add(cash.to_usd_wad(decimals)?)?;
        let (collateral, book) = self.at_risk(collateral, &book)?;
        Ok(self.figures(collateral, &book)?.tuple())
    }

    /// Applies `changes` for the calling market and judges the account once after them
    /// ([`crate::rules`]): each price in its band, then initial margin unless exempt, at the live
    /// prices and, when the references of its underlyings are apart, at the reference prices too
    /// ([`crate::reference_rule`]).
    fn update(&mut self, account: Address, changes: &[Change]) -> Result<()> {
        let market = self.only_market_for(account)?;
        if changes.is_empty() {
            return Err(ClearinghouseError::from(LengthMismatch {}));
        }
        let now = self.vm().block_timestamp();
        let listed = self.underlyings.len();
        let decimals: u8 = self.settlement_decimals.get().to();
        let mut cash = TokenUnits(0);
        let mut shrinks = true;
        // Each instrument changed: (id, size before the call, size after it).
        let mut moved: Vec<(u128, i128, i128)> = Vec::with_capacity(changes.len());
        let mut held = self.held(account);
        for &(instrument, delta, price) in changes {
            let old = held.size(instrument);
            let new = check_change((instrument, delta, price), old, now, listed)?;
            shrinks &= is_reduction(old, new);
            held.set(instrument, new)?;
            cash = cash.checked_add(cash_for(delta, price, decimals).ok_or_else(overflow)?)?;
            match moved.iter_mut().find(|m| m.0 == instrument) {
                Some(m) => m.2 = new,
                None => moved.push((instrument, old, new)),
            }
            self.vm().log(PositionUpdated {
                account,
                market,
                instrument,
                sizeDelta: delta,
                price,
                size: new,
            });
        }
        self.save(&held);
        let book = held.positions;
        // Only a change set that shrinks positions may be exempt; its judgement needs the
        // collateral before the cash moves.
        let collateral_before = if shrinks {
            Some(self.collateral_value(account)?)
        } else {
            None
        };
        self.settle_cash(account, market, cash)?;

        // The changed instruments first (size 0 for a closed one), quoted; the rest after.
        let rest: Vec<(u128, i128)> = book
            .into_iter()
            .filter(|(id, _)| !moved.iter().any(|m| m.0 == *id))
            .collect();
        // An expired position whose price is fixed is cash the account has not collected: the
        // trade waits for `settleExpired` rather than judge it at a live price.
        for &(instrument, _) in &rest {
            if self.fixed_value(instrument, now)?.is_some() {
                return Err(ClearinghouseError::from(ExpiredPositionUnsettled {
                    account,
                    instrument,
                }));
            }
        }
        let quoted: Vec<(u128, i128)> = moved
            .iter()
            .map(|m| (m.0, m.2))
            .chain(rest.iter().copied())
            .collect();
        let quotes = u16::try_from(moved.len()).map_err(|_| overflow())?;
        let collateral = self.collateral_value(account)?;
        let answer = self.risk_answer(collateral, &quoted, quotes)?;
        for &(instrument, _, price) in changes {
            let at = moved.iter().position(|m| m.0 == instrument);
            let quote = at.and_then(|i| answer.quotes.get(i)).ok_or_else(overflow)?;
            self.check_band(instrument, price, quote)?;
        }
        let before_book: Vec<(u128, i128)> = moved
            .iter()
            .filter(|m| m.1 != 0)
            .map(|m| (m.0, m.1))
            .chain(rest)
            .collect();
        let judged = Judged {
            account,
            before: collateral_before.map(|c| (c, before_book.as_slice())),
            grace: grace(changes.len(), decimals),
        };
        self.judge(&judged, Figures::of(&answer), MarketData::Live)?;
        // A pumped feed: the trade must also pass at the reference prices (Mango).
        if self.references_apart(&quoted)?.1 != 0 {
            let after = self.figures_at(collateral, &quoted, MarketData::Reference(u32::MAX))?;
            self.judge(&judged, after, MarketData::Reference(u32::MAX))?;
        }
        Ok(())
    }

    /// Initial margin `after` the changes, unless they are exempt against the figures before
    /// them at the same market data `data`. Errors: `InsufficientMargin`, those of a check.
    fn judge(&self, judged: &Judged<'_>, after: Figures, data: MarketData) -> Result<()> {
        if after.equity >= after.initial {
            return Ok(());
        }
        if let Some((collateral, book)) = judged.before {
            let before = self.figures_at(collateral, book, data)?;
            if exempt(&before, &after, judged.grace) {
                return Ok(());
            }
        }
        after.require_initial(judged.account)
    }

    /// The account's book after `changes` (as `update` would apply them) and the cash they move,
    /// without writing anything. Errors: those of `update`'s checks of each change, and
    /// `TooManyPositions`.
    fn simulated_book(
        &self,
        account: Address,
        changes: &[Change],
    ) -> Result<(Vec<(u128, i128)>, TokenUnits)> {
        let now = self.vm().block_timestamp();
        let listed = self.underlyings.len();
        let decimals: u8 = self.settlement_decimals.get().to();
        let mut held = self.held(account);
        let mut cash = TokenUnits(0);
        for &(instrument, delta, price) in changes {
            let new = check_change((instrument, delta, price), held.size(instrument), now, listed)?;
            held.set(instrument, new)?;
            cash = cash.checked_add(cash_for(delta, price, decimals).ok_or_else(overflow)?)?;
        }
        Ok((held.positions, cash))
    }
}
