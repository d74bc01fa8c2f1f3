//! Expiry: one settlement price per underlying and expiry, fixed once from the feed's history,
//! and the settlement of expired futures and options at it, in cash against the clearinghouse's
//! own balance in the vault. Both are permissionless (keepers call them right after expiry).
//!
//! The price is the answer of the feed's first round updated at or after the expiry: the caller
//! names the round, and the clearinghouse checks it is complete and positive, that it was updated
//! within one heartbeat of the expiry (the feed promises a round at least that often) and that
//! the round before it was updated before the expiry. The round must also be of the phase the
//! feed (a Chainlink proxy: the phase above bit 64 of a round id) was in at the expiry, the last
//! to have opened before it: a replaced aggregator may go on posting rounds, and two phases must
//! not both offer a "first round". Every account's positions of that underlying and expiry
//! settle at the same price, so the cash of the longs and of the shorts nets to zero at the
//! clearinghouse, up to its rounding (against each account).

use alloc::vec::Vec;

use alloy_primitives::{aliases::U80, Address, I256, U256};
use pm_common::feeds::{checked_answer, latest_round, round_at};
use pm_common::scaling::to_wad;
use pm_risk::units::MAX_PRICE;
use stylus_sdk::prelude::*;

use crate::errors::{
    overflow, ClearinghouseError, ExpiryNotReached, InvalidPrice, InvalidSettlementRound, Result,
    SettlementPhaseSuperseded,
};
use crate::events::{ExpiryPriceFixed, ExpirySettled};
use crate::instrument::{cash_for, expiry_value, spec_of, PERP};
use crate::storage::Clearinghouse;
use crate::underlyings::unknown;
use crate::units::{TokenUnits, UsdWad};

/// The storage key of (underlying, expiry).
fn key(underlying: u8, expiry: u64) -> U256 {
    U256::from((u128::from(underlying) << 64) | u128::from(expiry))
}

impl Clearinghouse {
    /// The settlement price of `underlying` for `expiry` (USD, 18 decimals), 0 until fixed.
    pub fn expiry_price(&self, underlying: u8, expiry: u64) -> I256 {
        I256::from_raw(self.expiry_prices.get(key(underlying, expiry)))
    }

    /// Fixes `underlying`'s settlement price for `expiry` from the feed's round `round_id` (the
    /// first updated at or after the expiry) and returns it; once fixed, returns the stored
    /// price and changes nothing. Anyone may call.
    ///
    /// Errors: `NotThroughCore`, `UnknownUnderlying`, `ExpiryNotReached`, `SequencerDown`,
    /// `SequencerGracePeriod`, `VaultCallFailed`, `OracleCallFailed` (the feed has no such round,
    /// or no round before it, or the sequencer feed's call failed), `IncompleteRound`,
    /// `InvalidPrice`, `InvalidSettlementRound`, `SettlementPhaseSuperseded`, `ArithmeticOverflow`.
    pub fn fix_expiry_price(&mut self, underlying: u8, expiry: u64, round_id: U80) -> Result<I256> {
        self.through_core()?;
        let index = usize::from(underlying);
        let u = self.underlyings.getter(index).ok_or_else(|| unknown(index))?;
        let (feed, heartbeat, decimals) = (
            u.feed.get(),
            u.heartbeat.get().to::<u64>(),
            u.feed_decimals.get().to(),
        );
        let fixed = self.expiry_price(underlying, expiry);
        if !fixed.is_zero() {
            return Ok(fixed);
        }
        self.ensure_sequencer_up()?;
        let now = self.vm().block_timestamp();
        if expiry > now {
            return Err(ClearinghouseError::from(ExpiryNotReached {
                expiry: U256::from(expiry),
                timestamp: U256::from(now),
            }));
        }
        let round = round_at(self.vm(), feed, round_id)?;
        let updated: u64 = round.updated_at.saturating_to();
        let answer = checked_answer::<ClearinghouseError>(feed, &round, 0, updated)?;
        let previous = round_id
            .checked_sub(U80::from(1u8))
            .map(|id| round_at(self.vm(), feed, id))
            .transpose()?;
        // A previous round must exist and be complete (some aggregators answer a round they never
        // had with zeros) and predate the expiry.
        let previous_updated = previous.map_or(U256::MAX, |r| r.updated_at);
        let first = !previous_updated.is_zero() && previous_updated < U256::from(expiry);
        if !first || updated < expiry || updated > expiry.saturating_add(heartbeat) {
            return Err(ClearinghouseError::from(InvalidSettlementRound {
                underlying: U256::from(underlying),
                expiry: U256::from(expiry),
                roundId: round_id,
                updatedAt: round.updated_at,
                previousUpdatedAt: previous_updated,
            }));
        }
        self.ensure_phase_at_expiry(underlying, expiry, feed, round_id)?;
        let price = to_wad(answer, decimals).ok_or_else(overflow)?;
        // Every check values the position at this price until it settles: at most the largest
        // price the engine takes (`MAX_PRICE`), so that it always can.
        if price.is_zero() || price > U256::from(MAX_PRICE) {
            return Err(ClearinghouseError::from(InvalidPrice {
                oracle: feed,
                answer: round.answer,
            }));
        }
        self.expiry_prices.setter(key(underlying, expiry)).set(price);
        let price = I256::from_raw(price);
        self.vm().log(ExpiryPriceFixed {
            underlying: U256::from(underlying),
            expiry: U256::from(expiry),
            roundId: round_id,
            price,
        });
        Ok(price)
    }

