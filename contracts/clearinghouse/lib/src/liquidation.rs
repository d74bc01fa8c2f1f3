//! Liquidation: anyone may take over a slice of an account below maintenance margin, by the rule
//! of [`crate::liquidation_plan`]; the insurance fund takes a share of each discount and tops up
//! the liquidator's reward when an insolvent account cannot pay it. When the whole book is gone
//! and the account still owes, the liquidator buys its other collateral for the debt (the
//! vault's `seizeCollateral`); the fund pays what is still owed, and what it cannot pay is bad
//! debt: socialised (written off against every settlement-token balance pro rata, the vault's
//! `socialiseDebt`) and recorded, per account and in total.
//!
//! The insurance fund is an account of the vault at [`INSURANCE_FUND`], an address nobody holds
//! the key of: the clearinghouse credits it (a share of each discount) and debits it (covering an
//! insolvent account) through the vault's `settle`; anyone may add to it with the vault's
//! `depositFor`.

use alloc::vec::Vec;

use alloy_primitives::{address, Address, I256, U256};
use pm_risk::fixed::{Rounding, Usd};
use stylus_sdk::prelude::*;

use crate::errors::{
    overflow, ClearinghouseError, InvalidLiquidator, InvalidSize, LiquidationDidNotImprove, NotLiquidatable,
    Result,
};
use crate::events::{BadDebt, Liquidated};
use crate::figures::Figures;
use crate::instrument::size_in_range;
use crate::interfaces::IVault;
use crate::liquidation_plan::{plan, slice, Plan};
use crate::storage::Clearinghouse;
use crate::units::{TokenUnits, UsdWad};

/// The insurance fund's account in the vault: the last 20 bytes of
/// `keccak256("pm.clearinghouse.insurance-fund")`.
pub const INSURANCE_FUND: Address = address!("b30e6b5021d4eddb1e8b79bb87a64c5402a9cf32");

/// The liquidation view: (liquidatable, fraction, discountRate, transferValue, discount,
/// fundShare, reward), the amounts in USD with 18 decimals.
pub type LiquidationQuote = (bool, I256, I256, I256, I256, I256, I256);

/// An account's state as a liquidation sees it.
struct Assessment {
    book: Vec<(u128, i128)>,
    before: Figures,
    plan: Option<Plan>,
}

fn wad(usd: Usd) -> I256 {
    UsdWad::from_usd(usd).0
}

fn health(f: &Figures) -> I256 {
    f.equity.0.saturating_sub(f.maintenance.0)
}

impl Clearinghouse {
    /// The book, figures and liquidation plan (`None`: not liquidatable) of an account with
    /// `collateral` and `book`.
    fn assess(&self, collateral: UsdWad, book: Vec<(u128, i128)>) -> Result<Assessment> {
        if book.is_empty() {
            return Ok(Assessment {
                book,
                before: Figures::without_positions(collateral),
                plan: None,
            });
        }
        let answer = self.risk_answer(collateral, &book, 0)?;
        let params = self.liquidation_params();
        let plan = plan(
            answer.equity,
            answer.maintenance,
            collateral.to_usd_floor()?,
            &params,
        );
        Ok(Assessment {
            book,
            before: Figures::of(&answer),
            plan,
        })
    }

    /// What liquidating `account` now would do ([`LiquidationQuote`]); all zero when it is not
    /// liquidatable, and all zero but the flag for an account `liquidate` closes out (no
    /// positions, negative equity). Errors: those of `accountMargin`.
    pub fn liquidation_quote(&self, account: Address) -> Result<LiquidationQuote> {
        // As `liquidate` will see it: its expired positions whose price is fixed settled.
        let (collateral, book) = self.at_risk(self.collateral_value(account)?, &self.book(account))?;
        let assessment = self.assess(collateral, book)?;
        let Some(p) = assessment.plan else {
            return Ok((
                assessment.book.is_empty() && assessment.before.equity.0.is_negative(),
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
                I256::ZERO,
            ));
        };
        let decimals: u8 = self.settlement_decimals.get().to();
        let reward = UsdWad(wad(p.liquidator_reward()))
            .checked_add(self.top_up(&p, decimals)?.to_usd_wad(decimals)?)?;
        Ok((
            true,
            I256::try_from(p.fraction).map_err(|_| overflow())?,
            I256::try_from(p.discount_rate).map_err(|_| overflow())?,
            wad(p.transfer_value),
            wad(p.discount),
            wad(p.fund_share),
            reward.0,
        ))
    }

