//! Position changes by authorised markets, cash settlement through the vault, and expiry.
//!
//! Accounting: a trade of `Δ` units at price `p` moves `Δ·p` settlement-token units between the
//! account and the market (the buyer pays, the seller receives); positions are then valued at
//! the marks, so an account's equity is its collateral (with that cash, or debt) plus its
//! positions' value. Two sides of one trade net to zero at the market, which keeps the rounding.

use alloc::vec::Vec;

use alloy_primitives::{Address, Bytes, I256, U256};
use alloy_sol_types::SolCall;
use pm_risk::units::MAX_PRICE;
use pm_risk::MAX_POSITIONS;
use stylus_sdk::{
    call::{call, static_call},
    prelude::*,
    stylus_core::calls::{errors::Error as CallError, Call},
};

use crate::errors::{
    overflow, ClearinghouseError, InstrumentNotTradable, InvalidInstrument, InvalidSize, InvalidTradePrice,
    LengthMismatch, MarketNotApproved, MarketNotAuthorised, Result, TooManyPositions, VaultCallFailed,
};
use crate::events::{ExpirySettled, PositionUpdated};
use crate::external::IVault;
use crate::instrument::{
    cash_for, expiry_value, is_reduction, pack, size_in_range, spec_of, tradable, valid, PERP,
};
use crate::storage::Clearinghouse;

/// The most positions one account holds (bounds the gas of a margin check).
pub const MAX_ACCOUNT_POSITIONS: usize = if MAX_POSITIONS < 128 { MAX_POSITIONS } else { 128 };

fn vault_failed(e: CallError) -> ClearinghouseError {
    let reason = match e {
        CallError::Revert(data) => data,
        _ => Vec::new(),
    };
    ClearinghouseError::VaultCallFailed(VaultCallFailed {
        reason: Bytes::from(reason),
    })
}

/// One requested change: instrument id, size change (units, 18 decimals), price per unit
/// (USD, 18 decimals).
pub type Change = (u128, i128, i128);

/// The changes of a batch from its three arrays. Errors: `LengthMismatch`.
pub fn changes_of(instruments: Vec<u128>, deltas: Vec<i128>, prices: Vec<i128>) -> Result<Vec<Change>> {
    if instruments.len() != deltas.len() || instruments.len() != prices.len() {
        return Err(ClearinghouseError::LengthMismatch(LengthMismatch {}));
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
        return Err(ClearinghouseError::InvalidInstrument(InvalidInstrument {
            instrument,
        }));
    }
    if !tradable(&spec, now) {
        return Err(ClearinghouseError::InstrumentNotTradable(InstrumentNotTradable {
            instrument,
            timestamp: U256::from(now),
        }));
    }
    if !(0..=MAX_PRICE).contains(&price) {
        return Err(ClearinghouseError::InvalidTradePrice(InvalidTradePrice {
            price: I256::try_from(price).unwrap_or_default(),
        }));
    }
    old.checked_add(delta)
        .filter(|n| delta != 0 && size_in_range(*n))
        .ok_or_else(|| {
            ClearinghouseError::InvalidSize(InvalidSize {
                instrument,
                size: I256::try_from(old.saturating_add(delta)).unwrap_or_default(),
            })
        })
}

impl Clearinghouse {
    /// A view of the vault. Errors: `VaultCallFailed` (with the revert data, or the answer that
    /// does not decode).
    pub(crate) fn vault_view<C: SolCall>(&self, call: C) -> Result<C::Return> {
        let ret = static_call(self.vm(), Call::new(), self.vault.get(), &call.abi_encode())
            .map_err(vault_failed)?;
        C::abi_decode_returns_validate(&ret).map_err(|_| vault_failed(CallError::Revert(ret)))
    }

    /// The vault's collateral value of `account` (USD, 18 decimals). Errors: `VaultCallFailed`.
    pub(crate) fn collateral_value(&self, account: Address) -> Result<I256> {
        self.vault_view(IVault::collateralValueCall { account })
    }

    /// `vault.settle(account, counterparty, amount)`; nothing for a zero amount.
    /// Errors: `VaultCallFailed`.
    pub(crate) fn vault_settle(
        &mut self,
        account: Address,
        counterparty: Address,
        amount: I256,
    ) -> Result<()> {
        if amount.is_zero() {
            return Ok(());
        }
        let data = IVault::settleCall {
            account,
            counterparty,
            amount,
        }
        .abi_encode();
        let vault = self.vault.get();
        let context = Call::new_mutating(self);
        call(self.vm(), context, vault, &data).map_err(vault_failed)?;
        Ok(())
    }

    /// Errors: `MarketNotAuthorised`, `MarketNotApproved`.
    fn only_market_for(&self, account: Address) -> Result<Address> {
        let market = self.vm().msg_sender();
        if !self.markets.get(market) {
            return Err(ClearinghouseError::MarketNotAuthorised(MarketNotAuthorised {
                market,
            }));
        }
        if !self.approvals.getter(account).get(market) {
            return Err(ClearinghouseError::MarketNotApproved(MarketNotApproved {
                account,
                market,
            }));
        }
        Ok(market)
    }

