// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {Reason} from "../types/PATypes.sol";

/// @title IBenefitLedger
/// @notice Entitlement checks computed from certified facts, INPS decisions, and the monthly payment
/// ledger that records only what the rules back.
/// @dev Dates are uint32 YYYYMMDD, periods uint32 YYYYMM, amounts euro cents.
interface IBenefitLedger {
    /// @notice The answer to check(subject, benefit, date), with what it rests on.
    struct Entitlement {
        bool eligible;
        Reason reason;
        uint64 monthlyAmountCents; // euro cents; 0 unless eligible to a monetary benefit
        bytes32 assessmentId; // the valid assessment that meets the requirement, 0 if none
        uint32 reviewDate; // YYYYMMDD of that assessment's review, 0 if none
    }

    /// @notice One item of a payroll batch.
    struct PaymentOrder {
        bytes32 subject;
        bytes32 benefitId;
        uint32 period; // YYYYMM
    }

    /// @notice A payroll run: one benefit and period for many subjects, the packed form of a batch
    /// (32 bytes of calldata per payment instead of 96).
    struct PaymentRun {
        bytes32 benefitId;
        uint32 period; // YYYYMM
        bytes32[] subjects;
    }

    /// @notice One application of a batch of decisions.
    struct DecisionOrder {
        bytes32 applicationId;
        bytes32 subject;
        bytes32 benefitId;
        uint32 date; // YYYYMMDD
    }

    /// @notice Totals of the payments recorded for one benefit and period.
    struct PeriodTotal {
        uint64 payments;
        uint128 amountCents; // euro cents
    }

    /// @notice INPS decided an application on chain, with the rules' reason.
    event ApplicationDecided(
        bytes32 indexed applicationId,
        bytes32 indexed subject,
        bytes32 indexed benefitId,
        uint32 date,
        bool eligible,
        Reason reason,
        uint64 monthlyAmountCents,
        bytes32 assessmentId
    );

    /// @notice A monthly payment was recorded.
    event PaymentRecorded(
        bytes32 indexed subject, bytes32 indexed benefitId, uint32 indexed period, uint64 amountCents
    );

    /// @notice A payment was asked for and refused by the rules; nothing was recorded.
    event PaymentRefused(bytes32 indexed subject, bytes32 indexed benefitId, uint32 indexed period, Reason reason);

    /// @notice The benefit is not in the catalog.
    error BenefitLedgerUnknownBenefit(bytes32 benefitId);

    /// @notice The date is not a real YYYYMMDD date.
    error BenefitLedgerInvalidDate(uint32 date);

    /// @notice The period is not a real YYYYMM period.
    error BenefitLedgerInvalidPeriod(uint32 period);

    /// @notice This application was already decided.
    error BenefitLedgerAlreadyDecided(bytes32 applicationId);

    /// @notice check(subject, benefit, date) as RULES.md defines it.
    function check(bytes32 subject, bytes32 benefitId, uint32 date)
        external
        view
        returns (bool eligible, Reason reason, uint64 monthlyAmountCents);

    /// @notice The same check, with the assessment it rests on.
    function entitlement(bytes32 subject, bytes32 benefitId, uint32 date) external view returns (Entitlement memory);

    /// @notice `entitlement(subject, benefitId, date)` for every benefit of the catalog, in catalog
    /// order (`BenefitCatalog.benefitIds`), reading the subject's facts once: the read API's answer
    /// for one person in one call.
    function entitlements(bytes32 subject, uint32 date) external view returns (Entitlement[] memory);

    /// @notice What `recordPayment` would answer now, without recording anything.
    function previewPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        view
        returns (bool payable_, Reason reason, uint64 amountCents);

    /// @notice Decides an application on chain: computes the check on `date` and records the
    /// outcome as an event, once per application.
    function recordDecision(bytes32 applicationId, bytes32 subject, bytes32 benefitId, uint32 date)
        external
        returns (Entitlement memory);

    /// @notice Decides a batch of applications; one already decided is skipped (no event), so a
    /// resent batch decides nothing twice. Reverts only for malformed input (date, benefit).
    /// @return decided How many applications were decided by this call.
    function recordDecisions(DecisionOrder[] calldata orders) external returns (uint256 decided);

    /// @notice Records the payment of one period when the rules back it, else records the refusal.
    function recordPayment(bytes32 subject, bytes32 benefitId, uint32 period)
        external
        returns (bool recorded, Reason reason, uint64 amountCents);

    /// @notice Records a payroll batch: each item is recorded or refused on its own (events); the
    /// batch reverts only for malformed input.
    function recordPayments(PaymentOrder[] calldata orders)
        external
        returns (uint256 recordedCount, uint256 recordedCents);

    /// @notice Records a payroll sent as runs: exactly `recordPayments` of the orders (subject,
    /// run.benefitId, run.period) of each run in turn, with the same events, totals and answer, for
    /// less calldata and one facts read per run.
    function recordPaymentRuns(PaymentRun[] calldata runs)
        external
        returns (uint256 recordedCount, uint256 recordedCents);

    /// @notice Stops decisions and payments (guardian).
    function pause() external;

    /// @notice Resumes decisions and payments (guardian).
    function unpause() external;

    function isPaid(bytes32 subject, bytes32 benefitId, uint32 period) external view returns (bool);

    function isDecided(bytes32 applicationId) external view returns (bool);

    function periodTotal(bytes32 benefitId, uint32 period) external view returns (PeriodTotal memory);
}
