//! The risk crate's typed errors. No message strings: each variant names the input at fault.
//!
//! Each error has a one-byte code that crosses program boundaries: the risk program reverts with
//! it, and the clearinghouse carries it in `RiskCheckFailed(code)` and
//! `InvalidRiskParameters(code)`. The codes are written out below and pinned by a test: a code is
//! never reused or renumbered, a new error takes the next free one.

/// Why a risk computation could not produce a number. The discriminant is the error's on-chain
/// code ([`RiskError::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RiskError {
    /// An intermediate does not fit the fixed-point range.
    Overflow = 0,
    /// Division by zero.
    DivisionByZero = 1,
    /// `ln` of a non-positive number.
    LnOfNonPositive = 2,
    /// `exp` of an argument above [`crate::math::EXP_MAX`].
    ExpTooLarge = 3,
    /// A price (forward, strike or mark) outside [`crate::units::MIN_PRICE`]..=[`crate::units::MAX_PRICE`].
    PriceOutOfRange = 4,
    /// A volatility outside [`crate::units::MIN_VOL`]..=[`crate::units::MAX_VOL`].
    VolOutOfRange = 5,
    /// A time to expiry above [`crate::units::MAX_EXPIRY_SECONDS`] (5 years).
    ExpiryOutOfRange = 6,
    /// A position size above [`crate::units::MAX_SIZE`] in absolute value.
    SizeOutOfRange = 7,
    /// More than [`crate::MAX_POSITIONS`] positions.
    TooManyPositions = 8,
    /// More than [`crate::MAX_UNDERLYINGS`] underlyings.
    TooManyUnderlyings = 9,
    /// A position names an underlying that is not in the market data.
    UnknownUnderlying = 10,
    /// The correlation matrix has the wrong size.
    CorrelationSize = 11,
    /// A correlation diagonal entry is not exactly one.
    CorrelationDiagonal = 12,
    /// The correlation matrix is not symmetric.
    CorrelationAsymmetric = 13,
    /// A correlation is outside [-1, 1].
    CorrelationOutOfRange = 14,
    /// The correlation matrix is not positive semi-definite (Cholesky failed).
    CorrelationNotPsd = 15,
    /// A risk parameter is outside its documented bounds.
    InvalidParameter = 16,
    /// Packed input (`wire`) is truncated, has trailing bytes, an unknown version or instrument.
    BadEncoding = 17,
}

impl RiskError {
    /// Every error, in code order.
    pub const ALL: [RiskError; 18] = [
        RiskError::Overflow,
        RiskError::DivisionByZero,
        RiskError::LnOfNonPositive,
        RiskError::ExpTooLarge,
        RiskError::PriceOutOfRange,
        RiskError::VolOutOfRange,
        RiskError::ExpiryOutOfRange,
        RiskError::SizeOutOfRange,
        RiskError::TooManyPositions,
        RiskError::TooManyUnderlyings,
        RiskError::UnknownUnderlying,
        RiskError::CorrelationSize,
        RiskError::CorrelationDiagonal,
        RiskError::CorrelationAsymmetric,
        RiskError::CorrelationOutOfRange,
        RiskError::CorrelationNotPsd,
        RiskError::InvalidParameter,
        RiskError::BadEncoding,
    ];

    /// The error's one-byte on-chain code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The error with on-chain code `code`, if there is one.
    pub fn from_code(code: u8) -> Option<RiskError> {
        Self::ALL.get(usize::from(code)).copied()
    }
}

/// The risk crate's result type.
pub type Result<T> = core::result::Result<T, RiskError>;

#[cfg(test)]
mod tests {
    use super::RiskError;

    /// The codes are part of the on-chain interface: this table is the contract.
    #[test]
    fn codes_are_pinned() {
        let pinned = [
            (RiskError::Overflow, 0),
            (RiskError::DivisionByZero, 1),
            (RiskError::LnOfNonPositive, 2),
            (RiskError::ExpTooLarge, 3),
            (RiskError::PriceOutOfRange, 4),
            (RiskError::VolOutOfRange, 5),
            (RiskError::ExpiryOutOfRange, 6),
            (RiskError::SizeOutOfRange, 7),
            (RiskError::TooManyPositions, 8),
            (RiskError::TooManyUnderlyings, 9),
            (RiskError::UnknownUnderlying, 10),
            (RiskError::CorrelationSize, 11),
            (RiskError::CorrelationDiagonal, 12),
            (RiskError::CorrelationAsymmetric, 13),
            (RiskError::CorrelationOutOfRange, 14),
            (RiskError::CorrelationNotPsd, 15),
            (RiskError::InvalidParameter, 16),
            (RiskError::BadEncoding, 17),
        ];
        for (error, code) in pinned {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(RiskError::from_code(code), Some(error));
        }
        assert_eq!(pinned.len(), RiskError::ALL.len());
        assert_eq!(RiskError::from_code(18), None);
        assert_eq!(RiskError::from_code(u8::MAX), None);
    }
}
