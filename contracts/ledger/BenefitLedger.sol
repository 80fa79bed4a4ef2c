// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IBenefitCatalog} from "../interfaces/IBenefitCatalog.sol";
import {IBenefitLedger} from "../interfaces/IBenefitLedger.sol";
import {IFactRegistry} from "../interfaces/IFactRegistry.sol";
import {DateLib} from "../libraries/DateLib.sol";
import {EntitlementRules} from "../libraries/EntitlementRules.sol";
import {FactWord} from "../libraries/FactWord.sol";
import {BenefitTerms, FactSnapshot, Reason, SnapshotNeeds, WavePhase} from "../types/PATypes.sol";

/// @title BenefitLedger
/// @notice Computes entitlements from the FactRegistry and the BenefitCatalog, records INPS
/// decisions, and records monthly payments only when the rules back them.
/// @dev Payments are bitmaps per (benefit, period) across people: each person has a dense number in
/// the FactRegistry (`subjectNumber`, assigned at their first record and kept in their payroll word,
/// so the FactWord a payment reads carries it) and bit `number & 0xff` of word `number >> 8` of the
/// (benefit, period)'s bitmap is their payment. A payroll in the order the people were numbered sets
/// 256 payments' bits in one slot: after the first, a payment's write is warm, and a new slot (the
/// first month) is shared by 256 payments instead of one per person. A payroll is paid in runs
/// (consecutive payments of one benefit and period): a run loads the terms once, reads its subjects'
/// facts as FactWords with one call (`FactRegistry.factsAtBatch`, one cold slot per subject in the
/// usual case: the facts and the number), runs the rules on the stack and adds to the period total once.
contract BenefitLedger is IBenefitLedger, AccessManaged, Pausable {
    IFactRegistry public immutable facts;
    IBenefitCatalog public immutable catalog;

    // Bit (number & 0xff) of _paid[keccak256(benefitId, period)][number >> 8], number = the subject's
    // number in the FactRegistry: the first key is the same for a whole run.
    mapping(bytes32 benefitPeriod => mapping(uint256 word => uint256 bits)) private _paid;
    mapping(bytes32 benefitId => mapping(uint32 period => PeriodTotal)) private _totals;
    mapping(bytes32 applicationId => bool) private _decided;

    constructor(address authority, IFactRegistry factRegistry, IBenefitCatalog benefitCatalog)
        AccessManaged(authority)
    {
        facts = factRegistry;
        catalog = benefitCatalog;
    }

    /// @inheritdoc IBenefitLedger
    function check(bytes32 subject, bytes32 benefitId, uint32 date)
        external
        view
        returns (bool eligible, Reason reason, uint64 monthlyAmountCents)
    {
        _requireDate(date);
        BenefitTerms memory t = _terms(benefitId, date);
        (reason,) = _reasonAt(subject, t, date, EntitlementRules.snapshotNeeds(t));
        eligible = reason == Reason.ELIGIBLE;
        if (eligible && t.monetary) monthlyAmountCents = t.monthlyAmountCents;
    }

    /// @inheritdoc IBenefitLedger
    function entitlement(bytes32 subject, bytes32 benefitId, uint32 date) external view returns (Entitlement memory) {
        _requireDate(date);
        return _evaluate(subject, _terms(benefitId, date), date, SnapshotNeeds.ASSESSMENT_IDS);
    }

    /// @inheritdoc IBenefitLedger
    function entitlements(bytes32 subject, uint32 date) external view returns (Entitlement[] memory list) {
        _requireDate(date);
        bytes32[] memory benefitIds = catalog.benefitIds();
        // Every part for every benefit: a snapshot's parts do not depend on which others are asked.
        FactSnapshot memory snap = facts.snapshotFor(subject, date, SnapshotNeeds.ALL);
        list = new Entitlement[](benefitIds.length);
        for (uint256 i = 0; i < benefitIds.length; ++i) {
            list[i] = _entitlementOf(snap, _terms(benefitIds[i], date), date);
        }
    }

    /// @inheritdoc IBenefitLedger
    function previewPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        view
        returns (bool payable_, Reason reason, uint64 amountCents)
    {
        PaymentRunContext memory run = _runContext(benefitId, period);
        (reason,,,) = _assessPayment(run, _factsOf(run, subject));
        payable_ = reason == Reason.ELIGIBLE;
        if (payable_) amountCents = run.amountCents;
    }

    /// @inheritdoc IBenefitLedger
    function recordDecision(bytes32 applicationId, bytes32 subject, bytes32 benefitId, uint32 date)
        external
        restricted
        whenNotPaused
        returns (Entitlement memory e)
    {
        if (_decided[applicationId]) revert BenefitLedgerAlreadyDecided(applicationId);
        return _decide(applicationId, subject, benefitId, date);
    }

    /// @inheritdoc IBenefitLedger
    function recordDecisions(DecisionOrder[] calldata orders) external restricted whenNotPaused returns (uint256 decided) {
        for (uint256 i = 0; i < orders.length; ++i) {
            DecisionOrder calldata order = orders[i];
            if (_decided[order.applicationId]) continue;
            _decide(order.applicationId, order.subject, order.benefitId, order.date);
            ++decided;
        }
    }

    /// @inheritdoc IBenefitLedger
    function recordPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        restricted
        whenNotPaused
        returns (bool recorded, Reason reason, uint64 amountCents)
    {
        PaymentRunContext memory run = _runContext(benefitId, period);
        reason = _pay(run, subject, _factsOf(run, subject));
        recorded = reason == Reason.ELIGIBLE;
        if (recorded) {
            amountCents = run.amountCents;
            _addToTotal(run, 1);
        }
    }

    /// @inheritdoc IBenefitLedger
    function recordPayments(PaymentOrder[] calldata orders)
        external
        restricted
        whenNotPaused
        returns (uint256 recordedCount, uint256 recordedCents)
    {
        uint256 start = 0;
        while (start < orders.length) {
            // A payroll batch is normally one benefit and one period: pay each run of them at once.
            bytes32 benefitId = orders[start].benefitId;
            uint32 period = orders[start].period;
            uint256 end = start + 1;
            while (end < orders.length && orders[end].benefitId == benefitId && orders[end].period == period) {
                ++end;
            }
            bytes32[] memory subjects = new bytes32[](end - start);
            for (uint256 i = 0; i < subjects.length; ++i) {
                subjects[i] = orders[start + i].subject;
            }
            (uint256 count, uint256 cents) = _payRun(_runContext(benefitId, period), subjects);
            recordedCount += count;
            recordedCents += cents;
            start = end;
        }
    }

    /// @inheritdoc IBenefitLedger
    function recordPaymentRuns(PaymentRun[] calldata runs)
        external
        restricted
        whenNotPaused
        returns (uint256 recordedCount, uint256 recordedCents)
    {
        for (uint256 r = 0; r < runs.length; ++r) {
            PaymentRun calldata run = runs[r];
            // No orders: as `recordPayments` of none, nothing to check.
            if (run.subjects.length == 0) continue;
            (uint256 count, uint256 cents) = _payRun(_runContext(run.benefitId, run.period), run.subjects);
            recordedCount += count;
            recordedCents += cents;
        }
    }

    /// @inheritdoc IBenefitLedger
    function pause() external restricted {
        _pause();
    }

    /// @inheritdoc IBenefitLedger
    function unpause() external restricted {
        _unpause();
    }

    /// @inheritdoc IBenefitLedger
    function isPaid(bytes32 subject, bytes32 benefitId, uint32 period) external view returns (bool) {
        uint256 number = facts.subjectNumber(subject);
        // No record at all: never paid.
        if (number == 0) return false;
        return _paid[_benefitPeriod(benefitId, period)][number >> 8] & (1 << (number & 0xff)) != 0;
    }

    /// @inheritdoc IBenefitLedger
    function isDecided(bytes32 applicationId) external view returns (bool) {
        return _decided[applicationId];
    }

    /// @inheritdoc IBenefitLedger
    function periodTotal(bytes32 benefitId, uint32 period) external view returns (PeriodTotal memory) {
        return _totals[benefitId][period];
    }

    // ---------------------------------------------------------------- internals

    function _decide(bytes32 applicationId, bytes32 subject, bytes32 benefitId, uint32 date)
        private
        returns (Entitlement memory e)
    {
        _requireDate(date);
        e = _evaluate(subject, _terms(benefitId, date), date, SnapshotNeeds.ASSESSMENT_IDS);
        _decided[applicationId] = true;
        emit ApplicationDecided(
            applicationId, subject, benefitId, date, e.eligible, e.reason, e.monthlyAmountCents, e.assessmentId
        );
    }

    /// @dev What every payment of a run (one benefit and period) shares, computed once per run.
    struct PaymentRunContext {
        bytes32 benefitId;
        uint32 period; // YYYYMM
        uint32 firstDay; // YYYYMMDD, the day the payments are checked on
        Reason runReason; // NOT_MONETARY or PERIOD_IN_FUTURE for every payment of the run, else ELIGIBLE
        uint64 amountCents; // euro cents, the amount of each payment of the period
        BenefitTerms terms;
        uint256 needs; // SnapshotNeeds of the terms' rules
        uint256 paidSlot; // the storage slot of `_paid[keccak256(benefitId, period)]`, the run's bitmap
    }

    function _runContext(bytes32 benefitId, uint32 period) private view returns (PaymentRunContext memory run) {
        if (!DateLib.isValidPeriod(period)) revert BenefitLedgerInvalidPeriod(period);
        run.benefitId = benefitId;
        run.period = period;
        run.firstDay = DateLib.firstDayOf(period);
        run.terms = _terms(benefitId, run.firstDay);
        run.needs = EntitlementRules.snapshotNeeds(run.terms);
        run.amountCents =
            EntitlementRules.paymentAmount(run.terms.monthlyAmountCents, run.terms.paymentsPerYear, period);
        mapping(uint256 word => uint256 bits) storage paid = _paid[_benefitPeriod(benefitId, period)];
        uint256 paidSlot;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            paidSlot := paid.slot
        }
        run.paidSlot = paidSlot;
        // pay() of RULES.md checks these two before the facts, in this order.
        if (!run.terms.monetary) run.runReason = Reason.NOT_MONETARY;
        else if (run.firstDay > DateLib.fromTimestamp(block.timestamp)) run.runReason = Reason.PERIOD_IN_FUTURE;
    }

    /// @dev Pays a run: one facts read for all its subjects (none when the run's own reason refuses
    /// every payment), then each payment in order; the period total once.
    function _payRun(PaymentRunContext memory run, bytes32[] memory subjects)
        private
        returns (uint256 count, uint256 cents)
    {
        uint256[] memory words;
        if (run.runReason == Reason.ELIGIBLE) words = _factsAtBatch(subjects, run.firstDay, run.needs);
        for (uint256 i = 0; i < subjects.length; ++i) {
            if (_pay(run, subjects[i], words.length == 0 ? 0 : words[i]) == Reason.ELIGIBLE) ++count;
        }
        cents = count * run.amountCents;
        _addToTotal(run, count);
    }

    /// @dev `facts.factsAtBatch`, its answer used where it landed: checked to be `abi.encode` of one
    /// word per subject, then read in place, without the word-by-word copy of an ABI decoding.
    function _factsAtBatch(bytes32[] memory subjects, uint32 date, uint256 needs)
        private
        view
        returns (uint256[] memory words)
    {
        (bool ok, bytes memory answer) =
            address(facts).staticcall(abi.encodeCall(IFactRegistry.factsAtBatch, (subjects, date, needs)));
        uint256 n = subjects.length;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // A revert of the registry is passed on as it is.
            if iszero(ok) { revert(add(answer, 0x20), mload(answer)) }
            // The array's offset (0x20), its length (n), its n words; anything else is refused.
            if iszero(
                and(
                    eq(mload(answer), add(0x40, mul(n, 0x20))),
                    and(eq(mload(add(answer, 0x20)), 0x20), eq(mload(add(answer, 0x40)), n))
                )
            ) { revert(0, 0) }
            words := add(answer, 0x40)
        }
    }

    /// @dev The one place a payment is recorded: after `_assessPayment` says the rules back it, on
    /// the subject's FactWord `f`. The period total is left to the caller.
    function _pay(PaymentRunContext memory run, bytes32 subject, uint256 f) private returns (Reason reason) {
        uint256 bits;
        uint256 slot;
        uint256 bit;
        (reason, bits, slot, bit) = _assessPayment(run, f);
        if (reason != Reason.ELIGIBLE) {
            emit PaymentRefused(subject, run.benefitId, run.period, reason);
            return reason;
        }
        // `_paid[benefitPeriod][number >> 8] |= bit`, at the slot `_assessPayment` read.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, or(bits, bit))
        }
        emit PaymentRecorded(subject, run.benefitId, run.period, run.amountCents);
    }

    function _addToTotal(PaymentRunContext memory run, uint256 count) private {
        if (count == 0) return;
        PeriodTotal storage total = _totals[run.benefitId][run.period];
        total.payments += uint64(count);
        total.amountCents += uint128(count * run.amountCents);
    }

    /// @dev pay() of RULES.md without recording: monetary, not in the future, eligible on the
    /// period's first day (facts `f`), not yet paid, in that order. When eligible, also returns the
    /// bitmap word that holds the subject's bit (number from `f`), its storage slot and the bit.
    /// Eligible means a civil record, so a payroll word, so a number: never 0 here.
    function _assessPayment(PaymentRunContext memory run, uint256 f)
        private
        view
        returns (Reason reason, uint256 bits, uint256 slot, uint256 bit)
    {
        reason = run.runReason;
        if (reason != Reason.ELIGIBLE) return (reason, 0, 0, 0);
        (reason,) = _reasonOn(f, run.terms, run.firstDay);
        if (reason != Reason.ELIGIBLE) return (reason, 0, 0, 0);
        uint256 index = FactWord.number(f);
        bit = 1 << (index & 0xff);
        // The slot of `_paid[benefitPeriod][number >> 8]` from the run's mapping slot: one hash per
        // payment instead of two per access (the first key is the run's).
        uint256 paidSlot = run.paidSlot;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, shr(8, index))
            mstore(0x20, paidSlot)
            slot := keccak256(0x00, 0x40)
            bits := sload(slot)
        }
        if (bits & bit != 0) return (Reason.ALREADY_PAID, bits, slot, bit);
    }

    /// @dev The subject's facts for one payment of the run; none are read when the run's own reason
    /// refuses it.
    function _factsOf(PaymentRunContext memory run, bytes32 subject) private view returns (uint256) {
        return run.runReason == Reason.ELIGIBLE ? facts.factsAt(subject, run.firstDay, run.needs) : 0;
    }

    /// @dev check() of RULES.md on the subject's FactWord: the reason, and the category met.
    function _reasonAt(bytes32 subject, BenefitTerms memory t, uint32 date, uint256 needs)
        private
        view
        returns (Reason reason, uint8 category)
    {
        return _reasonOn(facts.factsAt(subject, date, needs), t, date);
    }

    /// @dev check() of RULES.md on a FactWord.
    function _reasonOn(uint256 f, BenefitTerms memory t, uint32 date)
        private
        view
        returns (Reason reason, uint8 category)
    {
        bool live = t.wavePhase == WavePhase.LIVE
            || (t.wavePhase == WavePhase.PILOT && catalog.isLive(t.wave, uint16(FactWord.residence(f) / 1000)));
        return EntitlementRules.evaluateFacts(f, t, live, date);
    }

    /// @dev check() of RULES.md; `extraNeeds` adds snapshot parts beyond what the rules read.
    function _evaluate(bytes32 subject, BenefitTerms memory t, uint32 date, uint256 extraNeeds)
        private
        view
        returns (Entitlement memory e)
    {
        return _entitlementOf(facts.snapshotFor(subject, date, EntitlementRules.snapshotNeeds(t) | extraNeeds), t, date);
    }

    /// @dev check() of RULES.md on a snapshot that holds at least the parts the terms' rules read
    /// and the assessment ids.
    function _entitlementOf(FactSnapshot memory snap, BenefitTerms memory t, uint32 date)
        private
        view
        returns (Entitlement memory e)
    {
        bool live = t.wavePhase == WavePhase.LIVE
            || (t.wavePhase == WavePhase.PILOT && catalog.isLive(t.wave, uint16(snap.residence / 1000)));
        EntitlementRules.Outcome memory outcome = EntitlementRules.evaluate(snap, t, live, date);
        e.eligible = outcome.reason == Reason.ELIGIBLE;
        e.reason = outcome.reason;
        e.monthlyAmountCents = outcome.monthlyAmountCents;
        if (outcome.category != 0) {
            e.assessmentId = snap.assessments[outcome.category].assessmentId;
            e.reviewDate = snap.assessments[outcome.category].reviewDate;
        }
    }

    function _terms(bytes32 benefitId, uint32 date) private view returns (BenefitTerms memory t) {
        t = catalog.terms(benefitId, date);
        if (!t.exists) revert BenefitLedgerUnknownBenefit(benefitId);
    }

    function _benefitPeriod(bytes32 benefitId, uint32 period) private pure returns (bytes32) {
        return keccak256(abi.encode(benefitId, period));
    }

    function _requireDate(uint32 date) private pure {
        if (!DateLib.isValidDate(date)) revert BenefitLedgerInvalidDate(date);
    }
}
