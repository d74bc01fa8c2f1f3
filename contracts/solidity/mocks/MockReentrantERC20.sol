// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockERC20} from "./MockERC20.sol";

/// @title MockReentrantERC20
/// @notice A malicious token: during `transferFrom` it calls `target` with `payload` (for example
/// back into the engine) and records what happened, then transfers normally.
contract MockReentrantERC20 is MockERC20 {
    address public target;
    bytes public payload;
    bool public reentryAttempted;
    bool public reentrySucceeded;
    bytes public reentryReturn;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    /// @notice Sets the call made from inside `transferFrom` (`target == 0` disables it).
    function setHook(address target_, bytes calldata payload_) external {
        target = target_;
        payload = payload_;
    }

    function transferFrom(address from, address to, uint256 amount) external override returns (bool) {
        if (target != address(0)) {
            (bool ok, bytes memory ret) = target.call(payload);
            reentryAttempted = true;
            reentrySucceeded = ok;
            reentryReturn = ret;
        }
        _spendAllowance(from, amount);
        _move(from, to, amount);
        return true;
    }
}
