//! Collateral for debt in a liquidation: when the clearinghouse has taken an account's whole
//! book and its collateral value is still negative (its settlement-token debt above its other
//! collateral at haircuts), the liquidator buys that collateral at a discount to the oracle
//! price and the payment pays down the debt, just enough to bring the value back to zero, so
//! the insurance fund covers only what the collateral cannot.
//!
//! The rule: the tokens the account holds, the largest haircut first (the riskiest collateral
//! goes first; the account keeps its safest), each priced at its checked oracle price less a
//! discount d, by [`crate::valuation::seizure`], for at most the payment that restores a zero
//! value (and a hair more: one basis point of the debt and a cent). A deficit X needs
//! X·(1 − d)/(h − d) paid ([`needed_payment`]), since each unit paid lowers the debt by one and
//! the haircut value of the collateral by (1 − h)/(1 − d); all of the token when that is more
//! than its worth. d is half the token's haircut (rounded up) when all the account's collateral
//! at that discount pays the whole debt, so the account pays it out of its own surplus;
//! otherwise it is the account's surplus at the oracle prices as a share of its worth, but at
//! least [`KEEPER_FEE_BPS`] (or half the haircut when that is smaller)
//! ([`crate::valuation::seizure_discount`]): the creditors (the insurance fund, then every holder
//! of the settlement token) pay a keeper at most that fee for converting an insolvent account's
//! collateral, so a second account of the same owner gains no more from liquidating the first.
//! Selling at d ≤ h raises the account's haircut value by (h − d)/(1 − d) of what it pays, so the
//! account ends no worse; the liquidator pays in the settlement token (from its balance, or as
//! debt that the clearinghouse's margin check on the liquidator must then allow).
//!
//! Each feed is read once: the account's value and worth after each sale follow from its
//! balances at those prices, as the vault's valuation computes them (an account with debt holds
//! no settlement-token balance).

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use pm_common::scaling::BPS;
use stylus_sdk::prelude::*;

use crate::errors::{overflow, Result, SelfSeizure, VaultError, ZeroAddress};
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

/// A collateral token the account holds, at the price the seizure reads once.
#[derive(Clone, Copy)]
struct Held {
    token: Address,
    balance: U256,
    haircut_bps: u16,
    quote: Quote,
}

/// The held balances' value at their haircuts and their worth at the oracle prices (USD, 18
/// decimals, each token rounded down, as the valuation does). Errors: `ArithmeticOverflow`.
fn sums(held: &[Held]) -> Result<(U256, U256)> {
    let mut at_haircuts = U256::ZERO;
    let mut worth = U256::ZERO;
    for h in held {
        let (a, td, od) = (h.quote.answer, h.quote.token_decimals, h.quote.oracle_decimals);
        at_haircuts = at_haircuts
            .checked_add(haircut_value(h.balance, a, td, od, h.haircut_bps)?)
            .ok_or_else(overflow)?;
        worth = worth
            .checked_add(haircut_value(h.balance, a, td, od, 0)?)
            .ok_or_else(overflow)?;
    }
    Ok((at_haircuts, worth))
}

impl Vault {
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
        let mut held: Vec<Held> = Vec::new();
        for token in self.listed_tokens() {
            let balance = self.balances.getter(account).get(token);
            if token != settlement && !balance.is_zero() {
                let pricing = self.pricing(token)?;
                held.push(Held {
                    token,
                    balance,
                    haircut_bps: pricing.haircut_bps,
                    quote: self.quote(&pricing)?,
                });
            }
        }
        if held.is_empty() || debt.is_zero() {
            return Ok(debt);
        }
        held.sort_by_key(|h| core::cmp::Reverse(h.haircut_bps));
        self.ensure_sequencer_up()?;
        let s = self.quote(&self.pricing(settlement)?)?;
        for k in 0..held.len() {
            let owed_usd = debt_value(debt, s.answer, s.token_decimals, s.oracle_decimals)?;
            let (at_haircuts, worth) = sums(&held)?;
            // The account's collateral value now, as the valuation computes it.
            let Some(deficit) = owed_usd.checked_sub(at_haircuts).filter(|d| !d.is_zero()) else {
                return Ok(U256::ZERO);
            };
            let Some(&Held {
                token,
                balance,
                haircut_bps,
                quote,
            }) = held.get(k)
            else {
                break;
            };
            let full = haircut_bps.div_ceil(2);
            let discount = seizure_discount(owed_usd, worth, full, KEEPER_FEE_BPS)?;
            // What restores a zero value and a hair more ([`TARGET_MARGIN`]), so that the
            // valuation's rounding cannot leave it just below.
            let hair = owed_usd
                .checked_div(U256::from(BPS))
                .and_then(|h| h.checked_add(TARGET_MARGIN))
                .ok_or_else(overflow)?;
            let target = deficit.checked_add(hair).ok_or_else(overflow)?;
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
            if let Some(h) = held.get_mut(k) {
                h.balance = kept;
            }
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
        // A shortfall only once no other collateral is left.
        if held.iter().any(|h| !h.balance.is_zero()) {
            return Ok(U256::ZERO);
        }
        Ok(debt)
    }
}
