//! Margin figures: the risk program's answer for an account's book in the ABI's units (USD with
//! 18 decimals), and the initial-margin check built on them.

use alloy_primitives::{Address, I256};
use pm_risk::wire::Answer;

use crate::errors::{ClearinghouseError, InsufficientMargin, Result};
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use crate::units::UsdWad;

/// An account's margin figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Collateral value (debt subtracted) plus the positions' value at the marks (an expired
    /// position whose settlement price is fixed: the cash it settles for).
    pub equity: UsdWad,
    /// Initial margin: needed to add risk or withdraw.
    pub initial: UsdWad,
    /// Maintenance margin: below it the account is liquidatable.
    pub maintenance: UsdWad,
    /// Each position margined alone: initial.
    pub isolated_initial: UsdWad,
    /// Each position margined alone: maintenance.
    pub isolated_maintenance: UsdWad,
    /// Equity − initial margin.
    pub free_collateral: UsdWad,
    /// Maintenance / equity, a fraction with 18 decimals (`int128` max when equity ≤ 0 and
    /// maintenance > 0).
    pub utilisation: I256,
    /// Equity below maintenance margin.
    pub liquidatable: bool,
}

/// The figures of the ABI's margin views: (equity, initialMargin, maintenanceMargin,
/// isolatedInitialMargin, isolatedMaintenanceMargin, freeCollateral, utilisation, liquidatable).
pub type MarginTuple = (I256, I256, I256, I256, I256, I256, I256, bool);

impl Figures {
    /// The figures of an account with no positions: its equity is its collateral and it owes no
    /// margin.
    pub fn without_positions(collateral: UsdWad) -> Self {
        Figures {
            equity: collateral,
            free_collateral: collateral,
            liquidatable: collateral.0.is_negative(),
            ..Figures::default()
        }
    }

    /// The figures of the risk program's answer.
    pub fn of(a: &Answer) -> Self {
        Figures {
            equity: UsdWad::from_usd(a.equity),
            initial: UsdWad::from_usd(a.initial),
            maintenance: UsdWad::from_usd(a.maintenance),
            isolated_initial: UsdWad::from_usd(a.isolated_initial),
            isolated_maintenance: UsdWad::from_usd(a.isolated_maintenance),
            free_collateral: UsdWad::from_usd(a.free_collateral),
            utilisation: I256::try_from(a.utilisation).unwrap_or_default(),
            liquidatable: a.liquidatable,
        }
    }

    /// The ABI's tuple.
    pub fn tuple(self) -> MarginTuple {
        (
            self.equity.0,
            self.initial.0,
            self.maintenance.0,
            self.isolated_initial.0,
            self.isolated_maintenance.0,
            self.free_collateral.0,
            self.utilisation,
            self.liquidatable,
        )
    }

    /// Errors: `InsufficientMargin` when equity is below initial margin.
    pub fn require_initial(&self, account: Address) -> Result<()> {
        if self.equity >= self.initial {
            return Ok(());
        }
        Err(ClearinghouseError::from(InsufficientMargin::of(
            account,
            self.equity.0,
            self.initial.0,
        )))
    }
}

impl Clearinghouse {
    /// The figures of `positions` (instrument id, size) with `collateral`. An empty book needs
    /// no prices. Errors: `RiskCheckFailed`, and those of `build_request`.
    pub(crate) fn figures(&self, collateral: UsdWad, positions: &[(u128, i128)]) -> Result<Figures> {
        self.figures_at(collateral, positions, MarketData::Live)
    }

    /// [`Self::figures`] at the market data `data` (live, or the reference prices).
    pub(crate) fn figures_at(
        &self,
        collateral: UsdWad,
        positions: &[(u128, i128)],
        data: MarketData,
    ) -> Result<Figures> {
        if positions.is_empty() {
            return Ok(Figures::without_positions(collateral));
        }
        Ok(Figures::of(&self.risk_answer_at(collateral, positions, 0, data)?))
    }
}
