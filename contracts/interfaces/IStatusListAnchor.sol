// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @title IStatusListAnchor
/// @notice Where the credential issuer records the hash of every status list it publishes
/// (IETF Token Status List, served as a signed `statuslist+jwt`). A verifier that fetched a list
/// checks that its hash is the latest one anchored here, so nobody, not even the issuer, can serve a
/// stale list or quietly rewrite a card's history: every version stays in the event log.
interface IStatusListAnchor {
    /// @notice The latest anchored version of one status list. Packed in two slots.
    struct Anchor {
        bytes32 listHash; // SHA-256 of the compact statuslist+jwt as served
        uint64 version; // 1 for the first list, +1 per new list
        uint64 issuedAt; // unix seconds: the list's `iat`
        uint64 anchoredAt; // unix seconds: the block that anchored it
    }

    /// @notice A new version of a status list was published with this hash.
    /// @param listId The list's number (the last path segment of its `uri`).
    /// @param version 1 for the first list, +1 per new list.
    /// @param oldHash The previous version's hash (zero for the first).
    /// @param newHash SHA-256 of the compact statuslist+jwt now served.
    /// @param issuedAt unix seconds: the list's `iat`.
    event StatusListAnchored(uint256 indexed listId, uint64 indexed version, bytes32 oldHash, bytes32 newHash, uint64 issuedAt);

    /// @notice The hash is zero: there is nothing to anchor.
    error StatusListAnchorEmptyHash(uint256 listId);

    /// @notice The hash is already the list's latest version: a resend, not a new list.
    error StatusListAnchorUnchanged(uint256 listId, bytes32 listHash);

    /// @notice The list's `iat` is older than the latest anchored version's: lists only move forward.
    error StatusListAnchorStale(uint256 listId, uint64 issuedAt, uint64 latestIssuedAt);

    /// @notice Records `listHash` as the latest version of list `listId` (the credential issuer).
    /// @param listId The list's number.
    /// @param listHash SHA-256 of the compact statuslist+jwt the issuer serves from now on.
    /// @param issuedAt unix seconds: the list's `iat`.
    /// @return version The version number given to this list.
    function anchor(uint256 listId, bytes32 listHash, uint64 issuedAt) external returns (uint64 version);

    /// @notice The latest anchored version of a list (version 0 when none yet).
    function latest(uint256 listId) external view returns (Anchor memory);

    /// @notice The version a hash was anchored as for this list (0 when it never was).
    function versionOf(uint256 listId, bytes32 listHash) external view returns (uint64 version);
}
