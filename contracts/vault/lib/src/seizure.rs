//! Collateral for debt in a liquidation: when the clearinghouse has taken an account's whole
//! book and its collateral value is still negative (its settlement-token debt above its other
//! collateral at haircuts), the liquidator buys that collateral at a discount to the oracle
//! price and the payment pays down the debt, just enough to bring the value back to zero, so
//! the insurance fund covers only what the collateral cannot.
//!
//! The rule: the tokens the account holds, the largest haircut first (the riskiest collateral
//! goes first; the account keeps its safest), each priced at its checked oracle price less a
//! discount d, by [`crate::valuation::seizure`], for at most the payment that restores a zero
//! value (and a hair more: one basis point of the debt and a cent): a deficit X needs
//! X·(1 − d)/(h − d) paid ([`needed_payment`]), since each unit paid
//! lowers the debt by one and the haircut value of the collateral by (1 − h)/(1 − d); all of the
//! token when that is more than its worth. d is half the token's haircut (rounded up) when the balance
//! at that discount pays the whole debt, so the account pays it out of its own surplus; otherwise
//! it is the account's surplus at the oracle price, but at least [`KEEPER_FEE_BPS`] (or half the
//! haircut when that is smaller)
//! ([`crate::valuation::seizure_discount`]): the creditors (the insurance fund, then every holder
//! of the settlement token) pay a keeper at most that fee for converting an insolvent account's
//! collateral, so a second account of the same owner gains no more from liquidating the first.
//! Selling at d ≤ h raises the account's haircut value by (h − d)/(1 − d) of what it pays, so the
//! account ends no worse; the liquidator pays in the settlement token (from its balance, or as
//! debt that the clearinghouse's margin check on the liquidator must then allow).

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_common::scaling::BPS;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, NotClearinghouse, Result, SelfSeizure, VaultError, ZeroAddress};
use crate::events::CollateralSeized;
use crate::pricing::Pricing;
use crate::storage::Vault;
use crate::valuation::{debt_value, haircut_value, seizure, seizure_discount, units_worth, Quote};

/// What a sale aims above a zero collateral value, besides one basis point of the debt: one cent
/// (USD, 18 decimals), so that rounding cannot leave the account a hair below zero.
pub const TARGET_MARGIN: U256 = U256::from_limbs([10_000_000_000_000_000, 0, 0, 0]);

/// The least discount on collateral sold from an insolvent account, in basis points (1%: the
/// clearinghouse's least keeper reward for an insolvent book).
pub const KEEPER_FEE_BPS: u16 = 100;

/// The payment (USD, 18 decimals, rounded up) that raises a collateral value of −`deficit` to
/// zero by selling collateral of haircut `haircut_bps` at `discount_bps` off:
/// `deficit · (1 − d) / (h − d)`; `None` when d ≥ h (a sale at that discount raises nothing: sell
/// what the debt needs). Errors: `ArithmeticOverflow`.
pub fn needed_payment(deficit: U256, haircut_bps: u16, discount_bps: u16) -> Result<Option<U256>> {
    let Some(gain) = haircut_bps.checked_sub(discount_bps).filter(|g| *g > 0) else {
        return Ok(None);
    };
    let numerator = deficit
        .checked_mul(U256::from(BPS.saturating_sub(discount_bps)))
        .ok_or_else(overflow)?;
    Ok(Some(numerator.div_ceil(U256::from(gain))))
}

impl Vault {
    /// Errors: `NotClearinghouse` unless the caller is the connected clearinghouse.
    pub(crate) fn only_clearinghouse(&self) -> Result<()> {
        let caller = self.vm().msg_sender();
        if caller.is_zero() || caller != self.clearinghouse.get() {
            return Err(VaultError::NotClearinghouse(NotClearinghouse { caller }));
        }
        Ok(())
    }

    /// The quote of a listed token now (no sequencer check: the caller makes it once).
    fn quote(&self, pricing: &Pricing) -> Result<Quote> {
        Ok(Quote {
            answer: self.oracle_answer(pricing)?,
            token_decimals: pricing.token_decimals,
            oracle_decimals: pricing.oracle_decimals,
        })
    }

