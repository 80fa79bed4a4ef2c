// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IStatusListAnchor} from "../interfaces/IStatusListAnchor.sol";

/// @title StatusListAnchor
/// @notice The hashes of the credential issuer's status lists, one version after another.
/// @dev Only hashes reach the chain: the list itself (one 2-bit status per credential) is served by
/// the issuer, and an index in it says nothing about a person without the credential that names it.
contract StatusListAnchor is IStatusListAnchor, AccessManaged {
    mapping(uint256 listId => Anchor) private _latest;
    mapping(uint256 listId => mapping(bytes32 listHash => uint64 version)) private _versions;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IStatusListAnchor
    function anchor(uint256 listId, bytes32 listHash, uint64 issuedAt) external restricted returns (uint64 version) {
        if (listHash == bytes32(0)) revert StatusListAnchorEmptyHash(listId);
        Anchor memory old = _latest[listId];
        if (listHash == old.listHash) revert StatusListAnchorUnchanged(listId, listHash);
        if (issuedAt < old.issuedAt) revert StatusListAnchorStale(listId, issuedAt, old.issuedAt);
        version = _record(listId, listHash, issuedAt, old);
    }

    /// @inheritdoc IStatusListAnchor
    function latest(uint256 listId) external view returns (Anchor memory) {
        return _latest[listId];
    }

    /// @inheritdoc IStatusListAnchor
    function versionOf(uint256 listId, bytes32 listHash) external view returns (uint64) {
        return _versions[listId][listHash];
    }

    function _record(uint256 listId, bytes32 listHash, uint64 issuedAt, Anchor memory old)
        private
        returns (uint64 version)
    {
        // A version counter cannot reach 2^64 one transaction at a time.
        unchecked {
            version = old.version + 1;
        }
        _latest[listId] =
            Anchor({listHash: listHash, version: version, issuedAt: issuedAt, anchoredAt: uint64(block.timestamp)});
        _versions[listId][listHash] = version;
        emit StatusListAnchored(listId, version, old.listHash, listHash, issuedAt);
    }
}
