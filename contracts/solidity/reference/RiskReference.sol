// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Request, RequestDecoder} from "./wire/Request.sol";
import {AnswerEncoder} from "./wire/Answer.sol";
import {Account, Book, Margin} from "./model/Margin.sol";
import {Grid} from "./model/ScenarioGrid.sol";

/// @title RiskReference
/// @notice The stateless risk program's computation in Solidity, as a reference for gas: its
/// fallback takes exactly the packed request of `pm_risk::wire` (version 2) and returns exactly
/// the answer of `wire::Answer` (10 words, 7 per underlying, 2 per quoted position), the same
/// figures as the Stylus risk program within the rounding stated in
/// crates/e2e/tests/solidity_reference.rs. A bad request reverts with one byte, the Rust
/// `RiskError` code (`RiskErrors`).
contract RiskReference {
    fallback(bytes calldata) external returns (bytes memory) {
        Request memory r = RequestDecoder.decode();
        (Account memory a, Book[] memory books,, int256[] memory marks) = Margin.run(r);
        return AnswerEncoder.encode(r, a, books, marks);
    }
}
