// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {Category, FactSnapshot} from "../types/PATypes.sol";

/// @title IFactRegistry
/// @notice Certified facts about subjects (HMAC pseudonyms of fiscal codes), each signed (EIP-712)
/// by the organisation that certifies it and recorded at most once per certifying organisation:
/// the idempotency key is (kind, certifier, `recordId`), so one organisation's ids can never block
/// another's (source systems number their records sequentially, and the numbers collide).
/// @dev Dates are uint32 YYYYMMDD, `signedAt` is unix seconds, amounts are euro cents.
interface IFactRegistry {
    /// @notice Birth date and residence, certified by the municipality of residence.
    struct CivilRecord {
        bytes32 recordId;
        bytes32 subject;
        uint32 birthDate; // YYYYMMDD
        uint32 residence; // 6-digit ISTAT municipality code
        uint64 signedAt; // unix seconds
    }

    /// @notice A death, certified by a municipality.
    struct DeathRecord {
        bytes32 recordId;
        bytes32 subject;
        uint32 deathDate; // YYYYMMDD
        uint64 signedAt; // unix seconds
    }

    /// @notice A disability assessment, signed by at least two members of one medical commission.
    struct AssessmentRecord {
        bytes32 assessmentId; // the commission's own id; on chain the assessment is assessmentKey(commissionId, assessmentId)
        bytes32 subject;
        uint32 commissionId;
        Category category;
        uint8 percentage; // 0-100
        uint8 flags; // Flags mask
        uint32 effectiveDate; // YYYYMMDD
        uint32 reviewDate; // YYYYMMDD, 0 = no review
        bytes32 reportHash; // salted hash of the off-chain medical report
        uint64 signedAt; // unix seconds
    }

    /// @notice Revocation of an assessment by its commission or by INPS.
    struct RevocationRecord {
        bytes32 recordId;
        bytes32 assessmentId; // the on-chain id: assessmentKey(commissionId, the commission's own id)
        uint8 reason; // 1 appeal upheld, 2 clerical error, 3 fraud, 4 other (docs/contracts.md)
        uint64 signedAt; // unix seconds
    }

    /// @notice Personal income of one calendar year, certified by INPS.
    struct IncomeRecord {
        bytes32 recordId;
        bytes32 subject;
        uint16 year;
        uint64 amountCents; // euro cents
        uint64 signedAt; // unix seconds
    }

    /// @notice A hospital stay at public expense, certified by an ASL. Same subject and admission
    /// date replace the earlier record (this is how a discharge is added to an open stay).
    struct HospitalStayRecord {
        bytes32 recordId;
        bytes32 subject;
        uint32 admission; // YYYYMMDD
        uint32 discharge; // YYYYMMDD, 0 = still in hospital
        uint64 signedAt; // unix seconds
    }

    /// @notice A stored assessment. Packed in one slot.
    struct StoredAssessment {
        Category category;
        uint8 percentage;
        uint8 flags;
        bool revoked;
        uint32 effectiveDate; // YYYYMMDD
        uint32 reviewDate; // YYYYMMDD, 0 = none
        uint32 commissionId;
    }

    /// @notice A stored hospital stay. Packed in one slot.
    struct StoredStay {
        uint32 admission; // YYYYMMDD
        uint32 discharge; // YYYYMMDD, 0 = open
    }

    /// @notice The per-subject slot: civil facts and the counters that bound every scan. Packed in one slot.
    struct Subject {
        uint32 birthDate; // YYYYMMDD, 0 = no civil record
        uint32 residence; // ISTAT code
        uint32 deathDate; // YYYYMMDD, 0 = alive
        uint16 assessmentCount;
        uint16 stayCount;
        uint16 firstIncomeYear; // 0 = no income attested
        uint16 lastIncomeYear;
    }

    event CivilRecordRecorded(
        bytes32 indexed recordId,
        bytes32 indexed subject,
        uint32 indexed municipalityId,
        uint32 birthDate,
        uint32 oldResidence,
        uint32 newResidence,
        address signer,
        uint64 signedAt
    );

    event DeathRecorded(
        bytes32 indexed recordId,
        bytes32 indexed subject,
        uint32 indexed municipalityId,
        uint32 oldDeathDate,
        uint32 newDeathDate,
        address signer,
        uint64 signedAt
    );

