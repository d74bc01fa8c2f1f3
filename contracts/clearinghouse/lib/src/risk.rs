//! Calls to the stateless risk program: a packed request (`pm_risk::wire`) in, a typed
//! [`Answer`] out, or the program's one-byte `RiskError` code.

use alloy_primitives::Address;
use pm_risk::wire::Answer;
use stylus_sdk::{
    call::static_call, prelude::*, stylus_core::calls::errors::Error as CallError, stylus_core::calls::Call,
};

use crate::errors::{ClearinghouseError, InvalidRiskParameters, Result, RiskCheckFailed};
use crate::request::MarketData;
use crate::storage::Clearinghouse;
use crate::units::UsdWad;

/// The code reported when the risk program gave no answer, or one that does not decode.
pub const NO_ANSWER: u8 = u8::MAX;

/// The revert code of a risk-program call: its one-byte `RiskError` code ([`NO_ANSWER`]
/// without one).
fn risk_code(e: CallError) -> u8 {
    match e {
        CallError::Revert(data) => data.first().copied().unwrap_or(NO_ANSWER),
        _ => NO_ANSWER,
    }
}

impl Clearinghouse {
    /// Sends a packed request quoting `quotes` positions to the risk program `program`; its
    /// answer, or the error code.
    fn run_risk(&self, program: Address, request: &[u8], quotes: u16) -> core::result::Result<Answer, u8> {
        let ret = static_call(self.vm(), Call::new(), program, request).map_err(risk_code)?;
        Answer::decode(&ret, usize::from(quotes)).map_err(|_| NO_ANSWER)
    }

    /// The risk program's answer for `positions` (instrument id, size) with `collateral`, at the
    /// live market data and the published parameters, quoting the first `quotes` positions.
    /// Errors: `RiskCheckFailed`, `ParamTableUnavailable`, and those of `build_request`.
    pub(crate) fn risk_answer(
        &self,
        collateral: UsdWad,
        positions: &[(u128, i128)],
        quotes: u16,
    ) -> Result<Answer> {
        self.risk_answer_at(collateral, positions, quotes, MarketData::Live)
    }

    /// [`Self::risk_answer`] with the market data `data` (live, or at the reference prices).
    pub(crate) fn risk_answer_at(
        &self,
        collateral: UsdWad,
        positions: &[(u128, i128)],
        quotes: u16,
        data: MarketData,
    ) -> Result<Answer> {
        let table = self.published_table()?;
        let request = self.build_request(&table, collateral.to_usd_floor()?, positions, data, quotes)?;
        self.run_risk(table.risk_program(), &request, quotes)
            .map_err(|code| ClearinghouseError::from(RiskCheckFailed { code }))
    }

    /// Checks the stored parameters with the risk program (the code that will margin with them),
    /// before they are published. Errors: `InvalidRiskParameters`.
    pub(crate) fn validate_parameters(&self) -> Result<()> {
        let table = self.stored_table();
        let request = self.build_request(&table, 0, &[], MarketData::Validation, 0)?;
        self.run_risk(table.risk_program(), &request, 0)
            .map(|_| ())
            .map_err(|code| ClearinghouseError::from(InvalidRiskParameters { code }))
    }
}
