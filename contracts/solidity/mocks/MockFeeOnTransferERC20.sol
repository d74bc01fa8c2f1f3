// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockERC20} from "./MockERC20.sol";

/// @title MockFeeOnTransferERC20
/// @notice Burns `feeBps` of every transfer: the receiver gets less than was sent.
contract MockFeeOnTransferERC20 is MockERC20 {
    uint256 public immutable feeBps;

    error FeeTooHigh(uint256 feeBps);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 feeBps_)
        MockERC20(name_, symbol_, decimals_)
    {
        if (feeBps_ > 10_000) revert FeeTooHigh(feeBps_);
        feeBps = feeBps_;
    }

    function _received(uint256 amount) internal view override returns (uint256) {
        return amount - (amount * feeBps) / 10_000;
    }
}
