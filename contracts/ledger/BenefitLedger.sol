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
/// @dev Payments are a bitmap: one slot per (subject, benefit) covers 256 months, so a monthly
/// payroll flips a bit in a slot that already exists instead of creating one per payment. A payment
/// reads the subject's facts as one FactWord (`FactRegistry.factsAt`, one cold slot in the usual
/// case) and runs the rules on the stack; a batch adds to each period total once per run.
contract BenefitLedger is IBenefitLedger, AccessManaged, Pausable {
    IFactRegistry public immutable facts;
    IBenefitCatalog public immutable catalog;

    mapping(bytes32 paidKey => uint256 bits) private _paid; // keccak256(subject, benefitId, monthIndex >> 8)
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
    function previewPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        view
        returns (bool payable_, Reason reason, uint64 amountCents)
    {
        PaymentContext memory ctx = _paymentContext(benefitId, period);
        (reason,,) = _assessPayment(subject, ctx);
        payable_ = reason == Reason.ELIGIBLE;
        if (payable_) amountCents = _amount(ctx);
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
        PaymentContext memory ctx = _paymentContext(benefitId, period);
        (recorded, reason, amountCents) = _pay(subject, ctx);
        _addToTotal(ctx);
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
                if (i != 0) _addToTotal(ctx);
                ctx = _paymentContext(order.benefitId, order.period);
            }
            (bool recorded,, uint64 amountCents) = _pay(order.subject, ctx);
            if (recorded) {
                ++recordedCount;
                recordedCents += amountCents;
            }
        }
        if (orders.length != 0) _addToTotal(ctx);
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
        (bytes32 key, uint256 mask) = _paidBit(subject, benefitId, period);
        return _paid[key] & mask != 0;
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

    /// @dev What every payment of one benefit and period shares, and what a batch has recorded
    /// under it but not yet added to the period total.
    struct PaymentContext {
        bytes32 benefitId;
        uint32 period; // YYYYMM
        uint32 firstDay; // YYYYMMDD, the day the payment is checked on
        uint32 today; // YYYYMMDD of the chain's clock
        BenefitTerms terms;
        uint256 needs; // SnapshotNeeds of the terms' rules
        uint256 monthIndex; // DateLib.monthIndex(period)
        uint64 recorded; // payments recorded, not yet in the period total
        uint128 recordedCents; // euro cents, their sum
    }

    function _paymentContext(bytes32 benefitId, uint32 period) private view returns (PaymentContext memory ctx) {
        if (!DateLib.isValidPeriod(period)) revert BenefitLedgerInvalidPeriod(period);
        ctx.benefitId = benefitId;
        ctx.period = period;
        ctx.firstDay = DateLib.firstDayOf(period);
        ctx.today = DateLib.fromTimestamp(block.timestamp);
        ctx.terms = _terms(benefitId, ctx.firstDay);
        ctx.needs = EntitlementRules.snapshotNeeds(ctx.terms);
        ctx.monthIndex = DateLib.monthIndex(period);
    }

    /// @dev The one place a payment is recorded: after `_assessPayment` says the rules back it. The
    /// period total is left to `_addToTotal`, once per context.
    function _pay(bytes32 subject, PaymentContext memory ctx)
        private
        returns (bool recorded, Reason reason, uint64 amountCents)
    {
        bytes32 key;
        uint256 bits;
        (reason, key, bits) = _assessPayment(subject, ctx);
        if (reason != Reason.ELIGIBLE) {
            emit PaymentRefused(subject, ctx.benefitId, ctx.period, reason);
            return (false, reason, 0);
        }
        _paid[key] = bits | (1 << (ctx.monthIndex & 0xff));
        amountCents = _amount(ctx);
        ctx.recorded += 1;
        ctx.recordedCents += amountCents;
        emit PaymentRecorded(subject, ctx.benefitId, ctx.period, amountCents);
        return (true, Reason.ELIGIBLE, amountCents);
    }

    function _addToTotal(PaymentContext memory ctx) private {
        if (ctx.recorded == 0) return;
        PeriodTotal storage total = _totals[ctx.benefitId][ctx.period];
        total.payments += ctx.recorded;
        total.amountCents += ctx.recordedCents;
        ctx.recorded = 0;
        ctx.recordedCents = 0;
    }

    /// @dev pay() of RULES.md without recording: monetary, not in the future, eligible on the
    /// period's first day, not yet paid, in that order. Also returns the subject's bitmap word.
    function _assessPayment(bytes32 subject, PaymentContext memory ctx)
        private
        view
        returns (Reason reason, bytes32 key, uint256 bits)
    {
        BenefitTerms memory t = ctx.terms;
        if (!t.monetary) return (Reason.NOT_MONETARY, 0, 0);
        if (ctx.firstDay > ctx.today) return (Reason.PERIOD_IN_FUTURE, 0, 0);
        (reason,) = _reasonAt(subject, t, ctx.firstDay, ctx.needs);
        if (reason != Reason.ELIGIBLE) return (reason, 0, 0);
        key = keccak256(abi.encode(subject, ctx.benefitId, ctx.monthIndex >> 8));
        bits = _paid[key];
        if (bits & (1 << (ctx.monthIndex & 0xff)) != 0) return (Reason.ALREADY_PAID, key, bits);
    }

    /// @dev The amount of an eligible payment of the context's period.
    function _amount(PaymentContext memory ctx) private pure returns (uint64) {
        return EntitlementRules.paymentAmount(ctx.terms.monthlyAmountCents, ctx.terms.paymentsPerYear, ctx.period);
    }

    /// @dev check() of RULES.md on the subject's FactWord: the reason, and the category met.
    function _reasonAt(bytes32 subject, BenefitTerms memory t, uint32 date, uint256 needs)
        private
        view
        returns (Reason reason, uint8 category)
    {
        uint256 f = facts.factsAt(subject, date, needs);
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
        returns (bytes32 key, uint256 mask)
    {
        uint256 index = DateLib.monthIndex(period);
        key = keccak256(abi.encode(subject, benefitId, index >> 8));
        mask = 1 << (index & 0xff);
    }

    function _requireDate(uint32 date) private pure {
        if (!DateLib.isValidDate(date)) revert BenefitLedgerInvalidDate(date);
    }
}