    /// What the fund pays the liquidator of `plan`: its top-up, as far as the fund's balance
    /// goes. Errors: `VaultCallFailed`, `ArithmeticOverflow`.
    fn top_up(&self, plan: &Plan, decimals: u8) -> Result<TokenUnits> {
        if plan.fund_top_up <= 0 {
            return Ok(TokenUnits(0));
        }
        self.payable_by_fund(TokenUnits::from_usd(plan.fund_top_up, decimals, Rounding::Down)?)
    }

    /// The insurance fund: its account in the vault, its settlement-token balance, and the bad
    /// debt recorded (settlement-token units). Errors: `VaultCallFailed`.
    pub fn insurance_fund(&self) -> Result<(Address, U256, U256)> {
        Ok((INSURANCE_FUND, self.fund_balance()?, self.bad_debt.get()))
    }

    /// The fund's settlement-token balance in the vault. Errors: `VaultCallFailed`.
    fn fund_balance(&self) -> Result<U256> {
        let token = self.vault_view(IVault::configCall {})?.settlementToken;
        self.vault_view(IVault::balanceOfCall {
            account: INSURANCE_FUND,
            token,
        })
    }

    /// The caller takes over a slice of `account`'s positions by the liquidation rule and must
    /// meet initial margin after it; the account must end healthier. The account's and the
    /// caller's expired positions whose settlement price is fixed are settled first (they are
    /// cash, not risk). An
    /// account with no positions left and negative equity is closed out instead: its other
    /// collateral sold to the caller for its debt, then what is still owed paid by the fund as
    /// far as it goes, the rest socialised and recorded.
    /// Errors: `NotThroughCore`, `InvalidLiquidator`, `NotLiquidatable`, `TooManyPositions`, `InvalidSize`,
    /// `VaultCallFailed`, `InsufficientMargin` (the liquidator), `LiquidationDidNotImprove`,
    /// `ArithmeticOverflow`, and the price, vol and risk errors of a margin check.
    pub fn liquidate(&mut self, account: Address) -> Result<()> {
        self.through_core()?;
        let liquidator = self.vm().msg_sender();
        if liquidator == account {
            return Err(ClearinghouseError::from(InvalidLiquidator { liquidator }));
        }
        self.settle_expired(account)?;
        // The liquidator's too: its margin check after taking over sees cash, not a live price.
        self.settle_expired(liquidator)?;
        let decimals: u8 = self.settlement_decimals.get().to();
        let Assessment { book, before, plan } =
            self.assess(self.collateral_value(account)?, self.book(account))?;
        if book.is_empty() && before.equity.0.is_negative() {
            self.close_out(account, liquidator)?;
            return self.require_liquidator_margin(liquidator);
        }
        let Some(plan) = plan else {
            return Err(ClearinghouseError::from(NotLiquidatable {
                account,
                equity: before.equity.0,
                maintenanceMargin: before.maintenance.0,
            }));
        };
        self.transfer_slice(account, liquidator, &book, plan.fraction)?;

        let from_liquidator = plan.from_liquidator().ok_or_else(overflow)?;
        // Against the account: it receives rounded down and pays the fund rounded up.
        let cash = TokenUnits::from_usd(from_liquidator, decimals, Rounding::Down)?;
        let to_fund = TokenUnits::from_usd(plan.fund_share, decimals, Rounding::Up)?;
        self.settle_cash(account, liquidator, cash)?;
        self.settle_cash(
            account,
            INSURANCE_FUND,
            TokenUnits(0i128.checked_sub(to_fund.0).ok_or_else(overflow)?),
        )?;
        let remaining = self.book(account);
        let after = self.figures(self.collateral_value(account)?, &remaining)?;
        if health(&after) <= health(&before) {
            return Err(ClearinghouseError::from(LiquidationDidNotImprove {
                account,
                healthBefore: health(&before),
                healthAfter: health(&after),
            }));
        }
        if remaining.is_empty() && after.equity.0.is_negative() {
            self.close_out(account, liquidator)?;
        }
        self.require_liquidator_margin(liquidator)?;
        // The fund pays a keeper of an insolvent book after covering the account.
        let top_up = self.top_up(&plan, decimals)?;
        self.settle_cash(liquidator, INSURANCE_FUND, top_up)?;
        self.vm().log(Liquidated {
            account,
            liquidator,
            fraction: I256::try_from(plan.fraction).map_err(|_| overflow())?,
            discountRate: I256::try_from(plan.discount_rate).map_err(|_| overflow())?,
            transferValue: wad(plan.transfer_value),
            discount: wad(plan.discount),
            fundShare: wad(plan.fund_share),
            fundTopUp: top_up.to_usd_wad(decimals)?.0,
        });
        Ok(())
    }

