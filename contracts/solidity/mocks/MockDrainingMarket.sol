// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearinghouse} from "@pm/abi/IClearinghouse.sol";

/// @title MockDrainingMarket
/// @notice A market taken over: the owner authorised it and accounts approved it, and now it moves
/// cash through the clearinghouse's `settle` as often as it likes in one transaction.
contract MockDrainingMarket {
    IClearinghouse public immutable clearinghouse;

    constructor(IClearinghouse clearinghouse_) {
        clearinghouse = clearinghouse_;
    }

    /// @notice Calls `settle(account, amount)` `times` times (a revert reverts them all).
    function drain(address account, int256 amount, uint256 times) external {
        for (uint256 i = 0; i < times; ++i) {
            clearinghouse.settle(account, amount);
        }
    }
}
