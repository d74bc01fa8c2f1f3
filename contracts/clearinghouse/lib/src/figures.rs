//! Margin figures: the risk program's answer for an account's book, in the ABI's units (USD with
//! 18 decimals), and the checks built on them.

use alloc::vec::Vec;

use alloy_primitives::{Address, I256, U256};
use stylus_sdk::{
    call::static_call, prelude::*, stylus_core::calls::errors::Error as CallError, stylus_core::calls::Call,
};

use crate::errors::{
    overflow, ClearinghouseError, InsufficientMargin, InvalidRiskParameters, Result, RiskCheckFailed,
};
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use pm_risk::wire::ACCOUNT_WORDS;

/// One USD of the risk crate (6 decimals) in the ABI's 18 decimals.
const USD_TO_ABI: i128 = 1_000_000_000_000;

/// An account's margin figures, USD with 18 decimals (utilisation: a fraction with 18 decimals).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    /// Collateral value (debt subtracted) plus the positions' value at the marks.
    pub equity: I256,
    /// Initial margin: needed to add risk or withdraw.
    pub initial: I256,
    /// Maintenance margin: below it the account is liquidatable.
    pub maintenance: I256,
    /// Each position margined alone: initial.
    pub isolated_initial: I256,
    /// Each position margined alone: maintenance.
    pub isolated_maintenance: I256,
    /// Equity − initial margin.
    pub free_collateral: I256,
    /// Maintenance / equity (`int128` max when equity ≤ 0 and maintenance > 0).
    pub utilisation: I256,
    /// Equity below maintenance margin.
    pub liquidatable: bool,
}

/// The figures of the ABI's margin views: (equity, initialMargin, maintenanceMargin,
/// isolatedInitial, isolatedMaintenance, freeCollateral, utilisation, liquidatable).
pub type MarginTuple = (I256, I256, I256, I256, I256, I256, I256, bool);

impl Figures {
    /// The ABI's tuple.
    pub fn tuple(self) -> MarginTuple {
        (
            self.equity,
            self.initial,
            self.maintenance,
            self.isolated_initial,
            self.isolated_maintenance,
            self.free_collateral,
            self.utilisation,
            self.liquidatable,
        )
    }
}

/// The revert code of a risk-program call (its one-byte `RiskError`; 255 without one).
fn risk_code(e: CallError) -> u8 {
    match e {
        CallError::Revert(data) => data.first().copied().unwrap_or(u8::MAX),
        _ => u8::MAX,
    }
}

/// `value` (18 decimals) in the risk crate's USD (6 decimals), rounded down (towards −∞).
/// Errors: `ArithmeticOverflow` outside `int128`.
pub(crate) fn usd_floor(value: I256) -> Result<i128> {
    let value = i128::try_from(value).map_err(|_| overflow())?;
    value.checked_div_euclid(USD_TO_ABI).ok_or_else(overflow)
}

/// `usd` (6 decimals) in 18 decimals; saturates at the `int128` range (10^20 USD and more).
pub(crate) fn abi(usd: i128) -> I256 {
    I256::try_from(usd.saturating_mul(USD_TO_ABI)).unwrap_or_default()
}

impl Clearinghouse {
    /// Calls the risk program with a packed request; every word of its answer (each an `int128`
    /// sign-extended to 256 bits), or its error code (255: no answer, or one too short).
    fn run_risk(&self, request: &[u8]) -> core::result::Result<Vec<i128>, u8> {
        let ret = static_call(self.vm(), Call::new(), self.risk_program.get(), request).map_err(risk_code)?;
        if ret.len() < 32usize.saturating_mul(ACCOUNT_WORDS) {
            return Err(u8::MAX);
        }
        Ok(ret
            .chunks_exact(32)
            .map(|w| {
                let low: [u8; 16] = w.get(16..).and_then(|b| b.try_into().ok()).unwrap_or_default();
                i128::from_be_bytes(low)
            })
            .collect())
    }

    /// The risk program's answer for `positions` with `collateral` (USD, 18 decimals), at the
    /// live market data. Errors: `RiskCheckFailed`, and those of `build_request`.
    pub(crate) fn risk_answer(&self, collateral: I256, positions: &[(u128, i128)]) -> Result<Vec<i128>> {
        let request = self.build_request(usd_floor(collateral)?, positions, MarketData::Live)?;
        self.run_risk(&request)
            .map_err(|code| ClearinghouseError::RiskCheckFailed(RiskCheckFailed { code }))
    }

    /// Checks the stored parameters with the risk program. Errors: `InvalidRiskParameters`.
    pub(crate) fn validate_parameters(&self) -> Result<()> {
        let request = self.build_request(0, &[], MarketData::Validation)?;
        self.run_risk(&request)
            .map(|_| ())
            .map_err(|code| ClearinghouseError::InvalidRiskParameters(InvalidRiskParameters { code }))
    }

    /// The figures of `positions` (instrument id, size) with `collateral` (USD, 18 decimals).
    /// An empty book needs no prices: its equity is its collateral and it owes no margin.
    /// Errors: `RiskCheckFailed`, `ArithmeticOverflow`, and those of `build_request`.
    pub(crate) fn figures(&self, collateral: I256, positions: &[(u128, i128)]) -> Result<Figures> {
        if positions.is_empty() {
            return Ok(Figures {
                equity: collateral,
                free_collateral: collateral,
                liquidatable: collateral.is_negative(),
                ..Figures::default()
            });
        }
        let w = self.risk_answer(collateral, positions)?;
        let word = |i: usize| w.get(i).copied().unwrap_or(0);
        let (equity, initial, maintenance) = (word(0), word(1), word(2));
        let (iso_initial, iso_maintenance, free, utilisation, liquidatable) =
            (word(4), word(5), word(6), word(7), word(9));
        Ok(Figures {
            equity: abi(equity),
            initial: abi(initial),
            maintenance: abi(maintenance),
            isolated_initial: abi(iso_initial),
            isolated_maintenance: abi(iso_maintenance),
            free_collateral: abi(free),
            utilisation: I256::try_from(utilisation).unwrap_or_default(),
            liquidatable: liquidatable != 0,
        })
    }

    /// The account's position words, unpacked.
    pub(crate) fn book(&self, account: Address) -> Vec<(u128, i128)> {
        let words = self.positions.getter(account);
        (0..words.len())
            .filter_map(|i| words.get(i))
            .map(crate::instrument::unpack)
            .collect()
    }

    /// Errors: `InsufficientMargin` when `figures` show equity below initial margin.
    pub(crate) fn require_initial(account: Address, f: &Figures) -> Result<()> {
        if f.equity >= f.initial {
            return Ok(());
        }
        let shortfall: U256 = f.initial.saturating_sub(f.equity).into_raw();
        Err(ClearinghouseError::InsufficientMargin(InsufficientMargin {
            account,
            equity: f.equity,
            initialMargin: f.initial,
            shortfall,
        }))
    }
}
