// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {PAAccessManager} from "../../../contracts/access/PAAccessManager.sol";
import {StatusListAnchor} from "../../../contracts/credentials/StatusListAnchor.sol";
import {IStatusListAnchor} from "../../../contracts/interfaces/IStatusListAnchor.sol";
import {Assertions} from "../utils/Assertions.sol";
import {vm} from "../utils/Vm.sol";

/// @notice StatusListAnchor wired like ignition/modules/PAChain.ts: `anchor` restricted to the
/// CREDENTIAL_ISSUER role (src/chain/roles.ts CREDENTIAL_PERMISSIONS), held by `ISSUER`.
contract StatusListAnchorTest is Assertions {
    uint64 private constant CREDENTIAL_ISSUER = 16; // src/chain/roles.ts CREDENTIAL_ROLE
    address private constant ISSUER = address(0x155E);
    address private constant STRANGER = address(0x5742A6E4);
    uint256 private constant LIST = 1;
    bytes32 private constant HASH_A = keccak256("list a");
    bytes32 private constant HASH_B = keccak256("list b");
    uint64 private constant T0 = 1_781_481_600; // unix seconds

    PAAccessManager private manager;
    StatusListAnchor private anchors;

    function setUp() public {
        vm.warp(T0 + 60);
        manager = new PAAccessManager(address(this));
        anchors = new StatusListAnchor(address(manager));
        bytes4[] memory selectors = new bytes4[](1);
        selectors[0] = IStatusListAnchor.anchor.selector;
        manager.setTargetFunctionRole(address(anchors), selectors, CREDENTIAL_ISSUER);
        manager.grantRole(CREDENTIAL_ISSUER, ISSUER, 0);
    }

    function test_anchor_recordsTheFirstVersionAndEmits() public {
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IStatusListAnchor.StatusListAnchored(LIST, 1, bytes32(0), HASH_A, T0);
        vm.prank(ISSUER);
        uint64 version = anchors.anchor(LIST, HASH_A, T0);
        assertEq(version, 1, "version");
        IStatusListAnchor.Anchor memory latest = anchors.latest(LIST);
        assertEq(latest.listHash, HASH_A, "hash");
        assertEq(latest.version, 1, "latest version");
        assertEq(latest.issuedAt, T0, "issuedAt");
        assertEq(latest.anchoredAt, T0 + 60, "anchoredAt");
        assertEq(anchors.versionOf(LIST, HASH_A), 1, "versionOf");
    }

    function test_anchor_chainsVersionsAndKeepsOldHashesFindable() public {
        vm.startPrank(ISSUER);
        anchors.anchor(LIST, HASH_A, T0);
        vm.expectEmit(true, true, true, true, address(anchors));
        emit IStatusListAnchor.StatusListAnchored(LIST, 2, HASH_A, HASH_B, T0 + 5);
        uint64 version = anchors.anchor(LIST, HASH_B, T0 + 5);
        vm.stopPrank();
        assertEq(version, 2, "version");
        assertEq(anchors.latest(LIST).listHash, HASH_B, "latest is the new list");
        assertEq(anchors.versionOf(LIST, HASH_A), 1, "the old version stays findable");
        assertEq(anchors.versionOf(LIST + 1, HASH_A), 0, "lists are separate");
        assertEq(anchors.latest(LIST + 1).version, 0, "an unused list has no version");
    }

    function test_anchor_revertsForAnAccountWithoutTheRole() public {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, STRANGER));
        vm.prank(STRANGER);
        anchors.anchor(LIST, HASH_A, T0);
    }

    function test_anchor_revertsOnAnEmptyHash() public {
        vm.expectRevert(abi.encodeWithSelector(IStatusListAnchor.StatusListAnchorEmptyHash.selector, LIST));
        vm.prank(ISSUER);
        anchors.anchor(LIST, bytes32(0), T0);
    }

    function test_anchor_revertsWhenTheHashIsAlreadyTheLatest() public {
        vm.startPrank(ISSUER);
        anchors.anchor(LIST, HASH_A, T0);
        vm.expectRevert(abi.encodeWithSelector(IStatusListAnchor.StatusListAnchorUnchanged.selector, LIST, HASH_A));
        anchors.anchor(LIST, HASH_A, T0 + 1);
        vm.stopPrank();
    }

    function test_anchor_revertsOnAListOlderThanTheLatest() public {
        vm.startPrank(ISSUER);
        anchors.anchor(LIST, HASH_A, T0 + 10);
        vm.expectRevert(abi.encodeWithSelector(IStatusListAnchor.StatusListAnchorStale.selector, LIST, T0 + 9, T0 + 10));
        anchors.anchor(LIST, HASH_B, T0 + 9);
        vm.stopPrank();
    }

    function testFuzz_anchor_versionCountsEveryNewHash(uint8 count) public {
        uint256 n = bound(count, 1, 20);
        vm.startPrank(ISSUER);
        for (uint256 i = 1; i <= n; i++) {
            assertEq(anchors.anchor(LIST, keccak256(abi.encode(i)), T0 + uint64(i)), i, "version");
        }
        vm.stopPrank();
        assertEq(anchors.latest(LIST).version, n, "latest version");
        assertEq(anchors.latest(LIST).listHash, keccak256(abi.encode(n)), "latest hash");
    }
}
