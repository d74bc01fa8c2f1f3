//! Every error the clearinghouse reverts with: its own, declared once in `sol/Errors.sol`, and
//! the ones it shares with the vault (`pm_common::errors`). Each carries the values that explain
//! it; the generated interface `abi/IClearinghouse.sol` carries them all.
#![allow(missing_docs)]

use alloy_sol_types::sol;
pub use pm_common::errors::{
    ArithmeticOverflow, IncompleteRound, InsufficientMargin, InvalidHeartbeat, InvalidPrice, NotAContract,
    NotOwner, NotPendingOwner, NotRiskAdmin, OracleCallFailed, StalePrice, TokenCallFailed, ZeroAddress,
};
use stylus_sdk::prelude::SolidityError;

sol!(
    #[sol(all_derives)]
    "src/sol/Errors.sol"
);

/// The clearinghouse's revert reasons; each encodes as the Solidity custom error of the same name.
#[derive(SolidityError, Debug, PartialEq)]
pub enum ClearinghouseError {
    NotOwner(NotOwner),
    NotPendingOwner(NotPendingOwner),
    AlreadyInitialized(AlreadyInitialized),
    NotThroughCore(NotThroughCore),
    UnknownSelector(UnknownSelector),
    NotRiskAdmin(NotRiskAdmin),
    NotVolOracle(NotVolOracle),
    ZeroAddress(ZeroAddress),
    NotAContract(NotAContract),
    MarketNotAuthorised(MarketNotAuthorised),
    MarketNotApproved(MarketNotApproved),
    InvalidInstrument(InvalidInstrument),
    InstrumentNotTradable(InstrumentNotTradable),
    InvalidSize(InvalidSize),
    InvalidTradePrice(InvalidTradePrice),
    LengthMismatch(LengthMismatch),
    TooManyUnderlyings(TooManyUnderlyings),
    UnknownUnderlying(UnknownUnderlying),
    TooManyPositions(TooManyPositions),
    InvalidRiskParameters(InvalidRiskParameters),
    InvalidHeartbeat(InvalidHeartbeat),
    InvalidVolatility(InvalidVolatility),
    StaleVolatility(StaleVolatility),
    OracleCallFailed(OracleCallFailed),
    InvalidPrice(InvalidPrice),
    IncompleteRound(IncompleteRound),
    StalePrice(StalePrice),
    RiskCheckFailed(RiskCheckFailed),
    VaultCallFailed(VaultCallFailed),
    TokenCallFailed(TokenCallFailed),
    InsufficientMargin(InsufficientMargin),
    InvalidTradeBand(InvalidTradeBand),
    TradePriceOutsideBand(TradePriceOutsideBand),
    ExpiryNotReached(ExpiryNotReached),
    InvalidSettlementRound(InvalidSettlementRound),
    SettleAboveCap(SettleAboveCap),
    NotLiquidatable(NotLiquidatable),
    InvalidLiquidator(InvalidLiquidator),
    LiquidationDidNotImprove(LiquidationDidNotImprove),
    ArithmeticOverflow(ArithmeticOverflow),
}

/// The clearinghouse's result type.
pub type Result<T> = core::result::Result<T, ClearinghouseError>;

/// Shorthand for `ClearinghouseError::ArithmeticOverflow`.
pub(crate) fn overflow() -> ClearinghouseError {
    ClearinghouseError::ArithmeticOverflow(ArithmeticOverflow {})
}
