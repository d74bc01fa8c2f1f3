//! Every error the vault reverts with: its own, declared once in `sol/Errors.sol`, and the ones
//! it shares with the clearinghouse (`pm_common::errors`). Each carries the values that explain
//! it; the generated interface `abi/IVault.sol` carries them all.
#![allow(missing_docs)]

use alloy_sol_types::sol;
pub use pm_common::errors::{
    ArithmeticOverflow, IncompleteRound, InsufficientMargin, InvalidHeartbeat, InvalidPrice, NotAContract,
    NotOwner, NotPendingOwner, NotRiskAdmin, NotThroughCore, OracleCallFailed, SequencerDown,
    SequencerGracePeriod, StalePrice, TokenCallFailed, UnknownSelector, ZeroAddress,
};
use stylus_sdk::prelude::SolidityError;

sol!(
    #[sol(all_derives)]
    "src/sol/Errors.sol"
);

/// The vault's revert reasons; each encodes as the Solidity custom error of the same name.
#[derive(SolidityError, Debug, PartialEq)]
pub enum VaultError {
    NotOwner(NotOwner),
    NotPendingOwner(NotPendingOwner),
    NotRiskAdmin(NotRiskAdmin),
    NotGuardian(NotGuardian),
    ZeroAddress(ZeroAddress),
    NotAContract(NotAContract),
    VaultPaused(VaultPaused),
    VaultNotPaused(VaultNotPaused),
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
    CollateralRemaining(CollateralRemaining),
    SelfSeizure(SelfSeizure),
    MarginCheckFailed(MarginCheckFailed),
    NotThroughCore(NotThroughCore),
    UnknownSelector(UnknownSelector),
    CollateralTableUnavailable(CollateralTableUnavailable),
    ArithmeticOverflow(ArithmeticOverflow),
}

/// The vault's result type.
pub type Result<T> = core::result::Result<T, VaultError>;

/// Shorthand for `VaultError::ArithmeticOverflow`.
pub(crate) fn overflow() -> VaultError {
    VaultError::ArithmeticOverflow(ArithmeticOverflow {})
}