    /// @dev `assessmentId` is the on-chain id, assessmentKey(commissionId, the commission's own id).
    event AssessmentRecorded(
        bytes32 indexed assessmentId,
        bytes32 indexed subject,
        uint32 indexed commissionId,
        Category category,
        uint8 percentage,
        uint8 flags,
        uint32 effectiveDate,
        uint32 reviewDate,
        bytes32 reportHash,
        address[] signers,
        uint64 signedAt
    );

    event AssessmentRevoked(
        bytes32 indexed assessmentId,
        bytes32 indexed subject,
        uint32 indexed orgId,
        bytes32 recordId,
        uint8 reason,
        address signer,
        uint64 signedAt
    );

    event IncomeRecorded(
        bytes32 indexed recordId,
        bytes32 indexed subject,
        uint16 indexed year,
        bool replaced,
        uint64 oldAmountCents,
        uint64 newAmountCents,
        address signer,
        uint64 signedAt
    );

    event HospitalStayRecorded(
        bytes32 indexed recordId,
        bytes32 indexed subject,
        uint32 indexed aslId,
        uint32 admission,
        uint32 oldDischarge,
        uint32 newDischarge,
        address signer,
        uint64 signedAt
    );

    /// @notice Item `index` of a recordBatch reverted with `reason` and was skipped; nothing of it was recorded.
    event RecordRefused(uint256 indexed index, bytes4 indexed selector, bytes reason);

    /// @notice A recordBatch item is not a call to one of the six record functions.
    error FactRegistryNotARecordCall(uint256 index, bytes4 selector);

    /// @notice This record (or assessment) id was already recorded by the same certifying organisation.
    error FactRegistryAlreadyRecorded(bytes32 recordId);

    /// @notice A signature does not recover to any address.
    error FactRegistryInvalidSignature(bytes32 recordId);

    /// @notice The signing organisation may not certify this fact.
    error FactRegistryUnauthorisedCertifier(bytes32 recordId, uint32 orgId);

    /// @notice The record claims to be signed in the future.
    error FactRegistrySignedInFuture(bytes32 recordId, uint64 signedAt, uint64 blockTime);

    /// @notice A date field is not a real YYYYMMDD date (or is before the date it must follow).
    error FactRegistryInvalidDate(bytes32 recordId, uint32 date);

    /// @notice The residence is not a 6-digit ISTAT municipality code.
    error FactRegistryInvalidResidence(bytes32 recordId, uint32 residence);

    /// @notice Category NONE or unknown, percentage above 100, or unknown flag bits.
    error FactRegistryInvalidAssessment(bytes32 assessmentId, Category category, uint8 percentage, uint8 flags);

    /// @notice Fewer than two commission members signed, or signers not in strictly ascending order
    /// (which is how a member signing twice is refused).
    error FactRegistryNotEnoughSigners(bytes32 assessmentId, uint256 distinctSigners);

    /// @notice A signer is not a member of the assessment's commission.
    error FactRegistrySignerNotInCommission(bytes32 assessmentId, address signer, uint32 commissionId);

    /// @notice The assessment to revoke is unknown.
    error FactRegistryUnknownAssessment(bytes32 assessmentId);

    /// @notice The assessment is already revoked.
    error FactRegistryAssessmentAlreadyRevoked(bytes32 assessmentId);

    /// @notice Year outside 1900-2199.
    error FactRegistryInvalidYear(bytes32 recordId, uint16 year);

    /// @notice Too many assessments or stays for one subject (65535).
    error FactRegistrySubjectFull(bytes32 subject);

    /// @notice Records many signed facts in one transaction. Each item is the calldata of one of the
    /// six record functions and runs with the caller's own permissions; an item that reverts is
    /// skipped and reported by RecordRefused (with its custom error), the others are kept. Only a
    /// relayer (the RELAYER role of the AccessManager) may send a batch.
    /// @return recorded How many items were recorded.
    function recordBatch(bytes[] calldata calls) external returns (uint256 recorded);

    function recordCivil(CivilRecord calldata record, bytes calldata signature) external;

    function recordDeath(DeathRecord calldata record, bytes calldata signature) external;