    /// Applies `changes` to `account`'s positions for the calling market, settles their cash, and
    /// unless every change only reduces a position, requires initial margin after them.
    pub(crate) fn update(&mut self, account: Address, changes: &[Change]) -> Result<()> {
        let market = self.only_market_for(account)?;
        if changes.is_empty() {
            return Err(ClearinghouseError::LengthMismatch(LengthMismatch {}));
        }
        let now = self.vm().block_timestamp();
        let listed = self.underlyings.len();
        let decimals: u8 = self.settlement_decimals.get().to();
        let mut cash = 0i128;
        let mut adds_risk = false;
        for &(instrument, delta, price) in changes {
            let (slot, old) = self.find(account, instrument);
            let new = check_change((instrument, delta, price), old, now, listed)?;
            adds_risk |= !is_reduction(old, new);
            self.store(account, slot, instrument, new)?;
            cash = cash
                .checked_add(cash_for(delta, price, decimals).ok_or_else(overflow)?)
                .ok_or_else(overflow)?;
            self.vm().log(PositionUpdated {
                account,
                market,
                instrument,
                sizeDelta: delta,
                price,
                size: new,
            });
        }
        self.vault_settle(account, market, I256::try_from(cash).map_err(|_| overflow())?)?;
        if adds_risk {
            let figures = self.figures(self.collateral_value(account)?, &self.book(account))?;
            Self::require_initial(account, &figures)?;
        }
        Ok(())
    }

    /// The account's book after `changes` (as `update` would apply them) and the cash they move
    /// (USD, 18 decimals), without writing anything. Errors: those of `update`'s checks of each change.
    pub(crate) fn simulated_book(
        &self,
        account: Address,
        changes: &[Change],
    ) -> Result<(Vec<(u128, i128)>, i128)> {
        let now = self.vm().block_timestamp();
        let listed = self.underlyings.len();
        let decimals: u8 = self.settlement_decimals.get().to();
        let mut book = self.book(account);
        let mut cash = 0i128;
        for &(instrument, delta, price) in changes {
            let at = book.iter().position(|(id, _)| *id == instrument);
            let old = at.and_then(|i| book.get(i)).map_or(0, |(_, size)| *size);
            let new = check_change((instrument, delta, price), old, now, listed)?;
            match at {
                Some(i) if new == 0 => {
                    book.swap_remove(i);
                }
                Some(i) => {
                    if let Some(p) = book.get_mut(i) {
                        p.1 = new;
                    }
                }
                None => book.push((instrument, new)),
            }
            cash = cash
                .checked_add(cash_for(delta, price, decimals).ok_or_else(overflow)?)
                .ok_or_else(overflow)?;
        }
        // Token units (worth one USD each) in the 18 decimals of a collateral value.
        let scale = 10i128
            .checked_pow(u32::from(18u8.saturating_sub(decimals)))
            .ok_or_else(overflow)?;
        Ok((book, cash.checked_mul(scale).ok_or_else(overflow)?))
    }

    /// (index, size) of `instrument` in the account's positions; `None` and 0 when not held.
    fn find(&self, account: Address, instrument: u128) -> (Option<usize>, i128) {
        let words = self.positions.getter(account);
        for i in 0..words.len() {
            let (id, size) = crate::instrument::unpack(words.get(i).unwrap_or_default());
            if id == instrument {
                return (Some(i), size);
            }
        }
        (None, 0)
    }

    /// Writes a position: a new one is appended, a closed one leaves (the last takes its place).
    /// Errors: `TooManyPositions`.
    fn store(&mut self, account: Address, slot: Option<usize>, instrument: u128, size: i128) -> Result<()> {
        let mut words = self.positions.setter(account);
        match slot {
            None => {
                if words.len() >= MAX_ACCOUNT_POSITIONS {
                    return Err(ClearinghouseError::TooManyPositions(TooManyPositions {
                        max: U256::from(MAX_ACCOUNT_POSITIONS),
                    }));
                }
                words.push(pack(instrument, size));
            }
            Some(i) if size == 0 => {
                let last = words.len().saturating_sub(1);
                if i != last {
                    let moved = words.get(last).unwrap_or_default();
                    if let Some(mut w) = words.setter(i) {
                        w.set(moved);
                    }
                }
                words.erase_last();
            }
            Some(i) => {
                if let Some(mut w) = words.setter(i) {
                    w.set(pack(instrument, size));
                }
            }
        }
        Ok(())
    }

    /// Moves `amount` settlement-token units from the calling market to `account` (negative: the
    /// other way). No margin check: realised losses and fees are already in the account's equity.
    pub(crate) fn settle_cash(&mut self, account: Address, amount: I256) -> Result<()> {
        let market = self.only_market_for(account)?;
        self.vault_settle(account, market, amount)
    }

    /// Settles every expired position of `account` at its underlying's feed price now, against the
    /// clearinghouse's own vault balance, and removes it. Returns how many settled.
    pub(crate) fn settle_expired_positions(&mut self, account: Address) -> Result<u32> {
        let now = self.vm().block_timestamp();
        let decimals: u8 = self.settlement_decimals.get().to();
        let this = self.vm().contract_address();
        let mut cash = 0i128;
        let mut settled = 0u32;
        let mut i = 0usize;
        while i < self.positions.getter(account).len() {
            let (id, size) =
                crate::instrument::unpack(self.positions.getter(account).get(i).unwrap_or_default());
            let spec = spec_of(id);
            if spec.kind == PERP || spec.expiry > now {
                i = i.saturating_add(1);
                continue;
            }
            let price = self.underlying_price(usize::from(spec.underlying))?;
            let value = expiry_value(&spec, price);
            // The account sells its position back at its expiry value.
            let amount =
                cash_for(size.checked_neg().ok_or_else(overflow)?, value, decimals).ok_or_else(overflow)?;
            cash = cash.checked_add(amount).ok_or_else(overflow)?;
            self.store(account, Some(i), id, 0)?;
            settled = settled.saturating_add(1);
            self.vm().log(ExpirySettled {
                account,
                instrument: id,
                size,
                value,
            });
        }
        self.vault_settle(account, this, I256::try_from(cash).map_err(|_| overflow())?)?;
        Ok(settled)
    }
}