    /// Sells `account`'s collateral other than the settlement token to `liquidator` for its
    /// settlement-token debt, by the rule above, while its collateral value is negative. Returns
    /// the shortfall: the settlement units still owed once no other collateral is left (zero
    /// while some is: the account is then back to a value of zero or more).
    /// Errors: `NotClearinghouse`, `ZeroAddress`, `SelfSeizure`, the sequencer and price errors of
    /// the tokens involved, `ArithmeticOverflow`.
    pub fn seize_collateral(&mut self, account: Address, liquidator: Address) -> Result<U256> {
        self.only_clearinghouse()?;
        if account.is_zero() || liquidator.is_zero() {
            return Err(VaultError::ZeroAddress(ZeroAddress {}));
        }
        if account == liquidator {
            return Err(VaultError::SelfSeizure(SelfSeizure { account }));
        }
        let mut debt = self.debts.get(account);
        let settlement = self.settlement_token.get();
        let mut held: Vec<(Address, U256, u16, Quote)> = Vec::new();
        let mut worth = U256::ZERO;
        for token in self.listed_tokens() {
            let balance = self.balances.getter(account).get(token);
            if token != settlement && !balance.is_zero() {
                let pricing = self.pricing(token)?;
                let quote = self.quote(&pricing)?;
                let value = haircut_value(
                    balance,
                    quote.answer,
                    quote.token_decimals,
                    quote.oracle_decimals,
                    0,
                )?;
                worth = worth.checked_add(value).ok_or_else(overflow)?;
                held.push((token, balance, pricing.haircut_bps, quote));
            }
        }
        if held.is_empty() || debt.is_zero() {
            return Ok(debt);
        }
        held.sort_by_key(|h| core::cmp::Reverse(h.2));
        let s = self.quote(&self.pricing(settlement)?)?;
        let mut left = false;
        for (token, balance, haircut_bps, quote) in held {
            // The deficit now (the valuation also checks the sequencer).
            let value = self.account_collateral_value(account)?;
            if !value.is_negative() || debt.is_zero() {
                left = true;
                break;
            }
            let owed_usd = debt_value(debt, s.answer, s.token_decimals, s.oracle_decimals)?;
            let full = haircut_bps.div_ceil(2);
            let discount = seizure_discount(owed_usd, worth, full, KEEPER_FEE_BPS)?;
            // What restores a zero value and a hair more ([`TARGET_MARGIN`]), so that the
            // valuation's rounding cannot leave it just below.
            let hair = owed_usd
                .checked_div(U256::from(BPS))
                .and_then(|h| h.checked_add(TARGET_MARGIN))
                .ok_or_else(overflow)?;
            let target = value.unsigned_abs().checked_add(hair).ok_or_else(overflow)?;
            let owed = match needed_payment(target, haircut_bps, discount)? {
                Some(usd) => debt.min(units_worth(
                    usd,
                    s.answer,
                    s.token_decimals,
                    s.oracle_decimals,
                    0,
                    true,
                )?),
                None => debt,
            };
            let (taken, paid) = seizure(owed, balance, quote, discount, s)?;
            let kept = balance.checked_sub(taken).ok_or_else(overflow)?;
            left |= !kept.is_zero();
            let theirs = self.balances.getter(liquidator).get(token);
            self.balances.setter(account).setter(token).set(kept);
            self.balances
                .setter(liquidator)
                .setter(token)
                .set(theirs.checked_add(taken).ok_or_else(overflow)?);
            self.debit(liquidator, paid)?;
            self.credit(account, paid)?;
            debt = debt.checked_sub(paid).ok_or_else(overflow)?;
            self.vm().log(CollateralSeized {
                account,
                liquidator,
                token,
                amount: taken,
                paid,
            });
        }
        if left {
            return Ok(U256::ZERO);
        }
        Ok(debt)
    }
}
