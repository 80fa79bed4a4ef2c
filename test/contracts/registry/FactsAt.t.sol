// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {DateLib} from "../../../contracts/libraries/DateLib.sol";
import {FactWord} from "../../../contracts/libraries/FactWord.sol";
import {Category, FactSnapshot, Flags, SnapshotNeeds} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";

/// @notice `factsAt` answers from the payroll word where it can and falls back to the scans of
/// `snapshot` where it cannot: whatever the history, it must equal the snapshot's FactWord.
contract FactsAtTest is PAChainFixture {
    /// @dev Dates the histories and the queries draw from: few, so ties and exact hits abound.
    function _date(uint256 seed) private pure returns (uint32) {
        uint32[12] memory dates = [
            uint32(20191231),
            20200101,
            20210615,
            20220101,
            20230301,
            20230301,
            20240229,
            20250101,
            20250615,
            20260101,
            20260601,
            20270101
        ];
        return dates[seed % 12];
    }

    /// @dev A random history for `subj`: civil records (maybe none, maybe a move), a death,
    /// assessments of three categories with ties and revocations, incomes of scattered years in any
    /// order (some replaced), hospital stays (some discharged later).
    function _randomHistory(bytes32 subj, uint256 seed) private {
        uint256 r = uint256(keccak256(abi.encode(seed, "history")));
        if (r % 8 != 0) {
            _recordCivil(subj, uint32(19500101 + ((r >> 8) % 60) * 10000 + ((r >> 16) % 12) * 100), ROMA);
            if ((r >> 24) % 4 == 0) _recordCivil(subj, 19800229, MILANO);
        }
        if ((r >> 32) % 5 == 0) _recordDeath(subj, _date(r >> 40));
        uint256 count = (r >> 48) % 6;
        bytes32[] memory ids = new bytes32[](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 a = uint256(keccak256(abi.encode(r, "assessment", i)));
            ids[i] = _recordAssessment(
                subj, Category(1 + a % 3), uint8((a >> 8) % 101), uint8(a >> 16) & Flags.ALL, _date(a >> 24)
            );
        }
        for (uint256 i = 0; i < count; ++i) {
            if (uint256(keccak256(abi.encode(r, "revoke", i))) % 3 == 0) _recordRevocation(ids[i], INPS_KEY);
        }
        uint256 incomes = (r >> 64) % 5;
        for (uint256 i = 0; i < incomes; ++i) {
            uint256 y = uint256(keccak256(abi.encode(r, "income", i)));
            // Now and then an income beyond the payroll word's 40 bits, which the history answers.
            _recordIncome(subj, uint16(2019 + y % 8), (y >> 200) % 4 == 0 ? uint64(y >> 8) : uint64((y >> 8) % 3_000_000));
        }
        uint256 stays = (r >> 72) % 4 == 0 ? 1 + (r >> 76) % 2 : 0;
        for (uint256 i = 0; i < stays; ++i) {
            uint256 st = uint256(keccak256(abi.encode(r, "stay", i)));
            uint32 admission = _date(st);
            _recordStay(subj, admission, 0);
            if ((st >> 8) % 2 == 0) _recordStay(subj, admission, 20271231);
        }
    }

    function testFuzz_factsAt_equalsTheWordOfTheSnapshot(uint256 seed, uint256 dateSeed, uint256 needsSeed) public {
        _randomHistory(LUCIA, seed);
        for (uint256 q = 0; q < 8; ++q) {
            uint256 d = uint256(keccak256(abi.encode(dateSeed, q)));
            // A drawn date, or a day before or after one.
            uint32 date = d % 3 == 0 ? _date(d >> 8) : DateLib.fromTimestamp(1577836800 + (d >> 8) % 2700 days);
            uint256 needs = uint256(keccak256(abi.encode(needsSeed, q))) & (SnapshotNeeds.ALL & ~SnapshotNeeds.ASSESSMENT_IDS);
            FactSnapshot memory snap = facts.snapshotFor(LUCIA, date, needs);
            uint256 word = facts.factsAt(LUCIA, date, needs);
            // The snapshot's word plus the subject's number, which only factsAt carries.
            assertEq(word, FactWord.withNumber(FactWord.fromSnapshot(snap), facts.subjectNumber(LUCIA)), "factsAt = snapshot");
            assertEq(FactWord.number(word), facts.subjectNumber(LUCIA), "factsAt carries the number");
            bytes32[] memory subjects = new bytes32[](3);
            (subjects[0], subjects[1], subjects[2]) = (MARIO, LUCIA, LUCIA);
            uint256[] memory words = facts.factsAtBatch(subjects, date, needs);
            assertEq(words.length, 3, "one word per subject");
            assertEq(words[0], facts.factsAt(MARIO, date, needs), "factsAtBatch = factsAt, no history");
            assertEq(words[1], word, "factsAtBatch = factsAt");
            assertEq(words[2], word, "factsAtBatch = factsAt, repeated");
        }
    }

    function testFuzz_subject_keepsTheCountersAndCivilFacts(uint256 seed) public {
        _randomHistory(LUCIA, seed);
        IFactRegistry.Subject memory s = facts.subject(LUCIA);
        FactSnapshot memory snap = facts.snapshot(LUCIA, 20270101);
        assertEq(s.birthDate, snap.birthDate, "birth date");
        assertEq(s.residence, snap.residence, "residence");
        assertEq(s.deathDate, snap.deathDate, "death date");
        uint256 assessments;
        while (true) {
            (bytes32 id,) = facts.assessmentAt(LUCIA, assessments);
            if (id == bytes32(0)) break;
            ++assessments;
        }
        assertEq(s.assessmentCount, assessments, "assessment count");
        if (s.lastIncomeYear != 0) {
            (bool attested, uint64 amount) = facts.incomeOf(LUCIA, s.lastIncomeYear);
            assertTrue(attested, "the last income year is attested");
            (bool laterAttested,) = facts.incomeOf(LUCIA, s.lastIncomeYear + 1);
            assertFalse(laterAttested, "no later year");
            FactSnapshot memory later = facts.snapshotFor(LUCIA, (uint32(s.lastIncomeYear) + 1) * 10000 + 101, SnapshotNeeds.INCOME);
            assertEq(later.incomeCents, amount, "a later date reads the last year's income");
            (bool firstAttested,) = facts.incomeOf(LUCIA, s.firstIncomeYear);
            assertTrue(firstAttested, "the first income year is attested");
        } else {
            assertEq(s.firstIncomeYear, 0, "no income at all");
        }
    }

    /// @dev Subjects are numbered 1, 2, … in the order of their first record, whatever its kind;
    /// later records keep the number, and a subject with no record has none.
    function test_subjectNumber_isAssignedAtTheFirstRecordAndKept() public {
        assertEq(facts.subjectNumber(MARIO), 0, "no record, no number");
        _recordIncome(LUCIA, 2025, 1_000_000);
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20230101);
        _recordCivil(LUCIA, 19800229, MILANO);
        assertEq(facts.subjectNumber(LUCIA), 1, "first recorded, by an income");
        assertEq(facts.subjectNumber(MARIO), 2, "second recorded");
        assertEq(FactWord.number(facts.factsAt(MARIO, TODAY, SnapshotNeeds.ALL)), 2, "in the FactWord");
    }

    /// @dev An income beyond the payroll word's 40 bits reaches the rules exactly, from the history.
    function test_factsAt_anIncomeBeyondTheWordIsReadExactly() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordIncome(MARIO, 2025, type(uint64).max);
        _recordIncome(MARIO, 2026, uint64(1) << 40);
        assertEq(FactWord.incomeCents(facts.factsAt(MARIO, 20260601, SnapshotNeeds.INCOME)), uint64(1) << 40, "this year");
        assertEq(FactWord.incomeCents(facts.factsAt(MARIO, 20250601, SnapshotNeeds.INCOME)), type(uint64).max, "last year");
    }

    /// @dev The payroll word keeps each category's head through a revocation of it: the next head is
    /// the latest effective unrevoked one, recorded last on ties.
    function test_factsAt_revokingTheHeadFallsBackToThePreviousAssessment() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20230101);
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 90, 0, 20230101);
        bytes32 head = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _assertPercentage(TODAY, 100, "the latest effective");
        _assertPercentage(20230615, 90, "before it, the tie recorded last");
        _recordRevocation(head, INPS_KEY);
        _assertPercentage(TODAY, 90, "after the revocation, the tie recorded last");
    }

    function _assertPercentage(uint32 date, uint8 expected, string memory message) private view {
        (bool exists, uint8 percentage,) =
            FactWord.assessment(facts.factsAt(MARIO, date, 1 << uint8(Category.CIVIL_INVALIDITY)), 1);
        assertTrue(exists, message);
        assertEq(percentage, expected, message);
    }
}
