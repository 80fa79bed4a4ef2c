// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {OrgKind} from "../types/PATypes.sol";

/// @title IOrganisationRegistry
/// @notice The consortium's register of certifying organisations and of the keys that sign for them.
interface IOrganisationRegistry {
    /// @notice A certifying organisation. Packed in one slot.
    struct Organisation {
        OrgKind kind;
        bool active;
        uint32 code; // MUNICIPALITY: 6-digit ISTAT code; ASL: regional ASL code; otherwise 0
        uint32 parentId; // MEDICAL_COMMISSION: its ASL or INPS organisation; otherwise 0
    }

    /// @notice A signing key and the organisation it signs for. Packed in one slot.
    struct SignerKey {
        uint32 orgId; // 0 = unknown key
        uint64 addedAt; // unix seconds
        uint64 retiredAt; // unix seconds, 0 = active
    }

    /// @notice An organisation was registered.
    event OrganisationRegistered(uint32 indexed orgId, OrgKind indexed kind, uint32 code, uint32 parentId, string name);

    /// @notice An organisation was activated or deactivated; its keys sign nothing while inactive.
    event OrganisationActiveChanged(uint32 indexed orgId, bool oldActive, bool newActive);

    /// @notice A signing key was added to an organisation.
    event SignerAdded(uint32 indexed orgId, address indexed signer);

    /// @notice A signing key was retired: records it signs at or after `retiredAt` are refused.
    event SignerRetired(uint32 indexed orgId, address indexed signer, uint64 retiredAt);

    /// @notice The organisation kind is NONE, or a parent is missing or wrong for the kind.
    error OrganisationRegistryInvalidOrganisation(OrgKind kind, uint32 code, uint32 parentId);

    /// @notice A municipality with this ISTAT code is already registered.
    error OrganisationRegistryDuplicateMunicipality(uint32 code);

    /// @notice No organisation has this id.
    error OrganisationRegistryUnknownOrganisation(uint32 orgId);

    /// @notice The key is already registered (active or retired) and cannot be reused.
    error OrganisationRegistrySignerAlreadyRegistered(address signer);

    /// @notice The key is not registered.
    error OrganisationRegistryUnknownSigner(address signer);

    /// @notice The key is already retired.
    error OrganisationRegistrySignerAlreadyRetired(address signer, uint64 retiredAt);

    /// @notice The key was retired before the record was signed.
    error OrganisationRegistrySignerRetired(address signer, uint64 retiredAt, uint64 signedAt);

    /// @notice The key's organisation is deactivated.
    error OrganisationRegistryInactiveOrganisation(uint32 orgId);

    /// @notice Registers an organisation and returns its id (ids start at 1).
    /// @dev Codes by kind: MUNICIPALITY the 6-digit ISTAT code (unique); MEDICAL_COMMISSION 0 with an
    /// ASL or INPS parent; ASL, INPS and PATRONATO any code (for a patronato its recognition number
    /// at the Ministry of Labour, or 0), no parent. A PATRONATO certifies no fact.
    /// @param name Public name of the body, e.g. "Comune di Roma" (not personal data).
    function registerOrganisation(OrgKind kind, uint32 code, uint32 parentId, string calldata name)
        external
        returns (uint32 orgId);

    /// @notice Activates or deactivates an organisation.
    function setOrganisationActive(uint32 orgId, bool active) external;

    /// @notice Adds a signing key to an active organisation.
    function addSigner(uint32 orgId, address signer) external;

    /// @notice Retires a signing key from now on. A retired key is never reused.
    function retireSigner(address signer) external;

    /// @notice The organisation with this id (kind NONE when unknown).
    function organisation(uint32 orgId) external view returns (Organisation memory);

    /// @notice The key's registration (orgId 0 when unknown).
    function signerKey(address signer) external view returns (SignerKey memory);

    /// @notice The id of the municipality with this ISTAT code, 0 when none.
    function municipalityId(uint32 istatCode) external view returns (uint32);

    /// @notice Number of registered organisations.
    function organisationCount() external view returns (uint32);

    /// @notice The organisation a key signed for at `signedAt`; reverts when the key is unknown,
    /// retired at or before `signedAt`, or its organisation is inactive.
    function authorisedSigner(address signer, uint64 signedAt)
        external
        view
        returns (uint32 orgId, Organisation memory org);
}
