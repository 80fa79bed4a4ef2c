// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {DateLib} from "./DateLib.sol";
import {FactWord} from "./FactWord.sol";
import {Requirements} from "./Requirements.sol";
import {BenefitTerms, FactSnapshot, Reason, SnapshotNeeds, ValidAssessment} from "../types/PATypes.sol";

/// @title EntitlementRules
/// @notice The entitlement rules of RULES.md as pure functions of values, so they can be fuzzed alone.
library EntitlementRules {
    /// @notice maxAgeExclusive value meaning "no upper age limit".
    uint8 internal constant NO_MAX_AGE = 255;

    /// @notice The result of a check. `category` is the category of the requirement met (0 if none).
    struct Outcome {
        Reason reason;
        uint64 monthlyAmountCents; // euro cents; 0 unless ELIGIBLE and monetary
        uint8 category;
    }

    /// @notice check(person, benefit, date): the first failing step of RULES.md gives the reason.
    /// @param live Whether the benefit's wave is live for the subject's province.
    function evaluate(FactSnapshot memory snap, BenefitTerms memory t, bool live, uint32 date)
        internal
        pure
        returns (Outcome memory outcome)
    {
        (outcome.reason, outcome.category) = evaluateFacts(FactWord.fromSnapshot(snap), t, live, date);
        if (outcome.reason == Reason.ELIGIBLE && t.monetary) outcome.monthlyAmountCents = t.monthlyAmountCents;
    }

    /// @notice The same check on the facts packed as a FactWord: the one implementation of the steps,
    /// which the payroll runs on the stack.
    /// @return reason The first failing step, or ELIGIBLE.
    /// @return category The category of the requirement met when ELIGIBLE, else 0.
    function evaluateFacts(uint256 facts, BenefitTerms memory t, bool live, uint32 date)
        internal
        pure
        returns (Reason reason, uint8 category)
    {
        if (!FactWord.hasCivilRecord(facts)) return (Reason.NO_CIVIL_RECORD, 0);
        // The month of death is still due: only a death strictly before the date stops it.
        uint32 deathDate = FactWord.deathDate(facts);
        if (deathDate != 0 && deathDate < date) return (Reason.DECEASED, 0);
        if (!live) return (Reason.BENEFIT_NOT_LIVE, 0);
        (bool anyValid, uint8 metCategory) = matchRequirements(facts, t.requirements, t.requirementCount);
        if (!anyValid) return (Reason.NO_VALID_ASSESSMENT, 0);
        if (metCategory == 0) return (Reason.REQUIREMENT_NOT_MET, 0);
        if (!isAgeInRange(FactWord.birthDate(facts), date, t.minAge, t.maxAgeExclusive)) {
            return (Reason.AGE_OUT_OF_RANGE, 0);
        }
        if (t.hasIncomeLimit) {
            if (!FactWord.incomeAttested(facts)) return (Reason.INCOME_NOT_ATTESTED, 0);
            // Equal to the limit passes.
            if (FactWord.incomeCents(facts) > t.incomeLimitCents) return (Reason.INCOME_ABOVE_LIMIT, 0);
        }
        if (t.suspendedByLongHospitalStay && FactWord.longHospitalStay(facts)) return (Reason.HOSPITALISED, 0);
        return (Reason.ELIGIBLE, metCategory);
    }

    /// @notice Whether any accepted category has a valid assessment, and the category of the first
    /// requirement met by its category's valid assessment (0 when none is met).
    function matchRequirements(ValidAssessment[5] memory assessments, uint256 requirements, uint8 count)
        internal
        pure
        returns (bool anyValid, uint8 metCategory)
    {
        uint256 facts;
        for (uint256 c = 1; c < 5; ++c) {
            ValidAssessment memory a = assessments[c];
            if (a.exists) facts = FactWord.withAssessment(facts, c, a.percentage, a.flags);
        }
        return matchRequirements(facts, requirements, count);
    }

    /// @notice matchRequirements on the valid assessments of a FactWord.
    function matchRequirements(uint256 facts, uint256 requirements, uint8 count)
        internal
        pure
        returns (bool anyValid, uint8 metCategory)
    {
        Requirements packed = Requirements.wrap(requirements);
        // count is at most 8 (validated when the rule is defined).
        for (uint256 i = 0; i < count; ++i) {
            (uint8 category, uint8 minPercentage, uint8 maxPercentage, uint8 required) = packed.at(i);
            // Categories are validated 1-4 when the rule is defined.
            (bool exists, uint8 percentage, uint8 flags) = FactWord.assessment(facts, category);
            if (!exists) continue;
            anyValid = true;
            if (percentage >= minPercentage && percentage <= maxPercentage && flags & required == required) {
                return (true, category);
            }
        }
    }

    /// @notice Age in full years on `date` within [minAge, maxAgeExclusive); not yet born is out of range.
    function isAgeInRange(uint32 birthDate, uint32 date, uint8 minAge, uint8 maxAgeExclusive)
        internal
        pure
        returns (bool)
    {
        if (date < birthDate) return false;
        uint256 age = DateLib.ageInYears(birthDate, date);
        if (age < minAge) return false;
        return maxAgeExclusive == NO_MAX_AGE || age < maxAgeExclusive;
    }

    /// @notice The SnapshotNeeds of a benefit's rules: its accepted categories, income only with an
    /// income limit, stays only when long stays suspend it.
    function snapshotNeeds(BenefitTerms memory t) internal pure returns (uint256 needs) {
        Requirements packed = Requirements.wrap(t.requirements);
        for (uint256 i = 0; i < t.requirementCount; ++i) {
            needs |= 1 << packed.categoryAt(i);
        }
        if (t.hasIncomeLimit) needs |= SnapshotNeeds.INCOME;
        if (t.suspendedByLongHospitalStay) needs |= SnapshotNeeds.STAYS;
    }

    /// @notice The amount paid for a period: the monthly amount, doubled in December for benefits
    /// paid 13 times a year.
    function paymentAmount(uint64 monthlyAmountCents, uint8 paymentsPerYear, uint32 period)
        internal
        pure
        returns (uint64)
    {
        bool thirteenth = paymentsPerYear == 13 && period % 100 == 12;
        return thirteenth ? monthlyAmountCents * 2 : monthlyAmountCents;
    }

}
