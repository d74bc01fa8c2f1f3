// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Arbitrum's ArbWasm precompile: activates a deployed Stylus program.
interface IArbWasm {
    function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
    function stylusVersion() external view returns (uint16 version);
    /// @dev Reverts (`ProgramNotActivated`) for code never activated.
    function codehashVersion(bytes32 codehash) external view returns (uint16 version);
}

/// @title StylusDeployer
/// @notice Deploys a Stylus program, activates it and calls its constructor in one transaction, as
/// Arbitrum's Stylus deployer contract does for `cargo stylus deploy`: between a program's
/// deployment and its constructor nobody can call the constructor first (and initialise it with
/// their own owner), because there is no between.
contract StylusDeployer {
    /// ArbWasm's address.
    IArbWasm internal constant ARB_WASM = IArbWasm(address(0x71));

    /// A program was deployed, activated and (when given init data) constructed.
    event ProgramDeployed(address indexed program, address indexed deployer);

    /// The creation failed (empty or invalid init code, or an address already taken).
    error ProgramDeploymentFailed();
    /// The constructor call reverted; `reason` is its revert data.
    error ProgramInitializationFailed(address program, bytes reason);
    /// `initValue` exceeds the value sent.
    error InitValueTooHigh(uint256 initValue, uint256 value);
    /// Value came from someone other than ArbWasm.
    error UnexpectedValue(address from);
    /// The value ArbWasm repaid could not be sent back to the caller.
    error RefundFailed(address to, uint256 amount);

    /// @notice Whether `program`'s code is not yet active at the chain's Stylus version.
    function requiresActivation(address program) public view returns (bool) {
        try ARB_WASM.codehashVersion(program.codehash) returns (uint16 version) {
            return version != ARB_WASM.stylusVersion();
        } catch {
            return true;
        }
    }

    /// @notice Takes ArbWasm's repayment of what exceeds its data fee (Nitro moves it without a
    /// call; this accepts one too), and nothing from anyone else.
    receive() external payable {
        if (msg.sender != address(ARB_WASM)) revert UnexpectedValue(msg.sender);
    }

    /// @notice Deploys `initCode` (a Stylus program's deployment code), activates the program
    /// (offering ArbWasm the value sent, less `initValue`, for its data fee) and, unless `initData`
    /// is empty, calls it with `initData` and `initValue` (the SDK constructor's calldata). ArbWasm
    /// repays what exceeds its data fee; it goes back to the caller, so a caller may offer more than
    /// the fee it learnt from an `eth_call` of this function (the fee moves with demand).
    /// @return program The program's address.
    /// @return dataFee The data fee ArbWasm charged, in wei.
    function deploy(bytes calldata initCode, bytes calldata initData, uint256 initValue)
        external
        payable
        returns (address program, uint256 dataFee)
    {
        if (initValue > msg.value) revert InitValueTooHigh(initValue, msg.value);
        bytes memory code = initCode;
        assembly ("memory-safe") {
            program := create(0, add(code, 0x20), mload(code))
        }
        if (program == address(0)) revert ProgramDeploymentFailed();
        // Code already activated at the chain's Stylus version (the same wasm deployed before, by
        // anyone) is not activated again: ArbWasm would refuse it (`ProgramUpToDate`).
        if (requiresActivation(program)) {
            (, dataFee) = ARB_WASM.activateProgram{value: msg.value - initValue}(program);
        }
        if (initData.length != 0) {
            (bool ok, bytes memory reason) = program.call{value: initValue}(initData);
            if (!ok) revert ProgramInitializationFailed(program, reason);
        }
        uint256 refund = address(this).balance;
        if (refund != 0) {
            (bool sent,) = msg.sender.call{value: refund}("");
            if (!sent) revert RefundFailed(msg.sender, refund);
        }
        emit ProgramDeployed(program, msg.sender);
    }
}
