// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @notice The cheatcodes these tests use, as Hardhat's EDR implements them (Foundry-compatible).
/// Declared here because forge-std cannot be resolved by Hardhat 3 from npm.
interface Vm {
    function warp(uint256 newTimestamp) external;
    function prank(address msgSender) external;
    function startPrank(address msgSender) external;
    function stopPrank() external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter)
        external;
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function addr(uint256 privateKey) external pure returns (address);
    function assume(bool condition) external pure;
    /// @dev Marks an account and its storage slots cold again, as at the start of a transaction.
    function cool(address target) external;
}

/// @dev The cheatcode address: address(uint160(uint256(keccak256("hevm cheat code")))).
Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
