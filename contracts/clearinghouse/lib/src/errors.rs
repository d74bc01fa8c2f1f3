//! Every error the clearinghouse reverts with: its own, declared once in `sol/Errors.sol`, and
//! the ones it shares with the vault (`pm_common::errors`). Each carries the values that explain
//! it; the generated interface `abi/IClearinghouse.sol` carries them all.
#![allow(missing_docs)]

use alloc::vec::Vec;
use alloy_sol_types::sol;
use alloy_sol_types::SolError;
pub use pm_common::errors::{
    ArithmeticOverflow, IncompleteRound, InsufficientMargin, InvalidHeartbeat, InvalidPrice, NotAContract,
    NotOwner, NotPendingOwner, NotRiskAdmin, NotThroughCore, OracleCallFailed, SequencerDown,
    SequencerGracePeriod, StalePrice, TokenCallFailed, UnknownSelector, ZeroAddress,
};

sol!(
    #[sol(all_derives)]
    "src/sol/Errors.sol"
);

/// A revert of the clearinghouse: the ABI encoding (selector, then arguments) of one of the
/// Solidity custom errors above or of `pm_common::errors`, made where the error is raised. Each
/// program therefore links the encoders of the errors it can raise and no others (an enum of
/// every error would put all of them in every facet).
#[derive(Clone, PartialEq, Eq)]
pub struct ClearinghouseError(Vec<u8>);

impl<E: SolError> From<E> for ClearinghouseError {
    fn from(error: E) -> Self {
        ClearinghouseError(error.abi_encode())
    }
}

impl From<ClearinghouseError> for Vec<u8> {
    fn from(error: ClearinghouseError) -> Vec<u8> {
        error.0
    }
}

impl ClearinghouseError {
    /// The revert data.
    pub fn data(&self) -> &[u8] {
        &self.0
    }

    /// The error as `E`, when it is one.
    pub fn decode<E: SolError>(&self) -> Option<E> {
        E::abi_decode(&self.0).ok()
    }
}

/// Lists every error a clearinghouse program may revert with, for the interface generator
/// (`export-abi` only: the wasm never carries this list).
#[cfg(feature = "export-abi")]
macro_rules! every_error {
    ($($error:ident),* $(,)?) => {
        impl stylus_sdk::abi::export::internal::InnerTypes for ClearinghouseError {
            fn inner_types() -> Vec<stylus_sdk::abi::export::internal::InnerType> {
                vec![$(stylus_sdk::abi::export::internal::InnerType {
                    name: alloc::format!("error {};", <$error as SolError>::SIGNATURE.replace(',', ", ")),
                    id: core::any::TypeId::of::<$error>(),
                }),*]
            }
        }
    };
}

#[cfg(feature = "export-abi")]
every_error!(
    NotOwner,
    NotPendingOwner,
    AlreadyInitialized,
    NotThroughCore,
    UnknownSelector,
    NotRiskAdmin,
    NotRiskOracle,
    ZeroAddress,
    NotAContract,
    MarketNotAuthorised,
    MarketNotApproved,
    InvalidInstrument,
    InstrumentNotTradable,
    ExpiredPositionUnsettled,
    InvalidSize,
    InvalidTradePrice,
    LengthMismatch,
    TooManyUnderlyings,
    UnknownUnderlying,
    TooManyPositions,
    InvalidRiskParameters,
    InvalidHeartbeat,
    InvalidVolatility,
    VolatilityStepTooLarge,
    CorrelationStepTooLarge,
    RiskUpdateTooSoon,
    InvalidOracleBounds,
    VolAgeWithinGap,
    UnknownRamp,
    StaleVolatility,
    ParamTableUnavailable,
    OracleCallFailed,
    InvalidPrice,
    IncompleteRound,
    StalePrice,
    SequencerDown,
    SequencerGracePeriod,
    RiskCheckFailed,
    VaultCallFailed,
    TokenCallFailed,
    InsufficientMargin,
    InvalidTradeBand,
    TradePriceOutsideBand,
    ExpiryNotReached,
    InvalidSettlementRound,
    SettlementPhaseSuperseded,
    SettleAboveCap,
    InvalidLiquidationParams,
    NotLiquidatable,
    InvalidLiquidator,
    LiquidationDidNotImprove,
    ArithmeticOverflow,
);

impl core::fmt::Debug for ClearinghouseError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "ClearinghouseError(0x")?;
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// The clearinghouse's result type.
pub type Result<T> = core::result::Result<T, ClearinghouseError>;

/// Shorthand for an `ArithmeticOverflow` revert.
pub(crate) fn overflow() -> ClearinghouseError {
    ClearinghouseError::from(ArithmeticOverflow {})
}
