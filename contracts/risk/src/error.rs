//! The risk crate's typed errors. No message strings: each variant names the input at fault.

/// Why a risk computation could not produce a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskError {
    /// An intermediate does not fit the fixed-point range.
    Overflow,
    /// Division by zero.
    DivisionByZero,
    /// `ln` of a non-positive number.
    LnOfNonPositive,
    /// `exp` of an argument above [`crate::math::EXP_MAX`].
    ExpTooLarge,
    /// A price (forward, strike or mark) outside [`crate::units::MIN_PRICE`]..=[`crate::units::MAX_PRICE`].
    PriceOutOfRange,
    /// A volatility outside [`crate::units::MIN_VOL`]..=[`crate::units::MAX_VOL`].
    VolOutOfRange,
    /// A time to expiry above [`crate::units::MAX_EXPIRY_SECONDS`] (5 years).
    ExpiryOutOfRange,
    /// A position size above [`crate::units::MAX_SIZE`] in absolute value.
    SizeOutOfRange,
    /// More than [`crate::MAX_POSITIONS`] positions.
    TooManyPositions,
    /// More than [`crate::MAX_UNDERLYINGS`] underlyings.
    TooManyUnderlyings,
    /// A position names an underlying that is not in the market data.
    UnknownUnderlying,
    /// The correlation matrix has the wrong size.
    CorrelationSize,
    /// A correlation diagonal entry is not exactly one.
    CorrelationDiagonal,
    /// The correlation matrix is not symmetric.
    CorrelationAsymmetric,
    /// A correlation is outside [-1, 1].
    CorrelationOutOfRange,
    /// The correlation matrix is not positive semi-definite (Cholesky failed).
    CorrelationNotPsd,
    /// A risk parameter is outside its documented bounds.
    InvalidParameter,
    /// Packed input (`wire`) is truncated, has trailing bytes, an unknown version or instrument.
    BadEncoding,
}

/// The risk crate's result type.
pub type Result<T> = core::result::Result<T, RiskError>;