    /// Checks that `round_id`'s phase was `feed`'s phase at `expiry`: the latest phase that had
    /// opened by then (posted its first round before the expiry). Every later phase up to the
    /// feed's latest must have opened at or after the expiry, or not yet (its first round
    /// answers zeros). That phase is then the only one in which a round can be first after the
    /// expiry: a later phase's first round has no earlier round to prove it first, and its
    /// others follow a round after the expiry. A phase whose first round reverts (a feed that
    /// reverts for a round it never had) cannot be judged: try again once it has posted.
    ///
    /// Errors: `OracleCallFailed` (the feed's latest round, or a later phase's first round,
    /// cannot be read), `SettlementPhaseSuperseded`.
    fn ensure_phase_at_expiry(
        &self,
        underlying: u8,
        expiry: u64,
        feed: Address,
        round_id: U80,
    ) -> Result<()> {
        let phase = round_id.to::<u128>() >> 64;
        let latest = latest_round(self.vm(), feed)?.round_id.to::<u128>() >> 64;
        let mut later = phase;
        while later < latest {
            later = later.saturating_add(1);
            // At most the latest phase: its first round fits the 80 bits of an id.
            let first = U80::try_from((later << 64) | 1).map_err(|_| overflow())?;
            let opened = round_at(self.vm(), feed, first)?.updated_at;
            if !opened.is_zero() && opened < U256::from(expiry) {
                return Err(ClearinghouseError::from(SettlementPhaseSuperseded {
                    underlying: U256::from(underlying),
                    expiry: U256::from(expiry),
                    roundId: round_id,
                    laterPhaseRound: first,
                    laterPhaseUpdatedAt: opened,
                }));
            }
        }
        Ok(())
    }

    /// The expiry value (USD per unit, 18 decimals) of instrument `id` at block time `now`, once
    /// its settlement price is fixed; `None` for a perp, before the expiry and while the price is
    /// not fixed. Errors: `ArithmeticOverflow`.
    pub(crate) fn fixed_value(&self, id: u128, now: u64) -> Result<Option<i128>> {
        let spec = spec_of(id);
        if spec.kind == PERP || spec.expiry > now {
            return Ok(None);
        }
        let price = self.expiry_prices.get(key(spec.underlying, spec.expiry));
        if price.is_zero() {
            return Ok(None);
        }
        let price = i128::try_from(price).map_err(|_| overflow())?;
        Ok(Some(expiry_value(&spec, price)))
    }

    /// What a margin check sees of `positions` with `collateral`: an expired position whose
    /// price is fixed is cash, not risk, so it leaves the book and what `settleExpired` would pay
    /// for it (in USD at one per settlement-token unit, rounded against the account) joins the
    /// collateral; the other positions keep their order. Errors: `ArithmeticOverflow`.
    pub(crate) fn at_risk(
        &self,
        collateral: UsdWad,
        positions: &[(u128, i128)],
    ) -> Result<(UsdWad, Vec<(u128, i128)>)> {
        let now = self.vm().block_timestamp();
        let decimals: u8 = self.settlement_decimals.get().to();
        let mut cash = TokenUnits(0);
        let mut book = Vec::with_capacity(positions.len());
        for &(id, size) in positions {
            match self.fixed_value(id, now)? {
                Some(value) => {
                    let amount = cash_for(size.checked_neg().ok_or_else(overflow)?, value, decimals)
                        .ok_or_else(overflow)?;
                    cash = cash.checked_add(amount)?;
                }
                None => book.push((id, size)),
            }
        }
        Ok((collateral.checked_add(cash.to_usd_wad(decimals)?)?, book))
    }

    /// Settles every expired position of `account` whose settlement price is fixed, at that
    /// price, and removes it; returns how many settled (the others wait for their price).
    /// Errors: `NotThroughCore`, `VaultCallFailed`, `ArithmeticOverflow`.
    pub fn settle_expired(&mut self, account: Address) -> Result<u32> {
        self.through_core()?;
        let now = self.vm().block_timestamp();
        let decimals: u8 = self.settlement_decimals.get().to();
        let this = self.vm().contract_address();
        let mut cash = TokenUnits(0);
        let mut settled = 0u32;
        let mut held = self.held(account);
        for (id, size) in held.positions.clone() {
            let Some(value) = self.fixed_value(id, now)? else {
                continue;
            };
            // The account sells its position back at its expiry value.
            let amount =
                cash_for(size.checked_neg().ok_or_else(overflow)?, value, decimals).ok_or_else(overflow)?;
            cash = cash.checked_add(amount)?;
            held.set(id, 0)?;
            settled = settled.saturating_add(1);
            self.vm().log(ExpirySettled {
                account,
                instrument: id,
                size,
                value,
            });
        }
        self.save(&held);
        self.settle_cash(account, this, cash)?;
        Ok(settled)
    }
}
