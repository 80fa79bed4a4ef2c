// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IOrganisationRegistry} from "../interfaces/IOrganisationRegistry.sol";
import {OrgKind} from "../types/PATypes.sol";

/// @title OrganisationRegistry
/// @notice Municipalities, ASLs, INPS, medical commissions and patronati, with the keys that sign for
/// them. A patronato is listed so that anyone can tell a recognised patronato from anyone else; the
/// FactRegistry accepts no fact signed by one.
contract OrganisationRegistry is IOrganisationRegistry, AccessManaged {
    uint32 private _organisationCount;
    mapping(uint32 orgId => Organisation) private _organisations;
    mapping(address signer => SignerKey) private _signers;
    mapping(uint32 istatCode => uint32 orgId) private _municipalityByCode;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IOrganisationRegistry
    function registerOrganisation(OrgKind kind, uint32 code, uint32 parentId, string calldata name)
        external
        restricted
        returns (uint32 orgId)
    {
        if (!_isValidOrganisation(kind, code, parentId)) {
            revert OrganisationRegistryInvalidOrganisation(kind, code, parentId);
        }
        if (kind == OrgKind.MUNICIPALITY && _municipalityByCode[code] != 0) {
            revert OrganisationRegistryDuplicateMunicipality(code);
        }
        orgId = _registerOrganisation(kind, code, parentId, name);
    }

    /// @inheritdoc IOrganisationRegistry
    function setOrganisationActive(uint32 orgId, bool active) external restricted {
        Organisation storage org = _existing(orgId);
        bool oldActive = org.active;
        org.active = active;
        emit OrganisationActiveChanged(orgId, oldActive, active);
    }

    /// @inheritdoc IOrganisationRegistry
    function addSigner(uint32 orgId, address signer) external restricted {
        Organisation storage org = _existing(orgId);
        if (!org.active) revert OrganisationRegistryInactiveOrganisation(orgId);
        if (_signers[signer].orgId != 0) revert OrganisationRegistrySignerAlreadyRegistered(signer);
        _signers[signer] = SignerKey({orgId: orgId, addedAt: uint64(block.timestamp), retiredAt: 0});
        emit SignerAdded(orgId, signer);
    }

    /// @inheritdoc IOrganisationRegistry
    function retireSigner(address signer) external restricted {
        SignerKey storage key = _signers[signer];
        if (key.orgId == 0) revert OrganisationRegistryUnknownSigner(signer);
        if (key.retiredAt != 0) revert OrganisationRegistrySignerAlreadyRetired(signer, key.retiredAt);
        key.retiredAt = uint64(block.timestamp);
        emit SignerRetired(key.orgId, signer, uint64(block.timestamp));
    }

    /// @inheritdoc IOrganisationRegistry
    function organisation(uint32 orgId) external view returns (Organisation memory) {
        return _organisations[orgId];
    }

    /// @inheritdoc IOrganisationRegistry
    function signerKey(address signer) external view returns (SignerKey memory) {
        return _signers[signer];
    }

    /// @inheritdoc IOrganisationRegistry
    function municipalityId(uint32 istatCode) external view returns (uint32) {
        return _municipalityByCode[istatCode];
    }

    /// @inheritdoc IOrganisationRegistry
    function organisationCount() external view returns (uint32) {
        return _organisationCount;
    }

    /// @inheritdoc IOrganisationRegistry
    function authorisedSigner(address signer, uint64 signedAt)
        external
        view
        returns (uint32 orgId, Organisation memory org)
    {
        SignerKey memory key = _signers[signer];
        if (key.orgId == 0) revert OrganisationRegistryUnknownSigner(signer);
        if (key.retiredAt != 0 && signedAt >= key.retiredAt) {
            revert OrganisationRegistrySignerRetired(signer, key.retiredAt, signedAt);
        }
        org = _organisations[key.orgId];
        if (!org.active) revert OrganisationRegistryInactiveOrganisation(key.orgId);
        return (key.orgId, org);
    }

    function _registerOrganisation(OrgKind kind, uint32 code, uint32 parentId, string calldata name)
        private
        returns (uint32 orgId)
    {
        orgId = ++_organisationCount;
        _organisations[orgId] = Organisation({kind: kind, active: true, code: code, parentId: parentId});
        if (kind == OrgKind.MUNICIPALITY) _municipalityByCode[code] = orgId;
        emit OrganisationRegistered(orgId, kind, code, parentId, name);
    }

    function _existing(uint32 orgId) private view returns (Organisation storage org) {
        org = _organisations[orgId];
        if (org.kind == OrgKind.NONE) revert OrganisationRegistryUnknownOrganisation(orgId);
    }

    // A commission hangs under an ASL or INPS; a municipality carries a 6-digit ISTAT code whose
    // province part (first three digits) is 001-111; no other kind has a parent. A patronato's code
    // is free (its recognition number at the Ministry of Labour, or 0): nothing on chain reads it.
    function _isValidOrganisation(OrgKind kind, uint32 code, uint32 parentId) private view returns (bool) {
        if (kind == OrgKind.NONE) return false;
        if (kind == OrgKind.MEDICAL_COMMISSION) {
            OrgKind parentKind = _organisations[parentId].kind;
            return parentKind == OrgKind.ASL || parentKind == OrgKind.INPS;
        }
        if (parentId != 0) return false;
        if (kind == OrgKind.MUNICIPALITY) return code >= 1000 && code <= 111999;
        return true;
    }
}
