// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IBenefitCatalog} from "../interfaces/IBenefitCatalog.sol";
import {IBenefitLedger} from "../interfaces/IBenefitLedger.sol";
import {IFactRegistry} from "../interfaces/IFactRegistry.sol";
import {DateLib} from "../libraries/DateLib.sol";
import {EntitlementRules} from "../libraries/EntitlementRules.sol";
import {BenefitTerms, FactSnapshot, Reason, SnapshotNeeds, WavePhase} from "../types/PATypes.sol";

/// @title BenefitLedger
/// @notice Computes entitlements from the FactRegistry and the BenefitCatalog, records INPS
/// decisions, and records monthly payments only when the rules back them.
/// @dev Payments are a bitmap: one slot per (subject, benefit) covers 256 months, so a monthly
/// payroll flips a bit in a slot that already exists instead of creating one per payment.
contract BenefitLedger is IBenefitLedger, AccessManaged, Pausable {
    IFactRegistry public immutable facts;
    IBenefitCatalog public immutable catalog;

    mapping(bytes32 subjectBenefit => mapping(uint256 word => uint256 bits)) private _paid;
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
        Entitlement memory e = _evaluate(subject, _terms(benefitId, date), date, 0);
        return (e.eligible, e.reason, e.monthlyAmountCents);
    }

    /// @inheritdoc IBenefitLedger
    function entitlement(bytes32 subject, bytes32 benefitId, uint32 date) external view returns (Entitlement memory) {
        _requireDate(date);
        return _evaluate(subject, _terms(benefitId, date), date, SnapshotNeeds.ASSESSMENT_IDS);
    }

    /// @inheritdoc IBenefitLedger
    function previewPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        view
        returns (bool payable_, Reason reason, uint64 amountCents)
    {
        PaymentContext memory ctx = _paymentContext(benefitId, period);
        return _assessPayment(subject, ctx);
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
        return _pay(subject, _paymentContext(benefitId, period));
    }

    /// @inheritdoc IBenefitLedger
    function recordPayments(PaymentOrder[] calldata orders)
        external
        restricted
        whenNotPaused
        returns (uint256 recordedCount, uint256 recordedCents)
    {
        PaymentContext memory ctx;
        for (uint256 i = 0; i < orders.length; ++i) {
            PaymentOrder calldata order = orders[i];
            // A payroll batch is normally one benefit and one period: load its terms once.
            if (i == 0 || order.benefitId != ctx.benefitId || order.period != ctx.period) {
                ctx = _paymentContext(order.benefitId, order.period);
            }
            (bool recorded,, uint64 amountCents) = _pay(order.subject, ctx);
            if (recorded) {
                ++recordedCount;
                recordedCents += amountCents;
            }
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
        (bytes32 key, uint256 word, uint256 mask) = _paidBit(subject, benefitId, period);
        return _paid[key][word] & mask != 0;
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

    /// @dev What every payment of one benefit and period shares.
    struct PaymentContext {
        bytes32 benefitId;
        uint32 period; // YYYYMM
        uint32 firstDay; // YYYYMMDD, the day the payment is checked on
        uint32 today; // YYYYMMDD of the chain's clock
        BenefitTerms terms;
    }

    function _paymentContext(bytes32 benefitId, uint32 period) private view returns (PaymentContext memory ctx) {
        if (!DateLib.isValidPeriod(period)) revert BenefitLedgerInvalidPeriod(period);
        ctx.benefitId = benefitId;
        ctx.period = period;
        ctx.firstDay = DateLib.firstDayOf(period);
        ctx.today = DateLib.fromTimestamp(block.timestamp);
        ctx.terms = _terms(benefitId, ctx.firstDay);
    }

    /// @dev The one place a payment is recorded: after `_assessPayment` says the rules back it.
    function _pay(bytes32 subject, PaymentContext memory ctx)
        private
        returns (bool recorded, Reason reason, uint64 amountCents)
    {
        (recorded, reason, amountCents) = _assessPayment(subject, ctx);
        if (!recorded) {
            emit PaymentRefused(subject, ctx.benefitId, ctx.period, reason);
            return (false, reason, 0);
        }
        (bytes32 key, uint256 word, uint256 mask) = _paidBit(subject, ctx.benefitId, ctx.period);
        _paid[key][word] |= mask;
        PeriodTotal storage total = _totals[ctx.benefitId][ctx.period];
        total.payments += 1;
        total.amountCents += amountCents;
        emit PaymentRecorded(subject, ctx.benefitId, ctx.period, amountCents);
    }

    /// @dev pay() of RULES.md without recording: monetary, not in the future, eligible on the
    /// period's first day, not yet paid, in that order.
    function _assessPayment(bytes32 subject, PaymentContext memory ctx)
        private
        view
        returns (bool payable_, Reason reason, uint64 amountCents)
    {
        BenefitTerms memory t = ctx.terms;
        if (!t.monetary) return (false, Reason.NOT_MONETARY, 0);
        if (ctx.firstDay > ctx.today) return (false, Reason.PERIOD_IN_FUTURE, 0);
        Entitlement memory e = _evaluate(subject, t, ctx.firstDay, 0);
        if (!e.eligible) return (false, e.reason, 0);
        (bytes32 key, uint256 word, uint256 mask) = _paidBit(subject, ctx.benefitId, ctx.period);
        if (_paid[key][word] & mask != 0) return (false, Reason.ALREADY_PAID, 0);
        return (true, Reason.ELIGIBLE, EntitlementRules.paymentAmount(e.monthlyAmountCents, t.paymentsPerYear, ctx.period));
    }

    /// @dev check() of RULES.md; `extraNeeds` adds snapshot parts beyond what the rules read.
    function _evaluate(bytes32 subject, BenefitTerms memory t, uint32 date, uint256 extraNeeds)
        private
        view
        returns (Entitlement memory e)
    {
        FactSnapshot memory snap = facts.snapshotFor(subject, date, EntitlementRules.snapshotNeeds(t) | extraNeeds);
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

    function _paidBit(bytes32 subject, bytes32 benefitId, uint32 period)
        private
        pure
        returns (bytes32 key, uint256 word, uint256 mask)
    {
        uint256 index = DateLib.monthIndex(period);
        key = keccak256(abi.encode(subject, benefitId));
        word = index >> 8;
        mask = 1 << (index & 0xff);
    }

    function _requireDate(uint32 date) private pure {
        if (!DateLib.isValidDate(date)) revert BenefitLedgerInvalidDate(date);
    }
}
