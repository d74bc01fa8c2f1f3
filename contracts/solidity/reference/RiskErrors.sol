// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title RiskErrors
/// @notice The risk model's errors, with the one-byte codes of the Rust `pm_risk::RiskError`
/// (`contracts/risk/src/error.rs`, pinned there): a bad request reverts with exactly one byte of
/// revert data, the code, as the Stylus risk program does, so both can be compared on errors.
library RiskErrors {
    /// An intermediate or an answer word does not fit its range (an answer word: `int128`).
    uint256 internal constant OVERFLOW = 0;
    /// `ln` of a non-positive number.
    uint256 internal constant LN_OF_NON_POSITIVE = 2;
    /// `exp` of an argument above 46.
    uint256 internal constant EXP_TOO_LARGE = 3;
    /// A price, strike or entry outside [1e-8, 1e9] USD (an entry: [0, 1e9]).
    uint256 internal constant PRICE_OUT_OF_RANGE = 4;
    /// A volatility outside [1%, 500%].
    uint256 internal constant VOL_OUT_OF_RANGE = 5;
    /// A time to expiry above five years.
    uint256 internal constant EXPIRY_OUT_OF_RANGE = 6;
    /// A position size above 1e12 units in absolute value.
    uint256 internal constant SIZE_OUT_OF_RANGE = 7;
    /// More than 256 positions.
    uint256 internal constant TOO_MANY_POSITIONS = 8;
    /// More than 16 underlyings.
    uint256 internal constant TOO_MANY_UNDERLYINGS = 9;
    /// A position names an underlying the request does not carry.
    uint256 internal constant UNKNOWN_UNDERLYING = 10;
    /// A correlation outside [-1, 1].
    uint256 internal constant CORRELATION_OUT_OF_RANGE = 14;
    /// The correlation matrix is not positive semi-definite (Cholesky failed).
    uint256 internal constant CORRELATION_NOT_PSD = 15;
    /// A risk parameter outside its documented bounds.
    uint256 internal constant INVALID_PARAMETER = 16;
    /// The packed request is truncated, has trailing bytes, an unknown version or instrument.
    uint256 internal constant BAD_ENCODING = 17;

    /// @notice Reverts with the one byte `code` as revert data.
    function fail(uint256 code) internal pure {
        assembly ("memory-safe") {
            mstore8(0, code)
            revert(0, 1)
        }
    }
}