    /// @param signatures Commission members' signatures, ordered by ascending signer address.
    function recordAssessment(AssessmentRecord calldata record, bytes[] calldata signatures) external;

    function recordRevocation(RevocationRecord calldata record, bytes calldata signature) external;

    function recordIncome(IncomeRecord calldata record, bytes calldata signature) external;

    function recordHospitalStay(HospitalStayRecord calldata record, bytes calldata signature) external;

    /// @notice Stops every recording function (guardian).
    function pause() external;

    /// @notice Resumes recording (guardian).
    function unpause() external;

    /// @notice Whether organisation `certifierId` recorded a record of this kind with this id;
    /// `typeHash` is the record's EIP-712 type hash. For an assessment, `certifierId` is the
    /// commission and `recordId` the commission's own assessment id.
    function isRecorded(bytes32 typeHash, uint32 certifierId, bytes32 recordId) external view returns (bool);

    /// @notice The on-chain id of a commission's assessment: what events, revocations, snapshots and
    /// `assessmentById` name it by. Bound to the commission, so two commissions' numbers never collide.
    function assessmentKey(uint32 commissionId, bytes32 assessmentId) external pure returns (bytes32);

    /// @notice The subject's civil facts and counters.
    function subject(bytes32 subjectId) external view returns (Subject memory);

    /// @notice The subject's `index`-th assessment in recording order.
    function assessmentAt(bytes32 subjectId, uint256 index)
        external
        view
        returns (bytes32 assessmentId, StoredAssessment memory assessment);

    /// @notice An assessment by its on-chain id (`assessmentKey`), with its subject.
    function assessmentById(bytes32 assessmentId)
        external
        view
        returns (bool exists, bytes32 subjectId, StoredAssessment memory assessment);

    /// @notice The attested income for exactly `year`.
    function incomeOf(bytes32 subjectId, uint16 year) external view returns (bool attested, uint64 amountCents);

    /// @notice The subject's `index`-th hospital stay.
    function stayAt(bytes32 subjectId, uint256 index) external view returns (StoredStay memory);

    /// @notice Everything the entitlement rules need about a subject on `date` (YYYYMMDD).
    function snapshot(bytes32 subjectId, uint32 date) external view returns (FactSnapshot memory);

    /// @notice The parts of `snapshot` named by `needs` (SnapshotNeeds bits); the rest stays zero.
    function snapshotFor(bytes32 subjectId, uint32 date, uint256 needs) external view returns (FactSnapshot memory);

    /// @notice The subject's number: a dense counter from 1, assigned at the subject's first record
    /// (0 = no record). The BenefitLedger's paid bitmaps are keyed by it; a payroll paid in this
    /// order fills one bitmap word after another.
    function subjectNumber(bytes32 subjectId) external view returns (uint256);

    /// @notice What the entitlement rules read about a subject on `date` (YYYYMMDD), packed as a
    /// FactWord (contracts/libraries/FactWord.sol): `snapshotFor(subjectId, date, needs)` without
    /// assessment ids and review dates, in one word, with the subject's number (`subjectNumber`).
    /// The payroll's read: one storage slot in the usual case.
    function factsAt(bytes32 subjectId, uint32 date, uint256 needs) external view returns (uint256 facts);

    /// @notice `factsAt(subjectIds[i], date, needs)` for every subject of a payroll run, in one call:
    /// the ledger pays a run of one benefit and period with one call to the registry instead of one
    /// per payment.
    function factsAtBatch(bytes32[] calldata subjectIds, uint32 date, uint256 needs)
        external
        view
        returns (uint256[] memory facts);

    /// @notice EIP-712 digest of a record, for signers and verifiers off chain.
    function civilDigest(CivilRecord calldata record) external view returns (bytes32);
    function deathDigest(DeathRecord calldata record) external view returns (bytes32);
    function assessmentDigest(AssessmentRecord calldata record) external view returns (bytes32);
    function revocationDigest(RevocationRecord calldata record) external view returns (bytes32);
    function incomeDigest(IncomeRecord calldata record) external view returns (bytes32);
    function hospitalStayDigest(HospitalStayRecord calldata record) external view returns (bytes32);
}