    /// Moves `fraction` of each position of `book` (the account's) from
    /// `account` to `liquidator`: [`slice`] of each size. No event per position (the `Liquidated`
    /// event's fraction determines them). Errors: `TooManyPositions`, `InvalidSize`.
    fn transfer_slice(
        &mut self,
        account: Address,
        liquidator: Address,
        book: &[(u128, i128)],
        fraction: i128,
    ) -> Result<()> {
        let mut mine = self.held(account);
        let mut theirs = self.held(liquidator);
        for &(id, size) in book {
            let part = slice(size, fraction).ok_or_else(overflow)?;
            if part == 0 {
                continue;
            }
            mine.set(id, size.checked_sub(part).ok_or_else(overflow)?)?;
            let old = theirs.size(id);
            let new = old
                .checked_add(part)
                .filter(|n| size_in_range(*n))
                .ok_or_else(|| {
                    ClearinghouseError::from(InvalidSize {
                        instrument: id,
                        size: I256::try_from(old.saturating_add(part)).unwrap_or_default(),
                    })
                })?;
            theirs.set(id, new)?;
        }
        self.save(&mine);
        self.save(&theirs);
        Ok(())
    }

    /// Errors: `InsufficientMargin` unless the liquidator meets initial margin with what it took
    /// over; `VaultCallFailed` and the errors of a margin check.
    fn require_liquidator_margin(&self, liquidator: Address) -> Result<()> {
        self.figures(self.collateral_value(liquidator)?, &self.book(liquidator))?
            .require_initial(liquidator)
    }

    /// An account whose whole book is gone and whose equity is negative: first its collateral
    /// other than the settlement token is sold to the liquidator for its debt, just enough to
    /// bring its value back to zero (the vault's `seizeCollateral`: at up to half the haircut
    /// off, the riskiest first); if that takes all of it and debt is left, the fund pays it as
    /// far as its balance goes, and the rest is socialised (the vault's `socialiseDebt`: written
    /// off against every settlement-token balance pro rata) and recorded.
    /// Errors: `VaultCallFailed`, `ArithmeticOverflow`.
    fn close_out(&mut self, account: Address, liquidator: Address) -> Result<()> {
        let debt = self.vault_seize(account, liquidator)?;
        // Zero: the account's collateral brought it back to zero or more.
        if debt.is_zero() {
            return Ok(());
        }
        let covered = self.payable_by_fund(TokenUnits(i128::try_from(debt).map_err(|_| overflow())?))?;
        self.settle_cash(account, INSURANCE_FUND, covered)?;
        let socialised = self.vault_socialise(account)?;
        let record = |total: U256| total.checked_add(socialised).ok_or_else(overflow);
        let mine = record(self.bad_debts.get(account))?;
        self.bad_debts.setter(account).set(mine);
        let total = record(self.bad_debt.get())?;
        self.bad_debt.set(total);
        self.vm().log(BadDebt {
            account,
            coveredByFund: U256::try_from(covered.0).map_err(|_| overflow())?,
            socialised,
        });
        Ok(())
    }

    /// As much of `owed` as the fund's balance pays. Errors: `VaultCallFailed`.
    fn payable_by_fund(&self, owed: TokenUnits) -> Result<TokenUnits> {
        let balance = i128::try_from(self.fund_balance()?).unwrap_or(i128::MAX);
        Ok(TokenUnits(owed.0.min(balance).max(0)))
    }
}
