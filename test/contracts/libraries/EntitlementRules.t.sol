// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {EntitlementRules} from "../../../contracts/libraries/EntitlementRules.sol";
import {
    BenefitTerms,
    Category,
    FactSnapshot,
    Flags,
    Reason,
    ValidAssessment,
    WavePhase
} from "../../../contracts/types/PATypes.sol";
import {Assertions} from "../utils/Assertions.sol";

/// @notice RULES.md check() as the pure library sees it: hand-built snapshots and terms.
contract EntitlementRulesTest is Assertions {
    uint32 private constant DATE = 20260615;
    uint32 private constant BIRTH_1970 = 19700510; // 56 on DATE
    uint64 private constant AMOUNT = 34071; // euro cents
    uint64 private constant LIMIT = 2002955; // euro cents
    uint8 private constant CI = uint8(Category.CIVIL_INVALIDITY);
    uint8 private constant BLIND = uint8(Category.BLINDNESS);
    uint8 private constant DEAF = uint8(Category.DEAFNESS);
    uint8 private constant L104 = uint8(Category.HANDICAP_L104);

    // ------------------------------------------------------------ builders

    function _req(uint8 category, uint8 minPct, uint8 maxPct, uint8 flags) private pure returns (uint256) {
        return uint256(category) | (uint256(minPct) << 8) | (uint256(maxPct) << 16) | (uint256(flags) << 24);
    }

    /// @dev INV_PENSIONE_INABILITA 2026: civil invalidity 100%, ages 18-66, income limit, 13 payments.
    function _pensione() private pure returns (BenefitTerms memory t) {
        t.exists = true;
        t.wave = 1;
        t.wavePhase = WavePhase.LIVE;
        t.monetary = true;
        t.hasIncomeLimit = true;
        t.paymentsPerYear = 13;
        t.minAge = 18;
        t.maxAgeExclusive = 67;
        t.requirementCount = 1;
        t.requirements = _req(CI, 100, 100, 0);
        t.monthlyAmountCents = AMOUNT;
        t.incomeLimitCents = LIMIT;
    }

    /// @dev INV_INDENNITA_ACCOMPAGNAMENTO: 100% with NEEDS_CONTINUOUS_ASSISTANCE, no ages, suspendable.
    function _accompagnamento() private pure returns (BenefitTerms memory t) {
        t.exists = true;
        t.wave = 1;
        t.monetary = true;
        t.suspendedByLongHospitalStay = true;
        t.paymentsPerYear = 12;
        t.minAge = 0;
        t.maxAgeExclusive = EntitlementRules.NO_MAX_AGE;
        t.requirementCount = 1;
        t.requirements = _req(CI, 100, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE);
        t.monthlyAmountCents = 55153;
    }

    /// @dev L68_COLLOCAMENTO_MIRATO: anyOf CI 46-100 | BLINDNESS | DEAFNESS, ages 15-66, non-monetary.
    function _collocamento() private pure returns (BenefitTerms memory t) {
        t.exists = true;
        t.wave = 3;
        t.minAge = 15;
        t.maxAgeExclusive = 67;
        t.requirementCount = 3;
        t.requirements = _req(CI, 46, 100, 0) | (_req(BLIND, 0, 100, 0) << 32) | (_req(DEAF, 0, 100, 0) << 64);
    }

    /// @dev Alive, born 1970, civil invalidity 100% needing assistance, income 10,000 euro, not in hospital.
    function _eligibleSnapshot() private pure returns (FactSnapshot memory s) {
        s.hasCivilRecord = true;
        s.birthDate = BIRTH_1970;
        s.residence = 58091;
        s.assessments[CI] = _valid(100, Flags.NEEDS_CONTINUOUS_ASSISTANCE, bytes32("ci"));
        s.incomeAttested = true;
        s.incomeCents = 1_000_000;
    }

    function _valid(uint8 percentage, uint8 flags, bytes32 id) private pure returns (ValidAssessment memory) {
        return ValidAssessment({exists: true, percentage: percentage, flags: flags, reviewDate: 0, assessmentId: id});
    }

    function _reason(FactSnapshot memory s, BenefitTerms memory t, bool live, uint32 date)
        private
        pure
        returns (Reason)
    {
        return EntitlementRules.evaluate(s, t, live, date).reason;
    }

    function _assertReason(Reason actual, Reason expected, string memory message) private pure {
        assertEq(uint256(actual), uint256(expected), message);
    }

    // ------------------------------------------------------------ each reason, RULES.md order

    function test_evaluate_eligibleGivesMonthlyAmountAndMetCategory() public pure {
        EntitlementRules.Outcome memory o = EntitlementRules.evaluate(_eligibleSnapshot(), _pensione(), true, DATE);
        _assertReason(o.reason, Reason.ELIGIBLE, "reason");
        assertEq(o.monthlyAmountCents, AMOUNT, "monthly amount");
        assertEq(o.category, CI, "category");
    }

    function test_evaluate_eligibleToNonMonetaryBenefitGivesZeroAmount() public pure {
        BenefitTerms memory t = _collocamento();
        t.monthlyAmountCents = 999; // ignored: not monetary
        EntitlementRules.Outcome memory o = EntitlementRules.evaluate(_eligibleSnapshot(), t, true, DATE);
        _assertReason(o.reason, Reason.ELIGIBLE, "reason");
        assertEq(o.monthlyAmountCents, 0, "amount");
    }

    function test_evaluate_refusedOutcomeCarriesNoAmountNorCategory() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.incomeCents = LIMIT + 1;
        EntitlementRules.Outcome memory o = EntitlementRules.evaluate(s, _pensione(), true, DATE);
        _assertReason(o.reason, Reason.INCOME_ABOVE_LIMIT, "reason");
        assertEq(o.monthlyAmountCents, 0, "amount");
        assertEq(o.category, 0, "category");
    }

    function test_evaluate_refusesNoCivilRecord() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.hasCivilRecord = false;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.NO_CIVIL_RECORD, "no civil record");
    }

    function test_evaluate_refusesDeceasedOnlyWhenDeathIsStrictlyBeforeTheDate() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.deathDate = 20260614;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.DECEASED, "died the day before");
        s.deathDate = DATE;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "died on the date");
        s.deathDate = 20260616;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "dies later");
    }

    function test_evaluate_refusesBenefitNotLive() public pure {
        _assertReason(_reason(_eligibleSnapshot(), _pensione(), false, DATE), Reason.BENEFIT_NOT_LIVE, "not live");
    }

    function test_evaluate_refusesNoValidAssessment() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI].exists = false;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.NO_VALID_ASSESSMENT, "no assessment");
    }

    function test_evaluate_refusesNoValidAssessmentWhenOnlyAnotherCategoryIsAssessed() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI].exists = false;
        s.assessments[BLIND] = _valid(100, Flags.BLIND_ABSOLUTE, bytes32("blind"));
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.NO_VALID_ASSESSMENT, "blindness is not accepted");
    }

    function test_evaluate_refusesRequirementNotMetWhenPercentageOutsideRange() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI].percentage = 99;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.REQUIREMENT_NOT_MET, "99% for a 100% benefit");
        s.assessments[CI].percentage = 73;
        BenefitTerms memory assegno = _pensione();
        assegno.requirements = _req(CI, 74, 99, 0);
        _assertReason(_reason(s, assegno, true, DATE), Reason.REQUIREMENT_NOT_MET, "73% below 74");
        s.assessments[CI].percentage = 74;
        _assertReason(_reason(s, assegno, true, DATE), Reason.ELIGIBLE, "74% is the minimum, inclusive");
        s.assessments[CI].percentage = 99;
        _assertReason(_reason(s, assegno, true, DATE), Reason.ELIGIBLE, "99% is the maximum, inclusive");
        s.assessments[CI].percentage = 100;
        _assertReason(_reason(s, assegno, true, DATE), Reason.REQUIREMENT_NOT_MET, "100% above 99");
    }

    function test_evaluate_refusesRequirementNotMetWhenARequiredFlagIsMissing() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI].flags = Flags.SEVERE; // other flags do not stand in for the required one
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.REQUIREMENT_NOT_MET, "flag missing");
        s.assessments[CI].flags = Flags.ALL;
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.ELIGIBLE, "extra flags are fine");
    }

    function test_evaluate_refusesAgeOutOfRange() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.birthDate = 20080616; // 17 on DATE, 18 the day after
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.AGE_OUT_OF_RANGE, "17");
        s.birthDate = 20080615;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "18 today");
        s.birthDate = 19590615;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.AGE_OUT_OF_RANGE, "67 today");
        s.birthDate = 19590616;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "66, 67 tomorrow");
    }

    function test_evaluate_refusesAgeOutOfRangeBeforeBirth() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.birthDate = 20260616;
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.AGE_OUT_OF_RANGE, "not yet born");
        s.birthDate = DATE;
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.ELIGIBLE, "born today, minAge 0");
    }

    function test_evaluate_refusesIncomeNotAttested() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.incomeAttested = false;
        s.incomeCents = 0;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.INCOME_NOT_ATTESTED, "no income");
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.ELIGIBLE, "no income limit");
    }

    function test_evaluate_refusesIncomeAboveLimitButAcceptsEqual() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.incomeCents = LIMIT;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "equal to the limit");
        s.incomeCents = LIMIT + 1;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.INCOME_ABOVE_LIMIT, "one cent above");
    }

    function test_evaluate_refusesHospitalisedOnlyForSuspendableBenefits() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.longHospitalStay = true;
        _assertReason(_reason(s, _accompagnamento(), true, DATE), Reason.HOSPITALISED, "accompagnamento");
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.ELIGIBLE, "pensione is not suspended");
    }

    function test_evaluate_reportsDeceasedBeforeNoValidAssessment() public pure {
        FactSnapshot memory s;
        s.hasCivilRecord = true;
        s.birthDate = BIRTH_1970;
        s.deathDate = 20250101;
        _assertReason(_reason(s, _pensione(), true, DATE), Reason.DECEASED, "deceased, no assessment");
    }

    // ------------------------------------------------------------ order of reasons

    /// @dev Each bit of `failures` breaks one step of RULES.md (bit 0 = step 1); the reason must be
    /// the one of the lowest broken step, whatever else is broken.
    function testFuzz_evaluate_reportsTheFirstFailingStep(uint16 failures) public pure {
        failures &= 0x1ff;
        FactSnapshot memory s = _eligibleSnapshot();
        bool live = true;
        if (failures & (1 << 0) != 0) s.hasCivilRecord = false;
        if (failures & (1 << 1) != 0) s.deathDate = 20200101;
        if (failures & (1 << 2) != 0) live = false;
        if (failures & (1 << 3) != 0) s.assessments[CI].exists = false;
        if (failures & (1 << 4) != 0) s.assessments[CI].flags = 0;
        if (failures & (1 << 5) != 0) s.birthDate = 20200101;
        if (failures & (1 << 6) != 0) s.incomeAttested = false;
        if (failures & (1 << 7) != 0) s.incomeCents = type(uint64).max;
        if (failures & (1 << 8) != 0) s.longHospitalStay = true;
        BenefitTerms memory t = _accompagnamento();
        t.hasIncomeLimit = true;
        t.incomeLimitCents = LIMIT;
        t.minAge = 18;

        Reason[9] memory order = [
            Reason.NO_CIVIL_RECORD,
            Reason.DECEASED,
            Reason.BENEFIT_NOT_LIVE,
            Reason.NO_VALID_ASSESSMENT,
            Reason.REQUIREMENT_NOT_MET,
            Reason.AGE_OUT_OF_RANGE,
            Reason.INCOME_NOT_ATTESTED,
            Reason.INCOME_ABOVE_LIMIT,
            Reason.HOSPITALISED
        ];
        Reason expected = Reason.ELIGIBLE;
        for (uint256 i = 0; i < 9; ++i) {
            if (failures & (1 << i) != 0) {
                expected = order[i];
                break;
            }
        }
        _assertReason(_reason(s, t, live, DATE), expected, "first failing step");
    }

    // ------------------------------------------------------------ ages

    /// @dev Age `age` on DATE exactly (on the birthday) or `age - 1` (the birthday is tomorrow).
    function testFuzz_evaluate_ageBoundaries(uint8 minAge, uint8 maxAgeExclusive, uint256 age, bool birthdayTomorrow)
        public
        pure
    {
        age = bound(age, 1, 126); // born 1900 at the earliest
        uint32 birth = uint32((2026 - age) * 10000 + (birthdayTomorrow ? 616 : 615));
        uint256 fullYears = birthdayTomorrow ? age - 1 : age;
        bool expected = fullYears >= minAge && (maxAgeExclusive == 255 || fullYears < maxAgeExclusive);
        assertEq(EntitlementRules.isAgeInRange(birth, DATE, minAge, maxAgeExclusive), expected, "isAgeInRange");

        FactSnapshot memory s = _eligibleSnapshot();
        s.birthDate = birth;
        BenefitTerms memory t = _accompagnamento();
        t.minAge = minAge;
        t.maxAgeExclusive = maxAgeExclusive;
        _assertReason(
            _reason(s, t, true, DATE), expected ? Reason.ELIGIBLE : Reason.AGE_OUT_OF_RANGE, "evaluate"
        );
    }

    function test_isAgeInRange_minInclusiveMaxExclusiveAnd255MeansNoLimit() public pure {
        // 18 on DATE.
        assertTrue(EntitlementRules.isAgeInRange(20080615, DATE, 18, 67), "min inclusive");
        assertFalse(EntitlementRules.isAgeInRange(20080615, DATE, 19, 67), "below min");
        assertFalse(EntitlementRules.isAgeInRange(20080615, DATE, 0, 18), "max exclusive");
        assertTrue(EntitlementRules.isAgeInRange(20080615, DATE, 0, 19), "below max");
        assertTrue(EntitlementRules.isAgeInRange(19000101, DATE, 0, 255), "126 years old, no upper limit");
        assertFalse(EntitlementRules.isAgeInRange(19000101, DATE, 0, 126), "126 is at a limit of 126");
    }

    // ------------------------------------------------------------ income

    function testFuzz_evaluate_incomeAtOrBelowLimitPassesAboveFails(uint64 limit, uint64 income, bool attested)
        public
        pure
    {
        FactSnapshot memory s = _eligibleSnapshot();
        s.incomeAttested = attested;
        s.incomeCents = attested ? income : 0;
        BenefitTerms memory t = _pensione();
        t.incomeLimitCents = limit;
        Reason expected =
            !attested ? Reason.INCOME_NOT_ATTESTED : income > limit ? Reason.INCOME_ABOVE_LIMIT : Reason.ELIGIBLE;
        _assertReason(_reason(s, t, true, DATE), expected, "with a limit");

        t.hasIncomeLimit = false;
        _assertReason(_reason(s, t, true, DATE), Reason.ELIGIBLE, "without a limit income does not matter");
    }

    function testFuzz_evaluate_incomeEqualToLimitPassesOneCentMoreFails(uint64 limit) public pure {
        limit = uint64(bound(limit, 0, type(uint64).max - 1)); // `limit + 1` must fit
        FactSnapshot memory s = _eligibleSnapshot();
        BenefitTerms memory t = _pensione();
        t.incomeLimitCents = limit;
        s.incomeCents = limit;
        _assertReason(_reason(s, t, true, DATE), Reason.ELIGIBLE, "equal");
        s.incomeCents = limit + 1;
        _assertReason(_reason(s, t, true, DATE), Reason.INCOME_ABOVE_LIMIT, "one cent more");
    }

    // ------------------------------------------------------------ hospital

    function testFuzz_evaluate_hospitalSuspendsOnlySuspendableBenefits(bool suspendable, bool longStay) public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.longHospitalStay = longStay;
        BenefitTerms memory t = _accompagnamento();
        t.suspendedByLongHospitalStay = suspendable;
        Reason expected = suspendable && longStay ? Reason.HOSPITALISED : Reason.ELIGIBLE;
        _assertReason(_reason(s, t, true, DATE), expected, "hospital");
    }

    // ------------------------------------------------------------ anyOf

    function test_evaluate_anyOfRefusesNoValidAssessmentWhenNoAcceptedCategoryIsAssessed() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI].exists = false;
        s.assessments[L104] = _valid(100, Flags.SEVERE, bytes32("l104"));
        _assertReason(_reason(s, _collocamento(), true, DATE), Reason.NO_VALID_ASSESSMENT, "L104 only");
    }

    function test_evaluate_anyOfRefusesRequirementNotMetWhenAnAcceptedCategoryFallsShort() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI] = _valid(45, 0, bytes32("ci45"));
        _assertReason(_reason(s, _collocamento(), true, DATE), Reason.REQUIREMENT_NOT_MET, "CI 45%");
    }

    function test_evaluate_anyOfIsMetByALaterAlternative() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI] = _valid(45, 0, bytes32("ci45"));
        s.assessments[DEAF] = _valid(0, 0, bytes32("deaf"));
        EntitlementRules.Outcome memory o = EntitlementRules.evaluate(s, _collocamento(), true, DATE);
        _assertReason(o.reason, Reason.ELIGIBLE, "deafness meets it");
        assertEq(o.category, DEAF, "the deafness assessment is the one met");
    }

    function test_evaluate_anyOfReportsTheFirstAlternativeMet() public pure {
        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments[CI] = _valid(46, 0, bytes32("ci46"));
        s.assessments[BLIND] = _valid(100, Flags.BLIND_ABSOLUTE, bytes32("blind"));
        EntitlementRules.Outcome memory o = EntitlementRules.evaluate(s, _collocamento(), true, DATE);
        _assertReason(o.reason, Reason.ELIGIBLE, "eligible");
        assertEq(o.category, CI, "first alternative in rule order");
    }

    /// @dev Random alternatives and assessments against a plain reading of RULES.md step 4-5.
    function testFuzz_matchRequirements_anyOfSemantics(
        uint8 count,
        uint256 requirementSeed,
        uint8 existsMask,
        uint256 percentageSeed,
        uint256 flagSeed
    ) public pure {
        count = uint8(bound(count, 1, 8));
        ValidAssessment[5] memory assessments;
        for (uint256 c = 1; c <= 4; ++c) {
            if (existsMask & (1 << c) == 0) continue;
            assessments[c] = _valid(
                uint8((percentageSeed >> (8 * c)) % 101), uint8(flagSeed >> (8 * c)) & Flags.ALL, bytes32(c)
            );
        }
        uint256 packed;
        bool anyAccepted;
        bool anyMet;
        uint8 firstMet;
        for (uint256 i = 0; i < count; ++i) {
            uint256 seed = uint256(keccak256(abi.encode(requirementSeed, i)));
            uint8 category = uint8(1 + seed % 4);
            uint8 a = uint8((seed >> 8) % 101);
            uint8 b = uint8((seed >> 16) % 101);
            (uint8 minPct, uint8 maxPct) = a <= b ? (a, b) : (b, a);
            uint8 flags = uint8(seed >> 24) & uint8(seed >> 32) & Flags.ALL; // sparse masks
            packed |= _req(category, minPct, maxPct, flags) << (32 * i);

            ValidAssessment memory v = assessments[category];
            if (!v.exists) continue;
            anyAccepted = true;
            bool met = v.percentage >= minPct && v.percentage <= maxPct && (v.flags & flags) == flags;
            if (met && !anyMet) {
                anyMet = true;
                firstMet = category;
            }
        }
        (bool anyValid, uint8 metCategory) = EntitlementRules.matchRequirements(assessments, packed, count);
        assertEq(anyValid, anyAccepted, "some accepted category has a valid assessment");
        assertEq(metCategory, firstMet, "category of the first alternative met");

        FactSnapshot memory s = _eligibleSnapshot();
        s.assessments = assessments;
        BenefitTerms memory t = _accompagnamento();
        t.requirementCount = count;
        t.requirements = packed;
        Reason expected =
            !anyAccepted ? Reason.NO_VALID_ASSESSMENT : !anyMet ? Reason.REQUIREMENT_NOT_MET : Reason.ELIGIBLE;
        _assertReason(_reason(s, t, true, DATE), expected, "evaluate");
    }

    // ------------------------------------------------------------ paymentAmount

    function test_paymentAmount_doublesDecemberOnlyForThirteenPayments() public pure {
        assertEq(EntitlementRules.paymentAmount(AMOUNT, 13, 202612), 2 * AMOUNT, "13 payments, December");
        assertEq(EntitlementRules.paymentAmount(AMOUNT, 13, 202611), AMOUNT, "13 payments, November");
        assertEq(EntitlementRules.paymentAmount(AMOUNT, 13, 202601), AMOUNT, "13 payments, January");
        assertEq(EntitlementRules.paymentAmount(AMOUNT, 12, 202612), AMOUNT, "12 payments, December");
        assertEq(EntitlementRules.paymentAmount(0, 0, 202612), 0, "non-monetary");
    }

    function testFuzz_paymentAmount_doublesOnlyDecemberOfThirteen(uint64 monthly, uint8 paymentsPerYear, uint256 period)
        public
        pure
    {
        monthly = uint64(bound(monthly, 0, type(uint64).max / 2));
        period = bound(period, 0, 2199 * 100 + 99);
        period = (period / 100) * 100 + 1 + (period % 100) % 12; // a real month
        uint64 amount = EntitlementRules.paymentAmount(monthly, paymentsPerYear, uint32(period));
        bool december = period % 100 == 12;
        assertEq(amount, december && paymentsPerYear == 13 ? 2 * monthly : monthly, "amount");
    }
}
