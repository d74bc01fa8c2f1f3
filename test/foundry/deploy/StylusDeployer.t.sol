// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {StylusDeployer, IArbWasm} from "../../../contracts/solidity/deploy/StylusDeployer.sol";

/// Stands in for the program: records its one constructor call, and reverts when told to.
contract Constructed {
    address public owner;

    error NotAnOwner();

    function construct(address owner_) external {
        if (owner_ == address(0)) revert NotAnOwner();
        owner = owner_;
    }
}

/// An ArbWasm that charges a data fee of `FEE` wei and repays the rest of the value, as Nitro's does.
contract RepayingArbWasm {
    uint256 internal constant FEE = 1000;

    function activateProgram(address) external payable returns (uint16, uint256) {
        require(msg.value >= FEE, "fee");
        (bool ok,) = msg.sender.call{value: msg.value - FEE}("");
        require(ok, "repay");
        return (2, FEE);
    }

    function stylusVersion() external pure returns (uint16) {
        return 2;
    }

    function codehashVersion(bytes32) external pure returns (uint16) {
        revert("ProgramNotActivated");
    }
}

/// Foundry's EVM has no ArbWasm and runs no wasm: a mock at 0x71 records activations, and an EVM
/// contract stands in for the program. The devnet deploys the real programs through the same
/// contract (crates/e2e/tests/routing.rs).
contract StylusDeployerTest is Test {
    address internal constant ARB_WASM = address(0x71);
    StylusDeployer internal deployer;

    function setUp() public {
        vm.etch(ARB_WASM, hex"fe");
        vm.mockCall(ARB_WASM, abi.encodeWithSelector(IArbWasm.activateProgram.selector), abi.encode(uint16(2), 0));
        vm.mockCall(ARB_WASM, abi.encodeWithSelector(IArbWasm.stylusVersion.selector), abi.encode(uint16(2)));
        vm.mockCallRevert(ARB_WASM, abi.encodeWithSelector(IArbWasm.codehashVersion.selector), "ProgramNotActivated");
        deployer = new StylusDeployer();
    }

    function test_deploy_activatesAndConstructsInOneCall() public {
        address predicted = vm.computeCreateAddress(address(deployer), vm.getNonce(address(deployer)));
        vm.expectCall(ARB_WASM, abi.encodeCall(IArbWasm.activateProgram, (predicted)));
        (address program,) =
            deployer.deploy(type(Constructed).creationCode, abi.encodeCall(Constructed.construct, (address(0xB0B))), 0);
        assertEq(program, predicted);
        assertEq(Constructed(program).owner(), address(0xB0B));
    }

    function test_deploy_withoutInitDataOnlyActivates() public {
        (address program,) = deployer.deploy(type(Constructed).creationCode, "", 0);
        assertEq(Constructed(program).owner(), address(0));
    }

    function test_deploy_revertsWholeWhenTheConstructorFails() public {
        address predicted = vm.computeCreateAddress(address(deployer), vm.getNonce(address(deployer)));
        bytes memory reason = abi.encodeWithSelector(Constructed.NotAnOwner.selector);
        vm.expectRevert(abi.encodeWithSelector(StylusDeployer.ProgramInitializationFailed.selector, predicted, reason));
        deployer.deploy(type(Constructed).creationCode, abi.encodeCall(Constructed.construct, (address(0))), 0);
        assertEq(predicted.code.length, 0);
    }

    function test_deploy_revertsForEmptyCodeOrTooMuchInitValue() public {
        vm.expectRevert(StylusDeployer.ProgramDeploymentFailed.selector);
        deployer.deploy(hex"fe", "", 0);
        vm.expectRevert(abi.encodeWithSelector(StylusDeployer.InitValueTooHigh.selector, 1, 0));
        deployer.deploy(type(Constructed).creationCode, "", 1);
    }

    function test_deploy_paysTheDataFeeAndReturnsTheRestToTheCaller() public {
        vm.clearMockedCalls();
        vm.etch(ARB_WASM, address(new RepayingArbWasm()).code);
        address caller = address(0xCAFE);
        vm.deal(caller, 1 ether);
        vm.prank(caller);
        (, uint256 dataFee) = deployer.deploy{value: 1 ether}(type(Constructed).creationCode, "", 0);
        assertEq(dataFee, 1000);
        assertEq(caller.balance, 1 ether - 1000);
        assertEq(address(deployer).balance, 0);
    }

    function test_deploy_revertsWhenTheRefundCannotBeSent() public {
        vm.clearMockedCalls();
        vm.etch(ARB_WASM, address(new RepayingArbWasm()).code);
        // This test contract has no receive function: the refund to it fails, and so does all.
        vm.deal(address(this), 1 ether);
        vm.expectRevert(abi.encodeWithSelector(StylusDeployer.RefundFailed.selector, address(this), 1 ether - 1000));
        deployer.deploy{value: 1 ether}(type(Constructed).creationCode, "", 0);
    }

    function test_deploy_skipsActivationOfCodeAlreadyActiveAndRefundsAll() public {
        vm.mockCall(ARB_WASM, abi.encodeWithSelector(IArbWasm.codehashVersion.selector), abi.encode(uint16(2)));
        vm.expectCall(ARB_WASM, abi.encodeWithSelector(IArbWasm.activateProgram.selector), 0);
        address caller = address(0xCAFE);
        vm.deal(caller, 1 ether);
        vm.prank(caller);
        (address program, uint256 dataFee) = deployer.deploy{value: 1 ether}(type(Constructed).creationCode, "", 0);
        assertGt(program.code.length, 0);
        assertEq(dataFee, 0);
        assertEq(caller.balance, 1 ether);
    }
}
