// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IBenefitLedger} from "../../../contracts/interfaces/IBenefitLedger.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {DateLib} from "../../../contracts/libraries/DateLib.sol";
import {EntitlementRules} from "../../../contracts/libraries/EntitlementRules.sol";
import {BenefitTerms, Category, FactSnapshot, Flags, Reason, WavePhase} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

contract BenefitLedgerTest is PAChainFixture {
    /// @dev 2023-01-01 00:00 UTC, unix seconds: the earliest fact date the fuzzers draw.
    uint256 private constant TS_2023 = 1672531200;

    // ------------------------------------------------------------ helpers

    function _assertCheck(
        bytes32 subj,
        bytes32 benefitId,
        uint32 date,
        Reason expected,
        uint64 expectedAmount,
        string memory message
    ) private view {
        (bool eligible, Reason reason, uint64 amount) = ledger.check(subj, benefitId, date);
        assertReason(reason, expected, message);
        assertEq(eligible, expected == Reason.ELIGIBLE, message);
        assertEq(amount, expectedAmount, message);
    }

    function _expectRecorded(bytes32 subj, bytes32 benefitId, uint32 period, uint64 amount) private {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IBenefitLedger.PaymentRecorded(subj, benefitId, period, amount);
    }

    function _expectRefused(bytes32 subj, bytes32 benefitId, uint32 period, Reason reason) private {
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IBenefitLedger.PaymentRefused(subj, benefitId, period, reason);
    }

    function _assertPayment(
        bytes32 subj,
        bytes32 benefitId,
        uint32 period,
        bool expectedRecorded,
        Reason expectedReason,
        uint64 expectedAmount
    ) private {
        if (expectedRecorded) _expectRecorded(subj, benefitId, period, expectedAmount);
        else _expectRefused(subj, benefitId, period, expectedReason);
        (bool recorded, Reason reason, uint64 amount) = ledger.recordPayment(subj, benefitId, period);
        assertEq(recorded, expectedRecorded, "recorded");
        assertReason(reason, expectedReason, "reason");
        assertEq(amount, expectedAmount, "amount");
        if (!expectedRecorded && expectedReason != Reason.ALREADY_PAID) {
            assertFalse(ledger.isPaid(subj, benefitId, period), "nothing recorded");
        }
        if (expectedRecorded) assertTrue(ledger.isPaid(subj, benefitId, period), "paid");
    }

    /// @dev Lucia: born 1990-03-20 in Milano, with nothing else yet.
    function _seedLucia() private {
        _recordCivil(LUCIA, 19900320, MILANO);
    }

    // ------------------------------------------------------------ check: each reason

    function test_check_eligibleGivesTheMonthlyAmountOfTheYear() public {
        _seedMario();
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "2026");
        _assertCheck(MARIO, PENSIONE, 20250615, Reason.ELIGIBLE, PENSIONE_2025, "2025");
        _assertCheck(MARIO, ACCOMPAGNAMENTO, TODAY, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2026, "accompagnamento");
        _assertCheck(MARIO, COLLOCAMENTO, TODAY, Reason.ELIGIBLE, 0, "non-monetary");
    }

    function test_entitlement_namesTheAssessmentItRestsOnAndItsReview() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.AssessmentRecord memory r =
            _assessment(MARIO, Category.CIVIL_INVALIDITY, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE, 20240101);
        r.reviewDate = 20250101;
        _recordAssessment(r);

        IBenefitLedger.Entitlement memory e = ledger.entitlement(MARIO, ACCOMPAGNAMENTO, TODAY);
        assertTrue(e.eligible, "eligible after the review date has passed");
        assertReason(e.reason, Reason.ELIGIBLE, "reason");
        assertEq(e.monthlyAmountCents, ACCOMPAGNAMENTO_2026, "amount");
        assertEq(e.assessmentId, facts.assessmentKey(r.commissionId, r.assessmentId), "assessment");
        assertEq(e.reviewDate, 20250101, "review date");

        e = ledger.entitlement(MARIO, ASSEGNO, TODAY);
        assertReason(e.reason, Reason.REQUIREMENT_NOT_MET, "assegno");
        assertEq(e.assessmentId, bytes32(0), "no assessment met");
    }

    function test_check_refusesNoCivilRecord() public {
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _recordIncome(LUCIA, 2025, 0);
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.NO_CIVIL_RECORD, 0, "no civil record");
    }

    function test_check_refusesDeceasedFromTheDayAfterDeath() public {
        _seedMario();
        _recordDeath(MARIO, 20260310);
        _assertCheck(MARIO, PENSIONE, 20260310, Reason.ELIGIBLE, PENSIONE_2026, "the day of death");
        _assertCheck(MARIO, PENSIONE, 20260311, Reason.DECEASED, 0, "the day after");
    }

    function test_check_refusesBenefitNotLiveWhenPlannedOrOutsideThePilot() public {
        _seedMario();
        catalog.setWavePhase(1, WavePhase.PLANNED, new uint16[](0));
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.BENEFIT_NOT_LIVE, 0, "planned");

        uint16[] memory milano = new uint16[](1);
        milano[0] = PROVINCE_MILANO;
        catalog.setWavePhase(1, WavePhase.PILOT, milano);
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.BENEFIT_NOT_LIVE, 0, "pilot elsewhere");

        _recordCivil(MARIO, MARIO_BIRTH, MILANO); // moves to a pilot province
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "pilot in his province");
    }

    function test_check_refusesNoValidAssessment() public {
        _seedLucia();
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.NO_VALID_ASSESSMENT, 0, "no assessment");
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20260616);
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.NO_VALID_ASSESSMENT, 0, "effective tomorrow");
    }

    function test_check_refusesNoValidAssessmentAfterRevocation() public {
        bytes32 id = _seedMario();
        _recordRevocation(id, INPS_KEY);
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.NO_VALID_ASSESSMENT, 0, "revoked");
    }

    function test_check_refusesRequirementNotMet() public {
        _seedMario();
        _assertCheck(MARIO, ASSEGNO, TODAY, Reason.REQUIREMENT_NOT_MET, 0, "100% is above the assegno range");
        _seedLucia();
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _assertCheck(LUCIA, ACCOMPAGNAMENTO, TODAY, Reason.REQUIREMENT_NOT_MET, 0, "flag missing");
    }

    function test_check_anyOfBenefitAcceptsAnyAlternative() public {
        _seedLucia();
        _recordAssessment(LUCIA, Category.HANDICAP_L104, 100, Flags.SEVERE, 20240101);
        _assertCheck(LUCIA, COLLOCAMENTO, TODAY, Reason.NO_VALID_ASSESSMENT, 0, "L104 is not accepted");
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 45, 0, 20240101);
        _assertCheck(LUCIA, COLLOCAMENTO, TODAY, Reason.REQUIREMENT_NOT_MET, 0, "45% is not enough");
        _recordAssessment(LUCIA, Category.DEAFNESS, 0, 0, 20250101);
        _assertCheck(LUCIA, COLLOCAMENTO, TODAY, Reason.ELIGIBLE, 0, "deafness is an alternative");
    }

    function test_check_refusesAgeOutOfRange() public {
        _recordCivil(LUCIA, 20080616, MILANO); // 18 tomorrow
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _recordIncome(LUCIA, 2026, 0);
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.AGE_OUT_OF_RANGE, 0, "17");
        _assertCheck(LUCIA, PENSIONE, 20260616, Reason.ELIGIBLE, PENSIONE_2026, "18");
    }

    function test_check_refusesIncomeNotAttested() public {
        _seedLucia();
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.INCOME_NOT_ATTESTED, 0, "no income");
        _recordIncome(LUCIA, 2026, 0);
        _assertCheck(LUCIA, PENSIONE, 20251231, Reason.INCOME_NOT_ATTESTED, 0, "a later year does not count");
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "attested");
    }

    function test_check_refusesIncomeAboveTheLimitOfTheYear() public {
        _seedMario();
        _recordIncome(MARIO, 2026, PENSIONE_LIMIT_2026);
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "equal to the 2026 limit");
        _recordIncome(MARIO, 2026, PENSIONE_LIMIT_2026 + 1);
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.INCOME_ABOVE_LIMIT, 0, "one cent above");
        _recordIncome(MARIO, 2025, PENSIONE_LIMIT_2025 + 1);
        _assertCheck(MARIO, PENSIONE, 20250615, Reason.INCOME_ABOVE_LIMIT, 0, "2025 against the 2025 limit");
    }

    function test_check_refusesHospitalisedOnlyForSuspendableBenefits() public {
        _seedMario();
        _recordStay(MARIO, 20260501, 0);
        _assertCheck(MARIO, ACCOMPAGNAMENTO, 20260530, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2026, "29 days");
        _assertCheck(MARIO, ACCOMPAGNAMENTO, 20260531, Reason.HOSPITALISED, 0, "30 days");
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "pensione is not suspended");
    }

    function test_check_reportsDeceasedBeforeNoValidAssessment() public {
        _seedLucia();
        _recordDeath(LUCIA, 20250101);
        _assertCheck(LUCIA, PENSIONE, TODAY, Reason.DECEASED, 0, "deceased without assessment");
    }

    function test_check_refusesAnInvalidDateOrAnUnknownBenefit() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidDate.selector, 20260229));
        ledger.check(MARIO, PENSIONE, 20260229);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidDate.selector, 202606));
        ledger.entitlement(MARIO, PENSIONE, 202606);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerUnknownBenefit.selector, UNKNOWN_BENEFIT));
        ledger.check(MARIO, UNKNOWN_BENEFIT, TODAY);
    }

    // ------------------------------------------------------------ recordPayment

    function test_recordPayment_recordsTheMonthlyAmountAndEmits() public {
        _seedMario();
        _assertPayment(MARIO, PENSIONE, 202605, true, Reason.ELIGIBLE, PENSIONE_2026);
        IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(PENSIONE, 202605);
        assertEq(total.payments, 1, "payments");
        assertEq(total.amountCents, PENSIONE_2026, "amount");
    }

    function test_recordPayment_refusesANonMonetaryBenefit() public {
        _seedMario();
        _assertPayment(MARIO, COLLOCAMENTO, 202605, false, Reason.NOT_MONETARY, 0);
    }

    function test_recordPayment_refusesAPeriodStartingAfterTheChainsDate() public {
        _seedMario();
        _assertPayment(MARIO, PENSIONE, 202607, false, Reason.PERIOD_IN_FUTURE, 0);
        _assertPayment(MARIO, PENSIONE, 202606, true, Reason.ELIGIBLE, PENSIONE_2026); // started on the 1st
        vm.warp(TODAY_TS + 16 days); // 2026-07-01 12:00 UTC
        _assertPayment(MARIO, PENSIONE, 202607, true, Reason.ELIGIBLE, PENSIONE_2026);
    }

    function test_recordPayment_refusesWhenAlreadyPaidForPeriod() public {
        _seedMario();
        ledger.recordPayment(MARIO, PENSIONE, 202605);
        _assertPayment(MARIO, PENSIONE, 202605, false, Reason.ALREADY_PAID, 0);
        assertEq(ledger.periodTotal(PENSIONE, 202605).payments, 1, "still one payment");
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202605, true, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2026);
    }

    function test_recordPayment_doublesDecemberForThirteenPayments() public {
        _seedMario();
        _assertPayment(MARIO, PENSIONE, 202512, true, Reason.ELIGIBLE, 2 * PENSIONE_2025);
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202512, true, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2025);
        _assertPayment(MARIO, PENSIONE, 202511, true, Reason.ELIGIBLE, PENSIONE_2025);
    }

    function test_recordPayment_paysArrearsUnderTheSameRules() public {
        _seedMario();
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202401, true, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2025);
        _assertPayment(MARIO, PENSIONE, 202412, false, Reason.INCOME_NOT_ATTESTED, 0);
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202312, false, Reason.NO_VALID_ASSESSMENT, 0);
    }

    function test_recordPayment_paysTheMonthOfDeathButNotTheNext() public {
        _seedMario();
        _recordDeath(MARIO, 20260310);
        _assertPayment(MARIO, PENSIONE, 202603, true, Reason.ELIGIBLE, PENSIONE_2026);
        _assertPayment(MARIO, PENSIONE, 202604, false, Reason.DECEASED, 0);
    }

    function test_recordPayment_deathOnTheFirstStillPaysThatMonth() public {
        _seedMario();
        _recordDeath(MARIO, 20260401);
        _assertPayment(MARIO, PENSIONE, 202604, true, Reason.ELIGIBLE, PENSIONE_2026);
        _assertPayment(MARIO, PENSIONE, 202605, false, Reason.DECEASED, 0);
    }

    function test_recordPayment_refusesTheReasonOfTheCheckOnTheFirstDay() public {
        _seedMario();
        _recordStay(MARIO, 20260315, 0);
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202604, true, Reason.ELIGIBLE, ACCOMPAGNAMENTO_2026); // 17 days
        _assertPayment(MARIO, ACCOMPAGNAMENTO, 202605, false, Reason.HOSPITALISED, 0); // 47 days
    }

    function test_recordPayment_refusesEveryReasonOfTheCheck() public {
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.NO_CIVIL_RECORD, 0);
        _recordCivil(LUCIA, 19900320, MILANO);
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.NO_VALID_ASSESSMENT, 0);
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 99, 0, 20240101);
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.REQUIREMENT_NOT_MET, 0);
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20250101);
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.INCOME_NOT_ATTESTED, 0);
        _recordIncome(LUCIA, 2026, PENSIONE_LIMIT_2026 + 1);
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.INCOME_ABOVE_LIMIT, 0);
        _recordIncome(LUCIA, 2026, PENSIONE_LIMIT_2026);
        uint16[] memory roma = new uint16[](1);
        roma[0] = PROVINCE_ROMA;
        catalog.setWavePhase(1, WavePhase.PILOT, roma);
        _assertPayment(LUCIA, PENSIONE, 202605, false, Reason.BENEFIT_NOT_LIVE, 0);
        catalog.setWavePhase(1, WavePhase.LIVE, new uint16[](0));
        _assertPayment(LUCIA, PENSIONE, 202605, true, Reason.ELIGIBLE, PENSIONE_2026);
        _recordCivil(LUCIA, 19590601, MILANO); // corrected birth date: 67 on 2026-06-01
        _assertPayment(LUCIA, PENSIONE, 202606, false, Reason.AGE_OUT_OF_RANGE, 0);
    }

    function test_recordPayment_refusesAnInvalidPeriodOrAnUnknownBenefit() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidPeriod.selector, 202613));
        ledger.recordPayment(MARIO, PENSIONE, 202613);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidPeriod.selector, 20260601));
        ledger.recordPayment(MARIO, PENSIONE, 20260601);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerUnknownBenefit.selector, UNKNOWN_BENEFIT));
        ledger.recordPayment(MARIO, UNKNOWN_BENEFIT, 202605);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidPeriod.selector, 202600));
        ledger.previewPayment(MARIO, PENSIONE, 202600);
    }

    function test_previewPayment_answersLikeRecordPaymentWithoutRecording() public {
        _seedMario();
        (bool payable_, Reason reason, uint64 amount) = ledger.previewPayment(MARIO, PENSIONE, 202512);
        assertTrue(payable_, "payable");
        assertReason(reason, Reason.ELIGIBLE, "reason");
        assertEq(amount, 2 * PENSIONE_2025, "amount");
        assertFalse(ledger.isPaid(MARIO, PENSIONE, 202512), "nothing recorded");
        ledger.recordPayment(MARIO, PENSIONE, 202512);
        (payable_, reason, amount) = ledger.previewPayment(MARIO, PENSIONE, 202512);
        assertFalse(payable_, "paid now");
        assertReason(reason, Reason.ALREADY_PAID, "already paid");
        assertEq(amount, 0, "no amount");
    }

    function test_periodTotal_sumsThePaymentsOfABenefitAndPeriod() public {
        _seedMario();
        _recordCivil(LUCIA, 19900320, MILANO);
        _recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        _recordIncome(LUCIA, 2026, 5_000_00);
        ledger.recordPayment(MARIO, PENSIONE, 202605);
        ledger.recordPayment(LUCIA, PENSIONE, 202605);
        ledger.recordPayment(MARIO, PENSIONE, 202604);
        ledger.recordPayment(MARIO, ACCOMPAGNAMENTO, 202605);
        IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(PENSIONE, 202605);
        assertEq(total.payments, 2, "two payments in May");
        assertEq(total.amountCents, 2 * PENSIONE_2026, "their sum");
        assertEq(ledger.periodTotal(PENSIONE, 202604).payments, 1, "April apart");
        assertEq(ledger.periodTotal(ACCOMPAGNAMENTO, 202605).amountCents, ACCOMPAGNAMENTO_2026, "by benefit");
    }

    // ------------------------------------------------------------ recordPayments

    function test_recordPayments_recordsValidItemsAndRefusesOthersWithoutReverting() public {
        _seedMario();
        IBenefitLedger.PaymentOrder[] memory orders = new IBenefitLedger.PaymentOrder[](6);
        orders[0] = IBenefitLedger.PaymentOrder(MARIO, PENSIONE, 202605);
        orders[1] = IBenefitLedger.PaymentOrder(LUCIA, PENSIONE, 202605);
        orders[2] = IBenefitLedger.PaymentOrder(MARIO, PENSIONE, 202605);
        orders[3] = IBenefitLedger.PaymentOrder(MARIO, COLLOCAMENTO, 202605);
        orders[4] = IBenefitLedger.PaymentOrder(MARIO, ACCOMPAGNAMENTO, 202605);
        orders[5] = IBenefitLedger.PaymentOrder(MARIO, PENSIONE, 202607);

        _expectRecorded(MARIO, PENSIONE, 202605, PENSIONE_2026);
        _expectRefused(LUCIA, PENSIONE, 202605, Reason.NO_CIVIL_RECORD);
        _expectRefused(MARIO, PENSIONE, 202605, Reason.ALREADY_PAID);
        _expectRefused(MARIO, COLLOCAMENTO, 202605, Reason.NOT_MONETARY);
        _expectRecorded(MARIO, ACCOMPAGNAMENTO, 202605, ACCOMPAGNAMENTO_2026);
        _expectRefused(MARIO, PENSIONE, 202607, Reason.PERIOD_IN_FUTURE);
        (uint256 count, uint256 cents) = ledger.recordPayments(orders);

        assertEq(count, 2, "recorded count");
        assertEq(cents, PENSIONE_2026 + ACCOMPAGNAMENTO_2026, "recorded cents");
        assertTrue(ledger.isPaid(MARIO, ACCOMPAGNAMENTO, 202605), "accompagnamento paid");
        assertFalse(ledger.isPaid(LUCIA, PENSIONE, 202605), "lucia not paid");
        assertEq(ledger.periodTotal(PENSIONE, 202605).payments, 1, "one pensione payment");
    }

    function test_recordPayments_revertsTheWholeBatchForAMalformedPeriod() public {
        _seedMario();
        IBenefitLedger.PaymentOrder[] memory orders = new IBenefitLedger.PaymentOrder[](2);
        orders[0] = IBenefitLedger.PaymentOrder(MARIO, PENSIONE, 202605);
        orders[1] = IBenefitLedger.PaymentOrder(MARIO, PENSIONE, 202600);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidPeriod.selector, 202600));
        ledger.recordPayments(orders);
        assertFalse(ledger.isPaid(MARIO, PENSIONE, 202605), "nothing recorded");
    }

    function test_recordPayments_ofAnEmptyBatchRecordsNothing() public {
        (uint256 count, uint256 cents) = ledger.recordPayments(new IBenefitLedger.PaymentOrder[](0));
        assertEq(count, 0, "count");
        assertEq(cents, 0, "cents");
    }

    // ------------------------------------------------------------ recordDecision

    function test_recordDecision_recordsTheOutcomeOnceAndEmits() public {
        bytes32 assessmentId = _seedMario();
        bytes32 applicationId = keccak256("application:1");
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IBenefitLedger.ApplicationDecided(
            applicationId, MARIO, PENSIONE, TODAY, true, Reason.ELIGIBLE, PENSIONE_2026, assessmentId
        );
        IBenefitLedger.Entitlement memory e = ledger.recordDecision(applicationId, MARIO, PENSIONE, TODAY);
        assertTrue(e.eligible, "eligible");
        assertEq(e.assessmentId, assessmentId, "assessment");
        assertTrue(ledger.isDecided(applicationId), "decided");

        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerAlreadyDecided.selector, applicationId));
        ledger.recordDecision(applicationId, MARIO, ACCOMPAGNAMENTO, TODAY);
    }

    function test_recordDecision_recordsARefusalWithItsReason() public {
        _seedMario();
        bytes32 applicationId = keccak256("application:2");
        vm.expectEmit(true, true, true, true, address(ledger));
        emit IBenefitLedger.ApplicationDecided(
            applicationId, MARIO, ASSEGNO, TODAY, false, Reason.REQUIREMENT_NOT_MET, 0, bytes32(0)
        );
        ledger.recordDecision(applicationId, MARIO, ASSEGNO, TODAY);
        assertTrue(ledger.isDecided(applicationId), "a refusal is a decision");
    }

    function test_recordDecision_refusesAnInvalidDateOrAnUnknownBenefit() public {
        bytes32 applicationId = keccak256("application:3");
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidDate.selector, 20261301));
        ledger.recordDecision(applicationId, MARIO, PENSIONE, 20261301);
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerUnknownBenefit.selector, UNKNOWN_BENEFIT));
        ledger.recordDecision(applicationId, MARIO, UNKNOWN_BENEFIT, TODAY);
        assertFalse(ledger.isDecided(applicationId), "not decided");
    }

    // ------------------------------------------------------------ pause and access

    function test_pause_stopsDecisionsAndPaymentsButNotChecks() public {
        _seedMario();
        ledger.pause();
        bytes memory paused = abi.encodeWithSelector(Pausable.EnforcedPause.selector);
        vm.expectRevert(paused);
        ledger.recordPayment(MARIO, PENSIONE, 202605);
        vm.expectRevert(paused);
        ledger.recordPayments(new IBenefitLedger.PaymentOrder[](0));
        vm.expectRevert(paused);
        ledger.recordDecision(keccak256("application:4"), MARIO, PENSIONE, TODAY);
        _assertCheck(MARIO, PENSIONE, TODAY, Reason.ELIGIBLE, PENSIONE_2026, "checks still answer");

        ledger.unpause();
        _assertPayment(MARIO, PENSIONE, 202605, true, Reason.ELIGIBLE, PENSIONE_2026);
    }

    function test_restrictedFunctions_refuseAnAccountWithoutTheRole() public {
        _seedMario();
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        ledger.recordPayment(MARIO, PENSIONE, 202605);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        ledger.recordPayments(new IBenefitLedger.PaymentOrder[](0));
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        ledger.recordDecision(keccak256("application:5"), MARIO, PENSIONE, TODAY);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        ledger.pause();
        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        ledger.recordPayment(MARIO, PENSIONE, 202605);
        assertFalse(ledger.isPaid(MARIO, PENSIONE, 202605), "nothing paid");
    }

    function _expectUnauthorized(address caller) private {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
    }

    // ------------------------------------------------------------ fuzz: random facts

    function _benefitAt(uint256 i) private pure returns (bytes32) {
        return [PENSIONE, ASSEGNO, ACCOMPAGNAMENTO, COLLOCAMENTO][i % 4];
    }

    /// @dev Month `i` of 2023-01 .. 2026-12 (the last six are after the chain's date).
    function _periodAt(uint256 i) private pure returns (uint32) {
        i %= 48;
        return uint32((2023 + i / 12) * 100 + i % 12 + 1);
    }

    function _dateSince2023(uint256 seed) private pure returns (uint32) {
        return DateLib.fromTimestamp(TS_2023 + seed % (TODAY_TS - TS_2023));
    }

    /// @dev Random facts about `subj`, drawn from `seed`. The draw leans towards an eligible subject
    /// and then breaks one or more steps of the rules at a time (each with odds of about 1 in 4 to
    /// 1 in 8), with values on the rules' boundaries, so that every reason comes up in a run.
    function _randomFacts(bytes32 subj, uint256 seed) private {
        uint256 r = uint256(keccak256(abi.encode(seed, subj)));
        if (r % 8 != 0) {
            // Mostly born 1960-1999; one in six out of the 18-66 range (1940-1955 or 2010-2011).
            uint256 birthYear = (r >> 8) % 6 == 0 ? [1940, 1955, 2010, 2011][(r >> 12) % 4] : 1960 + (r >> 16) % 40;
            uint32 birth = uint32(birthYear * 10000 + ((r >> 24) % 12 + 1) * 100 + (r >> 32) % 28 + 1);
            _recordCivil(subj, birth, (r >> 40) & 1 == 0 ? ROMA : MILANO);
        }
        uint8[6] memory percentages = [uint8(45), 73, 74, 99, 100, 100];
        uint256 assessmentCount = (r >> 48) % 8 == 0 ? 0 : 1 + (r >> 52) % 2;
        for (uint256 i = 0; i < assessmentCount; ++i) {
            uint256 a = uint256(keccak256(abi.encode(r, "assessment", i)));
            // Mostly effective in early 2023, before the periods drawn; else any day since.
            uint32 effective = (a >> 24) % 4 == 0 ? _dateSince2023(a >> 32) : DateLib.fromTimestamp(TS_2023 + (a >> 32) % 150 days);
            bytes32 id = _recordAssessment(
                subj,
                a % 8 == 0 ? Category.DEAFNESS : Category.CIVIL_INVALIDITY,
                percentages[(a >> 8) % 6],
                (a >> 16) % 4 == 0 ? 0 : Flags.NEEDS_CONTINUOUS_ASSISTANCE,
                effective
            );
            if ((a >> 128) % 6 == 0) _recordRevocation(id, INPS_KEY);
        }
        uint64[6] memory incomes =
            [uint64(0), 300_000, ASSEGNO_LIMIT_2025, ASSEGNO_LIMIT_2025 + 1, PENSIONE_LIMIT_2026, PENSIONE_LIMIT_2026 + 1];
        for (uint16 year = 2023; year <= 2026; ++year) {
            uint256 y = uint256(keccak256(abi.encode(r, "income", year)));
            if (y % 4 != 0) _recordIncome(subj, year, incomes[(y >> 8) % 6]);
        }
        if ((r >> 56) % 5 == 0) _recordDeath(subj, _dateSince2023(r >> 64));
        if ((r >> 96) % 4 == 0) {
            uint256 admissionTs = TS_2023 + (r >> 104) % (TODAY_TS - TS_2023);
            uint256 stayDays = (r >> 144) % 90;
            bool open = (r >> 160) & 1 == 0;
            _recordStay(
                subj, DateLib.fromTimestamp(admissionTs), open ? 0 : DateLib.fromTimestamp(admissionTs + stayDays * 1 days)
            );
        }
        if ((r >> 168) % 8 == 0) {
            uint16[] memory roma = new uint16[](1);
            roma[0] = PROVINCE_ROMA;
            catalog.setWavePhase(1, WavePhase.PILOT, roma);
        }
    }

    /// @dev The ledger reads only the snapshot parts a benefit's rules need; its answer must be the
    /// rules' answer on the full snapshot, assessment included.
    function testFuzz_check_agreesWithTheRulesOnTheFullSnapshot(uint256 factSeed, uint8 benefitIndex, uint256 dateSeed)
        public
    {
        _randomFacts(LUCIA, factSeed);
        bytes32 benefitId = _benefitAt(benefitIndex);
        uint32 date = _dateSince2023(dateSeed);
        FactSnapshot memory snap = facts.snapshot(LUCIA, date);
        BenefitTerms memory t = catalog.terms(benefitId, date);
        bool live = catalog.isLive(t.wave, uint16(snap.residence / 1000));
        EntitlementRules.Outcome memory expected = EntitlementRules.evaluate(snap, t, live, date);

        (bool eligible, Reason reason, uint64 amount) = ledger.check(LUCIA, benefitId, date);
        assertReason(reason, expected.reason, "reason");
        assertEq(eligible, expected.reason == Reason.ELIGIBLE, "eligible");
        assertEq(amount, expected.monthlyAmountCents, "amount");
        IBenefitLedger.Entitlement memory e = ledger.entitlement(LUCIA, benefitId, date);
        assertReason(e.reason, expected.reason, "entitlement reason");
        bytes32 expectedId = expected.category == 0 ? bytes32(0) : snap.assessments[expected.category].assessmentId;
        assertEq(e.assessmentId, expectedId, "assessment it rests on");
    }

    /// @dev Whatever the facts and the period: a payment is recorded exactly when the benefit is
    /// monetary, the period has started and check(first day) was ELIGIBLE just before; its amount
    /// is the monthly amount, doubled in December for 13 payments; otherwise the reason is the
    /// first of those that failed and nothing is recorded.
    function testFuzz_recordPayment_neverPaysWithoutEligibleCheck(uint256 factSeed, uint8 benefitIndex, uint8 periodIndex)
        public
    {
        _randomFacts(LUCIA, factSeed);
        bytes32 benefitId = _benefitAt(benefitIndex);
        uint32 period = _periodAt(periodIndex);
        uint32 firstDay = DateLib.firstDayOf(period);
        (bool eligible, Reason checkReason, uint64 monthly) = ledger.check(LUCIA, benefitId, firstDay);
        bool monetary = benefitId != COLLOCAMENTO;
        bool started = firstDay <= TODAY;

        (bool recorded, Reason reason, uint64 amount) = ledger.recordPayment(LUCIA, benefitId, period);

        assertEq(ledger.isPaid(LUCIA, benefitId, period), recorded, "isPaid iff recorded");
        assertEq(recorded, monetary && started && eligible, "recorded iff monetary, started and eligible");
        IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(benefitId, period);
        if (recorded) {
            bool thirteenth = benefitId != ACCOMPAGNAMENTO && period % 100 == 12;
            assertReason(reason, Reason.ELIGIBLE, "reason");
            assertTrue(monthly > 0, "a monetary benefit has an amount");
            assertEq(amount, thirteenth ? 2 * monthly : monthly, "amount");
            assertEq(total.payments, 1, "total payments");
            assertEq(total.amountCents, amount, "total amount");
        } else {
            Reason expected = !monetary ? Reason.NOT_MONETARY : !started ? Reason.PERIOD_IN_FUTURE : checkReason;
            assertReason(reason, expected, "refusal reason");
            assertEq(amount, 0, "no amount");
            assertEq(total.payments, 0, "no payment");
            assertEq(total.amountCents, 0, "no total");
        }
    }

    /// @dev Random orders (few subjects, benefits and periods, so repeats abound), the first half
    /// as one batch and the rest one by one: each (subject, benefit, period) is paid at most once,
    /// every repeat is refused ALREADY_PAID, and the period totals equal the sum of the amounts recorded.
    function testFuzz_recordPayment_neverPaysTwice(uint256 factSeed, uint256 orderSeed, uint8 orderCount) public {
        _neverPaysTwice(factSeed, orderSeed, orderCount, false);
    }

    /// @dev The same with the batch sent packed as runs (`recordPaymentRuns`): same answers.
    function testFuzz_recordPaymentRuns_neverPaysTwice(uint256 factSeed, uint256 orderSeed, uint8 orderCount) public {
        _neverPaysTwice(factSeed, orderSeed, orderCount, true);
    }

    function _neverPaysTwice(uint256 factSeed, uint256 orderSeed, uint8 orderCount, bool asRuns) private {
        _seedMario();
        _recordIncome(MARIO, 2024, 500_000);
        _randomFacts(LUCIA, factSeed);
        orderCount = uint8(bound(orderCount, 1, 16));
        IBenefitLedger.PaymentOrder[] memory orders = new IBenefitLedger.PaymentOrder[](orderCount);
        uint256[] memory slots = new uint256[](orderCount);
        for (uint256 i = 0; i < orderCount; ++i) {
            slots[i] = uint256(keccak256(abi.encode(orderSeed, i))) % 16;
            orders[i] = _orderForSlot(slots[i]);
        }
        uint64[16] memory paid; // per (subject, benefit, period) slot: amount recorded + 1, 0 = unpaid
        uint64[8] memory totals; // per (benefit, period): sum of the amounts recorded

        // The batch: the expectation is previewed item by item, remembering what the batch itself pays.
        uint256 batchLength = orderCount / 2;
        IBenefitLedger.PaymentOrder[] memory batch = new IBenefitLedger.PaymentOrder[](batchLength);
        uint256 expectedCount;
        uint256 expectedCents;
        for (uint256 i = 0; i < batchLength; ++i) {
            batch[i] = orders[i];
            (bool payable_,, uint64 amount) = ledger.previewPayment(orders[i].subject, orders[i].benefitId, orders[i].period);
            if (!payable_ || paid[slots[i]] != 0) continue;
            paid[slots[i]] = amount + 1;
            totals[slots[i] % 8] += amount;
            ++expectedCount;
            expectedCents += amount;
        }
        (uint256 count, uint256 cents) =
            asRuns ? ledger.recordPaymentRuns(_runsOf(batch)) : ledger.recordPayments(batch);
        assertEq(count, expectedCount, "batch count: a repeat inside the batch is not paid twice");
        assertEq(cents, expectedCents, "batch cents");

        for (uint256 i = batchLength; i < orderCount; ++i) {
            (bool recorded, Reason reason, uint64 amount) =
                ledger.recordPayment(orders[i].subject, orders[i].benefitId, orders[i].period);
            if (paid[slots[i]] != 0) {
                assertFalse(recorded, "never twice");
                assertReason(reason, Reason.ALREADY_PAID, "repeat");
            } else if (recorded) {
                paid[slots[i]] = amount + 1;
                totals[slots[i] % 8] += amount;
            }
        }

        for (uint256 slot = 0; slot < 16; ++slot) {
            IBenefitLedger.PaymentOrder memory o = _orderForSlot(slot);
            assertEq(ledger.isPaid(o.subject, o.benefitId, o.period), paid[slot] != 0, "isPaid");
        }
        for (uint256 k = 0; k < 8; ++k) {
            IBenefitLedger.PaymentOrder memory o = _orderForSlot(k);
            IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(o.benefitId, o.period);
            uint256 expectedPayments = (paid[k] != 0 ? 1 : 0) + (paid[k + 8] != 0 ? 1 : 0);
            assertEq(total.payments, expectedPayments, "payments per period");
            assertEq(total.amountCents, totals[k], "total = sum of recorded amounts");
        }
    }

    /// @dev Slot 0-15 = subject (MARIO, LUCIA) x benefit (PENSIONE, ACCOMPAGNAMENTO) x period; slot % 8
    /// is the (benefit, period) pair.
    function _orderForSlot(uint256 slot) private pure returns (IBenefitLedger.PaymentOrder memory) {
        uint32[4] memory periods = [uint32(202412), 202501, 202605, 202606];
        return IBenefitLedger.PaymentOrder(
            slot < 8 ? MARIO : LUCIA, (slot / 4) % 2 == 0 ? PENSIONE : ACCOMPAGNAMENTO, periods[slot % 4]
        );
    }

    /// @dev Several subjects with random facts paid for one period: each benefit's total is the sum
    /// of the amounts recordPayment returned, and the number of payments is the number recorded.
    function testFuzz_periodTotal_equalsTheSumOfRecordedAmounts(uint256 factSeed, uint8 periodIndex) public {
        uint32 period = _periodAt(bound(periodIndex, 0, 41)); // 2023-01 .. 2026-06
        uint256[4] memory sums;
        uint256[4] memory counts;
        for (uint256 s = 0; s < 5; ++s) {
            bytes32 subj = keccak256(abi.encode("subject", s));
            _randomFacts(subj, factSeed);
            for (uint256 b = 0; b < 3; ++b) {
                (bool recorded,, uint64 amount) = ledger.recordPayment(subj, _benefitAt(b), period);
                if (recorded) {
                    sums[b] += amount;
                    ++counts[b];
                }
            }
        }
        for (uint256 b = 0; b < 3; ++b) {
            IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(_benefitAt(b), period);
            assertEq(total.payments, counts[b], "payments");
            assertEq(total.amountCents, sums[b], "sum of recorded amounts");
        }
    }

    /// @dev The read API's call: for every benefit of the catalog, in catalog order, exactly what
    /// `entitlement` answers, whatever the facts and the date.
    function testFuzz_entitlements_equalsEntitlementOfEveryBenefit(uint256 factSeed, uint256 dateSeed) public {
        _randomFacts(LUCIA, factSeed);
        uint32 date = _dateSince2023(dateSeed);
        bytes32[] memory benefitIds = catalog.benefitIds();
        IBenefitLedger.Entitlement[] memory list = ledger.entitlements(LUCIA, date);
        assertEq(list.length, benefitIds.length, "one answer per benefit");
        assertTrue(list.length >= 4, "the fixture's benefits");
        for (uint256 i = 0; i < benefitIds.length; ++i) {
            IBenefitLedger.Entitlement memory e = ledger.entitlement(LUCIA, benefitIds[i], date);
            assertEq(list[i].eligible, e.eligible, "eligible");
            assertReason(list[i].reason, e.reason, "reason");
            assertEq(list[i].monthlyAmountCents, e.monthlyAmountCents, "monthly amount");
            assertEq(list[i].assessmentId, e.assessmentId, "assessment");
            assertEq(list[i].reviewDate, e.reviewDate, "review date");
        }
    }

    function test_entitlements_revertsOnAnInvalidDate() public {
        vm.expectRevert(abi.encodeWithSelector(IBenefitLedger.BenefitLedgerInvalidDate.selector, uint32(20260230)));
        ledger.entitlements(MARIO, 20260230);
    }

    /// @dev An empty run pays nothing and checks nothing, as `recordPayments` of no orders.
    function test_recordPaymentRuns_skipsAnEmptyRun() public {
        IBenefitLedger.PaymentRun[] memory runs = new IBenefitLedger.PaymentRun[](1);
        runs[0] = IBenefitLedger.PaymentRun(keccak256("NO_SUCH_BENEFIT"), 202613, new bytes32[](0));
        (uint256 count, uint256 cents) = ledger.recordPaymentRuns(runs);
        assertEq(count, 0, "nothing recorded");
        assertEq(cents, 0, "no amount");
    }
}
