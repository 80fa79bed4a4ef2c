// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {TransientSlot} from "@openzeppelin/contracts/utils/TransientSlot.sol";
import {IFactRegistry} from "../interfaces/IFactRegistry.sol";
import {IOrganisationRegistry} from "../interfaces/IOrganisationRegistry.sol";
import {OrgKind} from "../types/PATypes.sol";

/// @title FactSignatures
/// @notice The EIP-712 half of the FactRegistry: the record types, their digests, and who signed a
/// record for which organisation (recovered, then asked of the OrganisationRegistry). What a
/// certifier may certify, and what a record changes, is the FactRegistry's.
abstract contract FactSignatures is IFactRegistry, EIP712 {
    using TransientSlot for TransientSlot.Uint256Slot;

    bytes32 public constant CIVIL_TYPEHASH =
        keccak256("CivilRecord(bytes32 recordId,bytes32 subject,uint32 birthDate,uint32 residence,uint64 signedAt)");
    bytes32 public constant DEATH_TYPEHASH =
        keccak256("DeathRecord(bytes32 recordId,bytes32 subject,uint32 deathDate,uint64 signedAt)");
    bytes32 public constant ASSESSMENT_TYPEHASH = keccak256(
        "AssessmentRecord(bytes32 assessmentId,bytes32 subject,uint32 commissionId,uint8 category,uint8 percentage,uint8 flags,uint32 effectiveDate,uint32 reviewDate,bytes32 reportHash,uint64 signedAt)"
    );
    bytes32 public constant REVOCATION_TYPEHASH =
        keccak256("RevocationRecord(bytes32 recordId,bytes32 assessmentId,uint8 reason,uint64 signedAt)");
    bytes32 public constant INCOME_TYPEHASH =
        keccak256("IncomeRecord(bytes32 recordId,bytes32 subject,uint16 year,uint64 amountCents,uint64 signedAt)");
    bytes32 public constant HOSPITAL_STAY_TYPEHASH = keccak256(
        "HospitalStayRecord(bytes32 recordId,bytes32 subject,uint32 admission,uint32 discharge,uint64 signedAt)"
    );

    /// @notice Tolerated clock difference between a source system and the chain, in seconds.
    uint64 public constant MAX_CLOCK_SKEW_SECONDS = 300;

    IOrganisationRegistry public immutable organisations;

    /// @dev Inside `recordBatch`, the batch's number in this transaction (0 outside a batch): what
    /// the OrganisationRegistry answered about a signer is cached under it (EIP-1153 transient
    /// storage) for the rest of the batch, which makes no call that could change the answer.
    uint256 internal transient _batchId;

    constructor(IOrganisationRegistry organisationRegistry) EIP712("PA Chain Facts", "1") {
        organisations = organisationRegistry;
    }

    /// @inheritdoc IFactRegistry
    function civilDigest(CivilRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(CIVIL_TYPEHASH, record)));
    }

    /// @inheritdoc IFactRegistry
    function deathDigest(DeathRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(DEATH_TYPEHASH, record)));
    }

    /// @inheritdoc IFactRegistry
    function assessmentDigest(AssessmentRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(ASSESSMENT_TYPEHASH, record)));
    }

    /// @inheritdoc IFactRegistry
    function revocationDigest(RevocationRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REVOCATION_TYPEHASH, record)));
    }

    /// @inheritdoc IFactRegistry
    function incomeDigest(IncomeRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(INCOME_TYPEHASH, record)));
    }

    /// @inheritdoc IFactRegistry
    function hospitalStayDigest(HospitalStayRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(HOSPITAL_STAY_TYPEHASH, record)));
    }

    /// @dev Recovers the signer (OpenZeppelin's ECDSA refuses malleable high-s signatures) and asks the
    /// organisation registry whether it signed for an active organisation at `signedAt`.
    function _certifier(bytes32 recordId, bytes32 digest, bytes calldata signature, uint64 signedAt)
        internal
        returns (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org)
    {
        if (signedAt > block.timestamp + MAX_CLOCK_SKEW_SECONDS) {
            revert FactRegistrySignedInFuture(recordId, signedAt, uint64(block.timestamp));
        }
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, signature);
        if (err != ECDSA.RecoverError.NoError) revert FactRegistryInvalidSignature(recordId);
        signer = recovered;
        if (_batchId == 0) {
            (orgId, org) = organisations.authorisedSigner(recovered, signedAt);
        } else {
            (orgId, org) = _authorisedSignerInBatch(recovered, signedAt);
        }
    }

    /// @dev `organisations.authorisedSigner`, asked once per signer and batch: the first answer
    /// (organisation, and the key's retirement time) is kept in transient storage, and each later
    /// record of the batch checks its own `signedAt` against that retirement time, with the
    /// registry's own error. Unknown keys and inactive organisations revert on the first ask.
    function _authorisedSignerInBatch(address signer, uint64 signedAt)
        private
        returns (uint32 orgId, IOrganisationRegistry.Organisation memory org)
    {
        TransientSlot.Uint256Slot slot = TransientSlot.asUint256(keccak256(abi.encode(signer, _batchId)));
        uint256 cached = slot.tload();
        if (cached != 0) {
            uint64 retiredAt = uint64(cached >> 104);
            if (retiredAt != 0 && signedAt >= retiredAt) {
                revert IOrganisationRegistry.OrganisationRegistrySignerRetired(signer, retiredAt, signedAt);
            }
            orgId = uint32(cached);
            org.kind = OrgKind(uint8(cached >> 32));
            org.active = true;
            org.code = uint32(cached >> 40);
            org.parentId = uint32(cached >> 72);
            return (orgId, org);
        }
        (orgId, org) = organisations.authorisedSigner(signer, signedAt);
        uint64 retired = organisations.signerKey(signer).retiredAt;
        // orgId is never 0 here (an unknown key reverted), so a cached entry is never 0.
        cached = uint256(orgId) | (uint256(uint8(org.kind)) << 32) | (uint256(org.code) << 40)
            | (uint256(org.parentId) << 72) | (uint256(retired) << 104);
        slot.tstore(cached);
    }

    /// @dev The members of `record.commissionId` who signed the assessment: at least two, each once
    /// (ascending addresses), each an authorised key of that commission.
    function _commissionSigners(AssessmentRecord calldata record, bytes[] calldata signatures)
        internal
        returns (address[] memory signers)
    {
        bytes32 digest = assessmentDigest(record);
        signers = new address[](signatures.length);
        address previous;
        for (uint256 i = 0; i < signatures.length; ++i) {
            (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
                _certifier(record.assessmentId, digest, signatures[i], record.signedAt);
            // Ascending order makes "each member at most once" a single comparison.
            if (signer <= previous) revert FactRegistryNotEnoughSigners(record.assessmentId, i);
            if (org.kind != OrgKind.MEDICAL_COMMISSION || orgId != record.commissionId) {
                revert FactRegistrySignerNotInCommission(record.assessmentId, signer, record.commissionId);
            }
            signers[i] = signer;
            previous = signer;
        }
        if (signatures.length < 2) revert FactRegistryNotEnoughSigners(record.assessmentId, signatures.length);
    }
}
