// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {RiskErrors} from "../RiskErrors.sol";
import {Request} from "./Request.sol";
import {Account, Book} from "../model/Margin.sol";

/// @title AnswerEncoder
/// @notice The answer of `pm_risk::wire::Answer`: ABI words (int256, sign-extended `int128`s):
/// 10 for the account (equity, initial, maintenance, requirement, isolated initial, isolated
/// maintenance, free collateral, utilisation, add-ons, liquidatable), then 7 per underlying in
/// the request's order (net delta, net gamma·F, net vega, worst loss, the worst scenario's move
/// and vol state, scan range), then 2 per quoted position (its mark, its underlying's price).
/// Errors: `OVERFLOW` when a figure does not fit an `int128` (where the Rust fails too).
library AnswerEncoder {
    uint256 internal constant ACCOUNT_WORDS = 10;
    uint256 internal constant UNDERLYING_WORDS = 7;
    /// Where the answer's seven words start in a `Book`.
    uint256 private constant BOOK_ANSWER_OFFSET = 7 * 32;

    function encode(Request memory r, Account memory a, Book[] memory books, int256[] memory marks)
        internal
        pure
        returns (bytes memory out)
    {
        uint256 n = books.length;
        uint256 q = r.quotes;
        out = new bytes(32 * (ACCOUNT_WORDS + UNDERLYING_WORDS * n + 2 * q));
        bool fits = true;
        assembly ("memory-safe") {
            function put(dst, v) -> ok {
                mstore(dst, v)
                // Fits int128: the top 129 bits are all equal.
                ok := lt(add(sar(127, v), 1), 2)
            }
            let dst := add(out, 32)
            for { let i := 0 } lt(i, 10) { i := add(i, 1) } {
                fits := and(fits, put(dst, mload(add(a, mul(i, 32)))))
                dst := add(dst, 32)
            }
            for { let k := 0 } lt(k, n) { k := add(k, 1) } {
                let b := add(mload(add(books, mul(add(k, 1), 32))), BOOK_ANSWER_OFFSET)
                for { let i := 0 } lt(i, 7) { i := add(i, 1) } {
                    fits := and(fits, put(dst, mload(add(b, mul(i, 32)))))
                    dst := add(dst, 32)
                }
            }
        }
        for (uint256 i; i < q; ++i) {
            int256 mark = marks[i];
            int256 price = r.underlyings[r.positions[i].underlying].price;
            assembly ("memory-safe") {
                let dst := add(out, add(32, mul(32, add(add(10, mul(7, n)), mul(2, i)))))
                mstore(dst, mark)
                mstore(add(dst, 32), price)
            }
        }
        if (!fits) RiskErrors.fail(RiskErrors.OVERFLOW);
    }
}
