// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IBenefitCatalog} from "../../../contracts/interfaces/IBenefitCatalog.sol";
import {BenefitTerms, Category, Flags, WavePhase} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

contract BenefitCatalogTest is PAChainFixture {
    bytes32 private constant NEW_BENEFIT = keccak256("SORDI_INDENNITA_COMUNICAZIONE");

    function _sordi() private pure returns (IBenefitCatalog.BenefitRule memory) {
        return _rule(2, true, 12, 0, 255, false, false, _oneRequirement(Category.DEAFNESS, 0, 100, 0));
    }

    function _stored(IBenefitCatalog.BenefitRule memory rule, uint256 packed, uint16 firstYear, uint16 lastYear)
        private
        pure
        returns (IBenefitCatalog.StoredBenefit memory)
    {
        return IBenefitCatalog.StoredBenefit({
            exists: true,
            wave: rule.wave,
            monetary: rule.monetary,
            paymentsPerYear: rule.paymentsPerYear,
            minAge: rule.minAge,
            maxAgeExclusive: rule.maxAgeExclusive,
            suspendedByLongHospitalStay: rule.suspendedByLongHospitalStay,
            hasIncomeLimit: rule.hasIncomeLimit,
            requirementCount: uint8(rule.requirements.length),
            firstYear: firstYear,
            lastYear: lastYear,
            requirements: packed
        });
    }

    function _provinces(uint16 a) private pure returns (uint16[] memory p) {
        p = new uint16[](1);
        p[0] = a;
    }

    function _provinces(uint16 a, uint16 b) private pure returns (uint16[] memory p) {
        p = new uint16[](2);
        (p[0], p[1]) = (a, b);
    }

    // ------------------------------------------------------------ defineBenefit

    function test_defineBenefit_storesTheRuleUnderTheHashOfItsCodeAndEmits() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        IBenefitCatalog.StoredBenefit memory empty;
        uint256 packed = uint256(uint8(Category.DEAFNESS)) | (100 << 16);
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.BenefitDefined(NEW_BENEFIT, "SORDI_INDENNITA_COMUNICAZIONE", empty, _stored(rule, packed, 0, 0));
        bytes32 id = catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", rule);

        assertEq(id, NEW_BENEFIT, "id = keccak256(code)");
        IBenefitCatalog.StoredBenefit memory b = catalog.benefit(id);
        assertTrue(b.exists, "exists");
        assertEq(b.wave, 2, "wave");
        assertEq(b.paymentsPerYear, 12, "payments");
        assertEq(b.maxAgeExclusive, 255, "no max age");
        assertEq(b.requirementCount, 1, "requirements");
        assertEq(b.requirements, packed, "packed requirement");
        assertEq(bytes(catalog.benefitCode(id)).length, 29, "code kept");
        bytes32[] memory ids = catalog.benefitIds();
        assertEq(ids.length, 5, "four seeded + one");
        assertEq(ids[4], id, "in definition order");
    }

    function test_defineBenefit_packsAnyOfAlternativesInOrder() public view {
        IBenefitCatalog.StoredBenefit memory b = catalog.benefit(COLLOCAMENTO);
        assertEq(b.requirementCount, 3, "three alternatives");
        uint256 expected = (1 | (46 << 8) | (100 << 16)) | ((2 | (100 << 16)) << 32) | ((3 | (100 << 16)) << 64);
        assertEq(b.requirements, expected, "packed 32 bits each");
    }

    function test_defineBenefit_replacesARuleKeepingItsYearsAndItsPlace() public {
        IBenefitCatalog.StoredBenefit memory old = catalog.benefit(PENSIONE);
        IBenefitCatalog.BenefitRule memory rule =
            _rule(1, true, 13, 18, 68, false, true, _oneRequirement(Category.CIVIL_INVALIDITY, 100, 100, 0));
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.BenefitDefined(PENSIONE, "INV_PENSIONE_INABILITA", old, _stored(rule, old.requirements, 2025, 2026));
        catalog.defineBenefit("INV_PENSIONE_INABILITA", rule);

        IBenefitCatalog.StoredBenefit memory b = catalog.benefit(PENSIONE);
        assertEq(b.maxAgeExclusive, 68, "new rule");
        assertEq(b.firstYear, 2025, "first year kept");
        assertEq(b.lastYear, 2026, "last year kept");
        assertEq(catalog.benefitIds().length, 4, "not listed twice");
        assertEq(catalog.terms(PENSIONE, 20260101).monthlyAmountCents, PENSIONE_2026, "amounts kept");
    }

    function test_defineBenefit_refusesAnInvalidWave() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        rule.wave = 0;
        _expectInvalidRule(rule);
        rule.wave = 4;
        _expectInvalidRule(rule);
    }

    function test_defineBenefit_refusesPaymentsPerYearInconsistentWithMonetary() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        rule.paymentsPerYear = 0;
        _expectInvalidRule(rule);
        rule.paymentsPerYear = 11;
        _expectInvalidRule(rule);
        rule.paymentsPerYear = 14;
        _expectInvalidRule(rule);
        rule.monetary = false;
        rule.paymentsPerYear = 12;
        _expectInvalidRule(rule);
    }

    function test_defineBenefit_refusesAnEmptyAgeRange() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        (rule.minAge, rule.maxAgeExclusive) = (18, 18);
        _expectInvalidRule(rule);
        (rule.minAge, rule.maxAgeExclusive) = (67, 18);
        _expectInvalidRule(rule);
        (rule.minAge, rule.maxAgeExclusive) = (255, 255);
        _expectInvalidRule(rule);
    }

    function test_defineBenefit_refusesNoneOrMoreThanEightRequirements() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        rule.requirements = new IBenefitCatalog.Requirement[](0);
        _expectInvalidRule(rule);

        rule.requirements = new IBenefitCatalog.Requirement[](9);
        for (uint256 i = 0; i < 9; ++i) {
            rule.requirements[i] = IBenefitCatalog.Requirement(Category.DEAFNESS, 0, 100, 0);
        }
        _expectInvalidRule(rule);

        IBenefitCatalog.Requirement[] memory eight = new IBenefitCatalog.Requirement[](8);
        for (uint256 i = 0; i < 8; ++i) {
            eight[i] = rule.requirements[i];
        }
        rule.requirements = eight;
        catalog.defineBenefit("EIGHT_ALTERNATIVES", rule);
        assertEq(catalog.benefit(keccak256("EIGHT_ALTERNATIVES")).requirementCount, 8, "eight is the maximum");
    }

    function test_defineBenefit_refusesAnInvalidRequirementNamingItsIndex() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        rule.requirements = new IBenefitCatalog.Requirement[](2);
        rule.requirements[0] = IBenefitCatalog.Requirement(Category.DEAFNESS, 0, 100, 0);

        rule.requirements[1] = IBenefitCatalog.Requirement(Category.NONE, 0, 100, 0);
        _expectInvalidRequirement(rule, 1);
        rule.requirements[1] = IBenefitCatalog.Requirement(Category.BLINDNESS, 0, 101, 0);
        _expectInvalidRequirement(rule, 1);
        rule.requirements[1] = IBenefitCatalog.Requirement(Category.BLINDNESS, 60, 59, 0);
        _expectInvalidRequirement(rule, 1);
        rule.requirements[1] = IBenefitCatalog.Requirement(Category.BLINDNESS, 0, 100, Flags.ALL + 1);
        _expectInvalidRequirement(rule, 1);
    }

    function _expectInvalidRule(IBenefitCatalog.BenefitRule memory rule) private {
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidRule.selector, NEW_BENEFIT));
        catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", rule);
    }

    function _expectInvalidRequirement(IBenefitCatalog.BenefitRule memory rule, uint256 index) private {
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidRequirement.selector, NEW_BENEFIT, index)
        );
        catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", rule);
    }

    // ------------------------------------------------------------ setYearTerms

    function test_setYearTerms_storesTheYearAndEmitsOldAndNew() public {
        catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", _sordi());
        IBenefitCatalog.YearTerms memory none;
        IBenefitCatalog.YearTerms memory first = IBenefitCatalog.YearTerms(true, 26783, 0);
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.YearTermsSet(NEW_BENEFIT, 2025, none, first);
        catalog.setYearTerms(NEW_BENEFIT, 2025, 26783, 0);

        IBenefitCatalog.YearTerms memory revalued = IBenefitCatalog.YearTerms(true, 26800, 0);
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.YearTermsSet(NEW_BENEFIT, 2025, first, revalued);
        catalog.setYearTerms(NEW_BENEFIT, 2025, 26800, 0);

        assertEq(catalog.yearTerms(NEW_BENEFIT, 2025).monthlyAmountCents, 26800, "replaced");
        assertEq(catalog.benefit(NEW_BENEFIT).firstYear, 2025, "first year");
        catalog.setYearTerms(NEW_BENEFIT, 2027, 1, 0);
        catalog.setYearTerms(NEW_BENEFIT, 2020, 1, 0);
        assertEq(catalog.benefit(NEW_BENEFIT).firstYear, 2020, "first year moves back");
        assertEq(catalog.benefit(NEW_BENEFIT).lastYear, 2027, "last year moves on");
    }

    function test_setYearTerms_refusesAnUnknownBenefit() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogUnknownBenefit.selector, UNKNOWN_BENEFIT));
        catalog.setYearTerms(UNKNOWN_BENEFIT, 2026, 1, 1);
    }

    function test_setYearTerms_refusesAYearOutsideTheCalendar() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidYear.selector, 1899));
        catalog.setYearTerms(PENSIONE, 1899, 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidYear.selector, 2200));
        catalog.setYearTerms(PENSIONE, 2200, 1, 1);
    }

    // ------------------------------------------------------------ terms

    function test_terms_copiesTheRuleAndTheAmountsOfTheYear() public view {
        BenefitTerms memory t = catalog.terms(PENSIONE, 20250615);
        assertTrue(t.exists, "exists");
        assertEq(t.wave, 1, "wave");
        assertEq(uint256(t.wavePhase), uint256(WavePhase.LIVE), "phase");
        assertTrue(t.monetary, "monetary");
        assertTrue(t.hasIncomeLimit, "income limit");
        assertFalse(t.suspendedByLongHospitalStay, "not suspended");
        assertEq(t.paymentsPerYear, 13, "13 payments");
        assertEq(t.minAge, 18, "min age");
        assertEq(t.maxAgeExclusive, 67, "max age");
        assertEq(t.monthlyAmountCents, PENSIONE_2025, "2025 amount");
        assertEq(t.incomeLimitCents, PENSIONE_LIMIT_2025, "2025 limit");
        assertEq(catalog.terms(PENSIONE, 20260101).monthlyAmountCents, PENSIONE_2026, "2026 amount");
        assertEq(catalog.terms(PENSIONE, 20261231).incomeLimitCents, PENSIONE_LIMIT_2026, "2026 limit");
    }

    function test_terms_usesTheLatestEarlierYearAfterTheLastAndTheFirstYearBeforeIt() public view {
        assertEq(catalog.terms(PENSIONE, 20300101).monthlyAmountCents, PENSIONE_2026, "after the last year");
        assertEq(catalog.terms(PENSIONE, 19900101).monthlyAmountCents, PENSIONE_2025, "before the first year");
    }

    function test_terms_skipsYearsWithoutTerms() public {
        catalog.setYearTerms(PENSIONE, 2028, 40000, 1);
        assertEq(catalog.terms(PENSIONE, 20270615).monthlyAmountCents, PENSIONE_2026, "2027 falls back to 2026");
        assertEq(catalog.terms(PENSIONE, 20280615).monthlyAmountCents, 40000, "2028");
        assertEq(catalog.terms(PENSIONE, 21990615).monthlyAmountCents, 40000, "far future");
    }

    function test_terms_hasZeroAmountsWithoutAnyYearAndNothingForAnUnknownBenefit() public view {
        BenefitTerms memory t = catalog.terms(COLLOCAMENTO, 20260615);
        assertTrue(t.exists, "exists");
        assertEq(t.monthlyAmountCents, 0, "no amount");
        assertFalse(catalog.terms(UNKNOWN_BENEFIT, 20260615).exists, "unknown");
    }

    /// @dev Terms for a random subset of 2020-2030 (amount = year); any year of the calendar gets
    /// the amount of its own year, else of the latest earlier one, else of the first.
    function testFuzz_terms_fallsBackToTheLatestEarlierYearElseTheFirst(uint16 yearsMask, uint256 queryYear) public {
        yearsMask = uint16(bound(yearsMask, 1, 0x7ff)); // at least one of the 11 years
        catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", _sordi());
        uint16 firstYear;
        for (uint16 i = 0; i < 11; ++i) {
            if (yearsMask & (1 << i) == 0) continue;
            catalog.setYearTerms(NEW_BENEFIT, 2020 + i, 2020 + i, 0);
            if (firstYear == 0) firstYear = 2020 + i;
        }
        queryYear = bound(queryYear, 1900, 2199);
        uint256 expected = firstYear;
        for (uint256 y = 2020; y <= 2030 && y <= queryYear; ++y) {
            if (yearsMask & (1 << (y - 2020)) != 0) expected = y;
        }
        uint32 date = uint32(queryYear * 10000 + 615);
        assertEq(catalog.terms(NEW_BENEFIT, date).monthlyAmountCents, expected, "amount in force");
    }

    // ------------------------------------------------------------ setWavePhase / isLive

    function test_setWavePhase_pilotIsLiveOnlyInItsProvincesAndEmits() public {
        uint16[] memory provinces = _provinces(PROVINCE_ROMA, 1);
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.WavePhaseChanged(2, WavePhase.PLANNED, WavePhase.PILOT, provinces);
        catalog.setWavePhase(2, WavePhase.PILOT, provinces);

        assertTrue(catalog.isLive(2, PROVINCE_ROMA), "Roma in the pilot");
        assertTrue(catalog.isLive(2, 1), "Torino in the pilot");
        assertFalse(catalog.isLive(2, PROVINCE_MILANO), "Milano not in the pilot");
        assertTrue(catalog.isLive(3, PROVINCE_MILANO), "wave 3 is LIVE everywhere");
        (WavePhase phase, uint16[] memory listed) = catalog.wavePhase(2);
        assertEq(uint256(phase), uint256(WavePhase.PILOT), "phase");
        assertEq(listed.length, 2, "pilot list");
        assertEq(listed[0], PROVINCE_ROMA, "first province");
    }

    function test_setWavePhase_newPilotListReplacesTheOldOne() public {
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(PROVINCE_ROMA));
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(PROVINCE_MILANO));
        assertFalse(catalog.isLive(2, PROVINCE_ROMA), "old pilot province dropped");
        assertTrue(catalog.isLive(2, PROVINCE_MILANO), "new pilot province");
    }

    function test_setWavePhase_oldPilotListIsIrrelevantAfterAnotherPhase() public {
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(PROVINCE_ROMA));
        vm.expectEmit(true, true, true, true, address(catalog));
        emit IBenefitCatalog.WavePhaseChanged(2, WavePhase.PILOT, WavePhase.LIVE, new uint16[](0));
        catalog.setWavePhase(2, WavePhase.LIVE, new uint16[](0));
        assertTrue(catalog.isLive(2, PROVINCE_MILANO), "LIVE everywhere");
        (, uint16[] memory listed) = catalog.wavePhase(2);
        assertEq(listed.length, 0, "list cleared");

        catalog.setWavePhase(2, WavePhase.PLANNED, new uint16[](0));
        assertFalse(catalog.isLive(2, PROVINCE_ROMA), "PLANNED: old pilot province not live");

        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(PROVINCE_MILANO));
        assertFalse(catalog.isLive(2, PROVINCE_ROMA), "new pilot: the old one is not back");
    }

    function test_isLive_isFalseForAPlannedWave() public view {
        assertFalse(catalog.isLive(2, PROVINCE_ROMA), "wave 2 is PLANNED");
        assertFalse(catalog.isLive(0, PROVINCE_ROMA), "no wave 0");
    }

    function test_setWavePhase_refusesAnInvalidWave() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidWave.selector, 0));
        catalog.setWavePhase(0, WavePhase.LIVE, new uint16[](0));
        vm.expectRevert(abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidWave.selector, 4));
        catalog.setWavePhase(4, WavePhase.LIVE, new uint16[](0));
    }

    function test_setWavePhase_refusesAPilotWithoutProvinces() public {
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidPilot.selector, 2, WavePhase.PILOT, 0)
        );
        catalog.setWavePhase(2, WavePhase.PILOT, new uint16[](0));
    }

    function test_setWavePhase_refusesProvincesOutsideAPilot() public {
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidPilot.selector, 2, WavePhase.LIVE, 1)
        );
        catalog.setWavePhase(2, WavePhase.LIVE, _provinces(PROVINCE_ROMA));
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidPilot.selector, 2, WavePhase.PLANNED, 1)
        );
        catalog.setWavePhase(2, WavePhase.PLANNED, _provinces(PROVINCE_ROMA));
    }

    function test_setWavePhase_refusesProvincesOutside1To111() public {
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidPilot.selector, 2, WavePhase.PILOT, 2)
        );
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(PROVINCE_ROMA, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IBenefitCatalog.BenefitCatalogInvalidPilot.selector, 2, WavePhase.PILOT, 1)
        );
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(112));
        catalog.setWavePhase(2, WavePhase.PILOT, _provinces(111));
        assertTrue(catalog.isLive(2, 111), "111 is a province");
    }

    // ------------------------------------------------------------ access

    function test_governanceFunctions_refuseAnAccountWithoutTheGovernanceRole() public {
        IBenefitCatalog.BenefitRule memory rule = _sordi();
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        catalog.defineBenefit("SORDI_INDENNITA_COMUNICAZIONE", rule);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        catalog.setYearTerms(PENSIONE, 2026, 1, 1);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        catalog.setWavePhase(2, WavePhase.LIVE, new uint16[](0));
        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        catalog.setYearTerms(PENSIONE, 2026, 1, 1);
    }

    function _expectUnauthorized(address caller) private {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
    }
}
