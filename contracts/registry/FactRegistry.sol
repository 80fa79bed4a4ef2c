// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {AuthorityUtils} from "@openzeppelin/contracts/access/manager/AuthorityUtils.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IFactRegistry} from "../interfaces/IFactRegistry.sol";
import {IOrganisationRegistry} from "../interfaces/IOrganisationRegistry.sol";
import {DateLib} from "../libraries/DateLib.sol";
import {FactWord} from "../libraries/FactWord.sol";
import {PayrollWord, PayrollWordLibrary} from "../libraries/PayrollWord.sol";
import {Category, FactSnapshot, Flags, OrgKind, SnapshotNeeds, ValidAssessment} from "../types/PATypes.sol";
import {FactSignatures} from "./FactSignatures.sol";

/// @title FactRegistry
/// @notice Records certified facts about subjects after verifying the certifier's EIP-712 signature
/// (the signature half is the abstract `FactSignatures`; the payroll word's layout is `PayrollWord`).
/// @dev Storage is laid out for the monthly payroll: one slot per subject (`_payroll`) holds what a
/// payment reads in the usual case — civil facts, the latest income, and per category the
/// assessment that is valid on every date from its effective date on — so `factsAt` answers a
/// payment with one cold read. Only a date before that effective date or that income year, or a
/// subject with hospital stays, reads further (the counters, then one slot per assessment, income
/// year or stay, as `snapshot` always does).
contract FactRegistry is FactSignatures, AccessManaged, Pausable {
    /// @notice A hospital stay suspends benefits once it has lasted this many days by the check date.
    uint256 public constant LONG_STAY_DAYS = 30;
    uint8 private constant CATEGORY_COUNT = 5;

    mapping(bytes32 recordKey => bool) private _recorded;
    mapping(bytes32 subjectId => PayrollWord word) private _payroll;
    mapping(bytes32 subjectId => Counters) private _counters;
    mapping(bytes32 subjectId => mapping(uint256 index => StoredAssessment)) private _assessments;
    mapping(bytes32 subjectId => mapping(uint256 index => bytes32 assessmentId)) private _assessmentIds;
    /// @dev An assessment's subject, under its on-chain id: its only key-indexed slot, whose being
    /// non-zero is the "recorded" bit (a subject is never 0); its index is found in the subject's
    /// `_assessmentIds` (a revocation and `assessmentById` scan a person's few assessments).
    mapping(bytes32 assessmentId => bytes32 subjectId) private _assessmentSubject;
    mapping(bytes32 subjectId => mapping(uint256 year => uint256 amountPlusOne)) private _incomes;
    mapping(bytes32 subjectId => mapping(uint256 index => StoredStay)) private _stays;
    mapping(bytes32 subjectId => mapping(uint32 admission => uint256 indexPlusOne)) private _stayIndex;
    /// @dev How many subjects are numbered: a subject's number (in its payroll word) is assigned
    /// when the word is first written.
    uint256 private _subjectCount;

    // The record functions, one bit each: those whose AccessManager check passed for the caller of
    // the running `recordBatch` (`_batchAllowed`) skip it for the rest of the batch.
    uint256 private constant CIVIL_BIT = 1 << 0;
    uint256 private constant DEATH_BIT = 1 << 1;
    uint256 private constant ASSESSMENT_BIT = 1 << 2;
    uint256 private constant REVOCATION_BIT = 1 << 3;
    uint256 private constant INCOME_BIT = 1 << 4;
    uint256 private constant HOSPITAL_STAY_BIT = 1 << 5;

    /// @dev Transient (EIP-1153): the record functions the running batch's caller may call, each
    /// checked with the AccessManager at its first item; and how many batches this transaction ran
    /// (each batch's certifier cache is keyed by its number, `_batchId`).
    uint256 private transient _batchAllowed;
    uint256 private transient _batchCount;

    /// @dev What bounds the scans of a subject's history. One slot.
    struct Counters {
        uint16 assessmentCount;
        uint16 stayCount;
        uint16 firstIncomeYear; // 0 = no income attested
    }

    /// @dev `restricted`, unless this function's check already passed in the running batch.
    modifier restrictedRecord(uint256 bit) {
        if (_batchAllowed & bit == 0) _checkCanCall(_msgSender(), _msgData());
        _;
    }

    constructor(address authority, IOrganisationRegistry organisationRegistry)
        AccessManaged(authority)
        FactSignatures(organisationRegistry)
    {}

    // ---------------------------------------------------------------- recording

    /// @inheritdoc IFactRegistry
    function recordBatch(bytes[] calldata calls) external restricted whenNotPaused returns (uint256 recorded) {
        // recordBatch is no record function, so batches never nest: this is the only one running.
        _batchId = ++_batchCount;
        uint256 allowed;
        for (uint256 i = 0; i < calls.length; ++i) {
            bytes4 selector = calls[i].length >= 4 ? bytes4(calls[i][:4]) : bytes4(0);
            uint256 bit = _recordFunctionBit(selector);
            if (bit == 0) revert FactRegistryNotARecordCall(i, selector);
            // Each item passes the AccessManager check of its own function with the relayer's own
            // role, exactly as if sent alone: asked here at the function's first item, and skipped
            // by the later ones (`restrictedRecord`) once it passed without delay. Nothing in a
            // batch can change the AccessManager's answer: items only call this contract and view
            // the OrganisationRegistry. A function with an execution delay is checked per item.
            if (allowed & bit == 0) {
                (bool immediate,) = AuthorityUtils.canCallWithDelay(authority(), msg.sender, address(this), selector);
                if (immediate) {
                    allowed |= bit;
                    _batchAllowed = allowed;
                }
            }
            // A delegatecall to ourselves keeps msg.sender.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = address(this).delegatecall(calls[i]);
            if (ok) {
                ++recorded;
            } else {
                emit RecordRefused(i, selector, reason);
            }
        }
        _batchAllowed = 0;
        _batchId = 0;
    }

    /// @inheritdoc IFactRegistry
    function recordCivil(CivilRecord calldata record, bytes calldata signature) external restrictedRecord(CIVIL_BIT) whenNotPaused {
        _requireDate(record.recordId, record.birthDate);
        if (record.residence < 1000 || record.residence > 111999) {
            revert FactRegistryInvalidResidence(record.recordId, record.residence);
        }
        (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            _certifier(record.recordId, civilDigest(record), signature, record.signedAt);
        // Only the municipality of residence certifies a residence.
        if (org.kind != OrgKind.MUNICIPALITY || org.code != record.residence) {
            revert FactRegistryUnauthorisedCertifier(record.recordId, orgId);
        }
        _claim(CIVIL_TYPEHASH, orgId, record.recordId);
        _recordCivil(record, orgId, signer);
    }

    /// @inheritdoc IFactRegistry
    function recordDeath(DeathRecord calldata record, bytes calldata signature) external restrictedRecord(DEATH_BIT) whenNotPaused {
        _requireDate(record.recordId, record.deathDate);
        (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            _certifier(record.recordId, deathDigest(record), signature, record.signedAt);
        if (org.kind != OrgKind.MUNICIPALITY) revert FactRegistryUnauthorisedCertifier(record.recordId, orgId);
        _claim(DEATH_TYPEHASH, orgId, record.recordId);
        _recordDeath(record, orgId, signer);
    }

    /// @inheritdoc IFactRegistry
    function recordAssessment(AssessmentRecord calldata record, bytes[] calldata signatures)
        external
        restrictedRecord(ASSESSMENT_BIT)
        whenNotPaused
    {
        bytes32 id = record.assessmentId;
        // Bound to the commission: the commission id is signed, and every signer must belong to it.
        if (_assessmentSubject[assessmentKey(record.commissionId, id)] != 0) revert FactRegistryAlreadyRecorded(id);
        if (
            record.category == Category.NONE || record.percentage > 100 || record.flags & ~Flags.ALL != 0
                || record.subject == 0
        ) revert FactRegistryInvalidAssessment(id, record.category, record.percentage, record.flags);
        _requireDate(id, record.effectiveDate);
        if (record.reviewDate != 0 && (!DateLib.isValidDate(record.reviewDate) || record.reviewDate < record.effectiveDate)) {
            revert FactRegistryInvalidDate(id, record.reviewDate);
        }
        address[] memory signers = _commissionSigners(record, signatures);
        _recordAssessment(record, signers);
    }

    /// @inheritdoc IFactRegistry
    function recordRevocation(RevocationRecord calldata record, bytes calldata signature)
        external
        restrictedRecord(REVOCATION_BIT)
        whenNotPaused
    {
        bytes32 subjectId = _assessmentSubject[record.assessmentId];
        if (subjectId == 0) revert FactRegistryUnknownAssessment(record.assessmentId);
        StoredAssessment storage assessment = _assessments[subjectId][_assessmentIndex(subjectId, record.assessmentId)];
        (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            _certifier(record.recordId, revocationDigest(record), signature, record.signedAt);
        // Before "already revoked": a replay of this very revocation is "already recorded", which a
        // relayer settles as done.
        _claim(REVOCATION_TYPEHASH, orgId, record.recordId);
        if (assessment.revoked) revert FactRegistryAssessmentAlreadyRevoked(record.assessmentId);
        // The commission that issued the assessment, or INPS.
        if (orgId != assessment.commissionId && org.kind != OrgKind.INPS) {
            revert FactRegistryUnauthorisedCertifier(record.recordId, orgId);
        }
        assessment.revoked = true;
        _recomputeHead(subjectId, assessment.category);
        emit AssessmentRevoked(
            record.assessmentId, subjectId, orgId, record.recordId, record.reason, signer, record.signedAt
        );
    }

    /// @inheritdoc IFactRegistry
    function recordIncome(IncomeRecord calldata record, bytes calldata signature) external restrictedRecord(INCOME_BIT) whenNotPaused {
        if (record.year < DateLib.MIN_YEAR || record.year > DateLib.MAX_YEAR) {
            revert FactRegistryInvalidYear(record.recordId, record.year);
        }
        (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            _certifier(record.recordId, incomeDigest(record), signature, record.signedAt);
        if (org.kind != OrgKind.INPS) revert FactRegistryUnauthorisedCertifier(record.recordId, orgId);
        _claim(INCOME_TYPEHASH, orgId, record.recordId);
        _recordIncome(record, signer);
    }

    /// @inheritdoc IFactRegistry
    function recordHospitalStay(HospitalStayRecord calldata record, bytes calldata signature)
        external
        restrictedRecord(HOSPITAL_STAY_BIT)
        whenNotPaused
    {
        _requireDate(record.recordId, record.admission);
        if (record.discharge != 0 && (!DateLib.isValidDate(record.discharge) || record.discharge < record.admission)) {
            revert FactRegistryInvalidDate(record.recordId, record.discharge);
        }
        (address signer, uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            _certifier(record.recordId, hospitalStayDigest(record), signature, record.signedAt);
        if (org.kind != OrgKind.ASL) revert FactRegistryUnauthorisedCertifier(record.recordId, orgId);
        _claim(HOSPITAL_STAY_TYPEHASH, orgId, record.recordId);
        _recordHospitalStay(record, orgId, signer);
    }

    /// @inheritdoc IFactRegistry
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IFactRegistry
    function unpause() external restricted {
        _unpause();
    }

    // ---------------------------------------------------------------- reading

    /// @inheritdoc IFactRegistry
    function isRecorded(bytes32 typeHash, uint32 certifierId, bytes32 recordId) external view returns (bool) {
        if (typeHash == ASSESSMENT_TYPEHASH) return _assessmentSubject[assessmentKey(certifierId, recordId)] != 0;
        return _recorded[_recordKey(typeHash, certifierId, recordId)];
    }

    /// @inheritdoc IFactRegistry
    function assessmentKey(uint32 commissionId, bytes32 assessmentId) public pure returns (bytes32) {
        return keccak256(abi.encode(commissionId, assessmentId));
    }

    /// @inheritdoc IFactRegistry
    function subject(bytes32 subjectId) external view returns (Subject memory) {
        return _subject(subjectId);
    }

    /// @inheritdoc IFactRegistry
    function assessmentAt(bytes32 subjectId, uint256 index)
        external
        view
        returns (bytes32 assessmentId, StoredAssessment memory assessment)
    {
        return (_assessmentIds[subjectId][index], _assessments[subjectId][index]);
    }

    /// @inheritdoc IFactRegistry
    function assessmentById(bytes32 assessmentId)
        external
        view
        returns (bool exists, bytes32 subjectId, StoredAssessment memory assessment)
    {
        subjectId = _assessmentSubject[assessmentId];
        if (subjectId == 0) return (false, bytes32(0), assessment);
        return (true, subjectId, _assessments[subjectId][_assessmentIndex(subjectId, assessmentId)]);
    }

    /// @inheritdoc IFactRegistry
    function incomeOf(bytes32 subjectId, uint16 year) external view returns (bool attested, uint64 amountCents) {
        uint256 stored = _incomes[subjectId][year];
        if (stored == 0) return (false, 0);
        return (true, uint64(stored - 1));
    }

    /// @inheritdoc IFactRegistry
    function stayAt(bytes32 subjectId, uint256 index) external view returns (StoredStay memory) {
        return _stays[subjectId][index];
    }

    /// @inheritdoc IFactRegistry
    function snapshot(bytes32 subjectId, uint32 date) external view returns (FactSnapshot memory) {
        return _snapshot(subjectId, date, SnapshotNeeds.ALL);
    }

    /// @inheritdoc IFactRegistry
    function snapshotFor(bytes32 subjectId, uint32 date, uint256 needs) external view returns (FactSnapshot memory) {
        return _snapshot(subjectId, date, needs);
    }

    /// @inheritdoc IFactRegistry
    function subjectNumber(bytes32 subjectId) external view returns (uint256) {
        return _payroll[subjectId].number();
    }

    /// @inheritdoc IFactRegistry
    function factsAt(bytes32 subjectId, uint32 date, uint256 needs) external view returns (uint256) {
        return _factsAt(subjectId, date, needs, DateLib.compactFloor(date));
    }

    /// @inheritdoc IFactRegistry
    function factsAtBatch(bytes32[] calldata subjectIds, uint32 date, uint256 needs)
        external
        view
        returns (uint256[] memory words)
    {
        uint256 dateFloor = DateLib.compactFloor(date);
        words = new uint256[](subjectIds.length);
        for (uint256 i = 0; i < subjectIds.length; ++i) {
            words[i] = _factsAt(subjectIds[i], date, needs, dateFloor);
        }
    }

    // ---------------------------------------------------------------- state changes

    function _recordCivil(CivilRecord calldata record, uint32 orgId, address signer) private {
        PayrollWord word = _payroll[record.subject];
        uint32 oldResidence = word.residence();
        _payroll[record.subject] = _numbered(word).withCivil(DateLib.toCompact(record.birthDate), record.residence);
        emit CivilRecordRecorded(
            record.recordId,
            record.subject,
            orgId,
            record.birthDate,
            oldResidence,
            record.residence,
            signer,
            record.signedAt
        );
    }

    function _recordDeath(DeathRecord calldata record, uint32 orgId, address signer) private {
        PayrollWord word = _payroll[record.subject];
        uint32 oldDeathDate = DateLib.fromCompact(word.death());
        _payroll[record.subject] = _numbered(word).withDeath(DateLib.toCompact(record.deathDate));
        emit DeathRecorded(
            record.recordId, record.subject, orgId, oldDeathDate, record.deathDate, signer, record.signedAt
        );
    }

    function _recordAssessment(AssessmentRecord calldata record, address[] memory signers) private {
        Counters storage counters = _counters[record.subject];
        uint16 index = counters.assessmentCount;
        if (index == type(uint16).max) revert FactRegistrySubjectFull(record.subject);
        counters.assessmentCount = index + 1;
        _assessments[record.subject][index] = StoredAssessment({
            category: record.category,
            percentage: record.percentage,
            flags: record.flags,
            revoked: false,
            effectiveDate: record.effectiveDate,
            reviewDate: record.reviewDate,
            commissionId: record.commissionId
        });
        bytes32 key = assessmentKey(record.commissionId, record.assessmentId);
        _assessmentIds[record.subject][index] = key;
        _assessmentSubject[key] = record.subject;
        // Recorded last, it is the new head unless the head is effective later.
        PayrollWord word = _payroll[record.subject];
        uint256 category = uint256(record.category);
        uint256 effective = DateLib.toCompact(record.effectiveDate);
        // No head has effective date 0, below every real date.
        if (effective >= word.headEffective(category)) {
            _payroll[record.subject] = _numbered(word).withHead(category, effective, record.percentage, record.flags);
        }
        emit AssessmentRecorded(
            key,
            record.subject,
            record.commissionId,
            record.category,
            record.percentage,
            record.flags,
            record.effectiveDate,
            record.reviewDate,
            record.reportHash,
            signers,
            record.signedAt
        );
    }

    function _recordIncome(IncomeRecord calldata record, address signer) private {
        Counters storage counters = _counters[record.subject];
        uint256 old = _incomes[record.subject][record.year];
        _incomes[record.subject][record.year] = uint256(record.amountCents) + 1;
        if (counters.firstIncomeYear == 0 || record.year < counters.firstIncomeYear) {
            counters.firstIncomeYear = record.year;
        }
        PayrollWord word = _payroll[record.subject];
        // The latest year's income lives in the payroll word too (a replacement of it included).
        if (record.year >= word.lastIncomeYear()) {
            _payroll[record.subject] = _numbered(word).withIncome(record.year, record.amountCents);
        }
        emit IncomeRecorded(
            record.recordId,
            record.subject,
            record.year,
            old != 0,
            old == 0 ? 0 : uint64(old - 1),
            record.amountCents,
            signer,
            record.signedAt
        );
    }

    function _recordHospitalStay(HospitalStayRecord calldata record, uint32 orgId, address signer) private {
        uint256 indexPlusOne = _stayIndex[record.subject][record.admission];
        uint32 oldDischarge;
        if (indexPlusOne == 0) {
            Counters storage counters = _counters[record.subject];
            uint16 index = counters.stayCount;
            if (index == type(uint16).max) revert FactRegistrySubjectFull(record.subject);
            counters.stayCount = index + 1;
            _payroll[record.subject] = _numbered(_payroll[record.subject]).withStays();
            indexPlusOne = uint256(index) + 1;
            _stayIndex[record.subject][record.admission] = indexPlusOne;
        } else {
            oldDischarge = _stays[record.subject][indexPlusOne - 1].discharge;
        }
        _stays[record.subject][indexPlusOne - 1] = StoredStay({admission: record.admission, discharge: record.discharge});
        emit HospitalStayRecorded(
            record.recordId,
            record.subject,
            orgId,
            record.admission,
            oldDischarge,
            record.discharge,
            signer,
            record.signedAt
        );
    }

    // ---------------------------------------------------------------- checks

    /// @dev The record function's bit, 0 for any other selector.
    function _recordFunctionBit(bytes4 selector) private pure returns (uint256) {
        if (selector == this.recordCivil.selector) return CIVIL_BIT;
        if (selector == this.recordIncome.selector) return INCOME_BIT;
        if (selector == this.recordAssessment.selector) return ASSESSMENT_BIT;
        if (selector == this.recordDeath.selector) return DEATH_BIT;
        if (selector == this.recordHospitalStay.selector) return HOSPITAL_STAY_BIT;
        if (selector == this.recordRevocation.selector) return REVOCATION_BIT;
        return 0;
    }

    /// @dev The index of a recorded assessment among its subject's.
    function _assessmentIndex(bytes32 subjectId, bytes32 assessmentId) private view returns (uint256 i) {
        while (_assessmentIds[subjectId][i] != assessmentId) ++i;
    }

    /// @dev Claims the idempotency key of a record once its certifier `orgId` is known (from the
    /// verified signature): the same id from another organisation is another record.
    function _claim(bytes32 typeHash, uint32 orgId, bytes32 recordId) private {
        bytes32 key = _recordKey(typeHash, orgId, recordId);
        if (_recorded[key]) revert FactRegistryAlreadyRecorded(recordId);
        _recorded[key] = true;
    }

    function _recordKey(bytes32 typeHash, uint32 orgId, bytes32 recordId) private pure returns (bytes32) {
        return keccak256(abi.encode(typeHash, orgId, recordId));
    }

    function _requireDate(bytes32 recordId, uint32 date) private pure {
        if (!DateLib.isValidDate(date)) revert FactRegistryInvalidDate(recordId, date);
    }

    function _snapshot(bytes32 subjectId, uint32 date, uint256 needs) private view returns (FactSnapshot memory snap) {
        Subject memory s = _subject(subjectId);
        snap.hasCivilRecord = s.birthDate != 0;
        snap.birthDate = s.birthDate;
        snap.residence = s.residence;
        snap.deathDate = s.deathDate;
        _validAssessments(subjectId, s.assessmentCount, date, needs, snap.assessments);
        if (needs & SnapshotNeeds.INCOME != 0) {
            (snap.incomeAttested, snap.incomeCents) =
                _incomeForYearOrEarlier(subjectId, s.firstIncomeYear, s.lastIncomeYear, DateLib.yearOf(date));
        }
        if (needs & SnapshotNeeds.STAYS != 0) snap.longHospitalStay = _hasLongStay(subjectId, s.stayCount, date);
    }

    /// @dev Per category, the non-revoked assessment with the latest effective date on or before
    /// `date`; on equal dates the one recorded last wins, hence `>=` while scanning in order.
    function _validAssessments(
        bytes32 subjectId,
        uint256 count,
        uint32 date,
        uint256 needs,
        ValidAssessment[5] memory valid
    ) private view {
        uint256[CATEGORY_COUNT] memory bestIndex;
        uint32[CATEGORY_COUNT] memory bestDate;
        for (uint256 i = 0; i < count; ++i) {
            StoredAssessment memory a = _assessments[subjectId][i];
            uint256 category = uint256(a.category);
            if (needs & (1 << category) == 0 || a.revoked || a.effectiveDate > date) continue;
            ValidAssessment memory best = valid[category];
            if (best.exists && a.effectiveDate < bestDate[category]) continue;
            bestIndex[category] = i;
            bestDate[category] = a.effectiveDate;
            best.exists = true;
            best.percentage = a.percentage;
            best.flags = a.flags;
            best.reviewDate = a.reviewDate;
        }
        if (needs & SnapshotNeeds.ASSESSMENT_IDS == 0) return;
        for (uint256 category = 1; category < CATEGORY_COUNT; ++category) {
            if (valid[category].exists) valid[category].assessmentId = _assessmentIds[subjectId][bestIndex[category]];
        }
    }

    /// @dev The income of `year`, else of the latest earlier attested year.
    function _incomeForYearOrEarlier(bytes32 subjectId, uint256 firstYear, uint256 lastYear, uint16 year)
        private
        view
        returns (bool attested, uint64 amountCents)
    {
        if (firstYear == 0 || year < firstYear) return (false, 0);
        uint256 y = year < lastYear ? year : lastYear;
        // Bounded by lastIncomeYear - firstIncomeYear; incomes are normally attested every year.
        for (; y >= firstYear; --y) {
            uint256 stored = _incomes[subjectId][y];
            if (stored != 0) return (true, uint64(stored - 1));
        }
        return (false, 0);
    }

    function _hasLongStay(bytes32 subjectId, uint256 count, uint32 date) private view returns (bool) {
        for (uint256 i = 0; i < count; ++i) {
            StoredStay memory stay = _stays[subjectId][i];
            bool covers = stay.admission <= date && (stay.discharge == 0 || stay.discharge >= date);
            if (covers && DateLib.daysBetween(stay.admission, date) >= LONG_STAY_DAYS) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- the payroll word

    /// @dev factsAt: the payroll word answers every part it can; a part it cannot (a date before a
    /// head's effective date or before the latest income year, stays when the subject has any) is
    /// computed as `snapshot` computes it. `dateFloor` is `DateLib.compactFloor(date)`, computed once
    /// per batch: a head is effective after `date` exactly when its compact date is above it.
    function _factsAt(bytes32 subjectId, uint32 date, uint256 needs, uint256 dateFloor)
        private
        view
        returns (uint256 facts)
    {
        PayrollWord word = _payroll[subjectId];
        uint256 birth = word.birth();
        facts = FactWord.withNumber(
            FactWord.civil(birth != 0, DateLib.fromCompact(birth), word.residence(), DateLib.fromCompact(word.death())),
            word.number()
        );
        uint256 toScan;
        // c is 1-4: the shifts below stay under 256 and nothing can overflow.
        unchecked {
            for (uint256 c = 1; c < CATEGORY_COUNT; ++c) {
                if (needs & (1 << c) == 0) continue;
                (uint256 effective, uint8 percentage, uint8 flags) = word.head(c);
                // No head: no unrevoked assessment of this category on any date.
                if (effective == 0) continue;
                if (effective > dateFloor) {
                    toScan |= 1 << c;
                } else {
                    facts = FactWord.withAssessment(facts, c, percentage, flags);
                }
            }
        }
        bool needsIncome;
        uint256 lastIncomeYear = word.lastIncomeYear();
        // Never attested: nothing to read.
        if (needs & SnapshotNeeds.INCOME != 0 && lastIncomeYear != 0) {
            uint64 income = word.income();
            // MAX_INCOME stands for that much or more: the exact amount is in the history.
            if (DateLib.yearOf(date) >= lastIncomeYear && income != PayrollWordLibrary.MAX_INCOME) {
                facts = FactWord.withIncome(facts, income);
            } else {
                needsIncome = true;
            }
        }
        bool needsStays = needs & SnapshotNeeds.STAYS != 0 && word.hasStays();
        if (toScan == 0 && !needsIncome && !needsStays) return facts;
        return _factsAtFromHistory(subjectId, facts, date, toScan, needsIncome ? lastIncomeYear : 0, needsStays);
    }

    /// @dev The parts of factsAt the payroll word cannot answer: the valid assessments of the
    /// categories `toScan`, the income when `lastIncomeYear` is not 0, the stays when `needsStays`.
    function _factsAtFromHistory(
        bytes32 subjectId,
        uint256 facts,
        uint32 date,
        uint256 toScan,
        uint256 lastIncomeYear,
        bool needsStays
    ) private view returns (uint256) {
        Counters memory counters = _counters[subjectId];
        if (toScan != 0) {
            ValidAssessment[5] memory valid;
            _validAssessments(subjectId, counters.assessmentCount, date, toScan, valid);
            for (uint256 c = 1; c < CATEGORY_COUNT; ++c) {
                if (valid[c].exists) facts = FactWord.withAssessment(facts, c, valid[c].percentage, valid[c].flags);
            }
        }
        if (lastIncomeYear != 0) {
            (bool attested, uint64 amountCents) =
                _incomeForYearOrEarlier(subjectId, counters.firstIncomeYear, lastIncomeYear, DateLib.yearOf(date));
            if (attested) facts = FactWord.withIncome(facts, amountCents);
        }
        if (needsStays && _hasLongStay(subjectId, counters.stayCount, date)) facts |= FactWord.LONG_HOSPITAL_STAY;
        return facts;
    }

    /// @dev After a revocation: the head of `category` is again the unrevoked assessment with the
    /// latest effective date, recorded last on equal dates (hence `>=` scanning in order).
    function _recomputeHead(bytes32 subjectId, Category category) private {
        uint256 count = _counters[subjectId].assessmentCount;
        uint256 c = uint256(category);
        // Cleared first: with no unrevoked assessment left the category has no head.
        PayrollWord word = _payroll[subjectId].withHead(c, 0, 0, 0);
        for (uint256 i = 0; i < count; ++i) {
            StoredAssessment memory a = _assessments[subjectId][i];
            if (a.category != category || a.revoked) continue;
            uint256 effective = DateLib.toCompact(a.effectiveDate);
            if (effective >= word.headEffective(c)) word = word.withHead(c, effective, a.percentage, a.flags);
        }
        _payroll[subjectId] = word;
    }

    /// @dev `word` with a number: the next one if it has none (a subject's first record).
    function _numbered(PayrollWord word) private returns (PayrollWord) {
        if (word.number() != 0) return word;
        // 2^33 - 1 subjects before the counter could outgrow the word's field.
        return word.withNumber(++_subjectCount);
    }

    function _subject(bytes32 subjectId) private view returns (Subject memory s) {
        PayrollWord word = _payroll[subjectId];
        Counters memory counters = _counters[subjectId];
        s.birthDate = DateLib.fromCompact(word.birth());
        s.residence = word.residence();
        s.deathDate = DateLib.fromCompact(word.death());
        s.assessmentCount = counters.assessmentCount;
        s.stayCount = counters.stayCount;
        s.firstIncomeYear = counters.firstIncomeYear;
        s.lastIncomeYear = uint16(word.lastIncomeYear());
    }
}
