//! Every error the engine reverts with, declared once in `sol/Errors.sol` (which the committed
//! interface `abi/IPortfolioMargin.sol` also carries). Each carries the values that explain it.
#![allow(missing_docs)]

use alloy_sol_types::sol;
use stylus_sdk::prelude::SolidityError;

sol!(
    #[sol(all_derives)]
    "src/sol/Errors.sol"
);

/// The engine's revert reasons; each encodes as the Solidity custom error of the same name.
#[derive(SolidityError, Debug, PartialEq)]
pub enum EngineError {
    NotOwner(NotOwner),
    NotPendingOwner(NotPendingOwner),
    NotRiskAdmin(NotRiskAdmin),
    NotGuardian(NotGuardian),
    ZeroAddress(ZeroAddress),
    NotAContract(NotAContract),
    EnginePaused(EnginePaused),
    EngineNotPaused(EngineNotPaused),
    ZeroAmount(ZeroAmount),
    CollateralNotListed(CollateralNotListed),
    TooManyCollaterals(TooManyCollaterals),
    InvalidHaircut(InvalidHaircut),
    InvalidHeartbeat(InvalidHeartbeat),
    InvalidGracePeriod(InvalidGracePeriod),
    UnsupportedDecimals(UnsupportedDecimals),
    OracleCallFailed(OracleCallFailed),
    InvalidPrice(InvalidPrice),
    IncompleteRound(IncompleteRound),
    StalePrice(StalePrice),
    SequencerDown(SequencerDown),
    SequencerGracePeriod(SequencerGracePeriod),
    DepositCapExceeded(DepositCapExceeded),
    TokenCallFailed(TokenCallFailed),
    NothingReceived(NothingReceived),
    InsufficientBalance(InsufficientBalance),
    InsufficientMargin(InsufficientMargin),
    NotClearinghouse(NotClearinghouse),
    ClearinghouseAlreadySet(ClearinghouseAlreadySet),
    MarginCheckFailed(MarginCheckFailed),
    ArithmeticOverflow(ArithmeticOverflow),
}

/// The engine's result type.
pub type Result<T> = core::result::Result<T, EngineError>;

/// Shorthand for `EngineError::ArithmeticOverflow`.
pub(crate) fn overflow() -> EngineError {
    EngineError::ArithmeticOverflow(ArithmeticOverflow {})
}
