// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {DateLib} from "./DateLib.sol";
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
        if (!snap.hasCivilRecord) return _refuse(Reason.NO_CIVIL_RECORD);
        // The month of death is still due: only a death strictly before the date stops it.
        if (snap.deathDate != 0 && snap.deathDate < date) return _refuse(Reason.DECEASED);
        if (!live) return _refuse(Reason.BENEFIT_NOT_LIVE);
        (bool anyValid, uint8 metCategory) = matchRequirements(snap.assessments, t.requirements, t.requirementCount);
        if (!anyValid) return _refuse(Reason.NO_VALID_ASSESSMENT);
        if (metCategory == 0) return _refuse(Reason.REQUIREMENT_NOT_MET);
        if (!isAgeInRange(snap.birthDate, date, t.minAge, t.maxAgeExclusive)) {
            return _refuse(Reason.AGE_OUT_OF_RANGE);
        }
        if (t.hasIncomeLimit) {
            if (!snap.incomeAttested) return _refuse(Reason.INCOME_NOT_ATTESTED);
            // Equal to the limit passes.
            if (snap.incomeCents > t.incomeLimitCents) return _refuse(Reason.INCOME_ABOVE_LIMIT);
        }
        if (t.suspendedByLongHospitalStay && snap.longHospitalStay) return _refuse(Reason.HOSPITALISED);
        return Outcome({
            reason: Reason.ELIGIBLE,
            monthlyAmountCents: t.monetary ? t.monthlyAmountCents : 0,
            category: metCategory
        });
    }

    /// @notice Whether any accepted category has a valid assessment, and the category of the first
    /// requirement met by its category's valid assessment (0 when none is met).
    function matchRequirements(ValidAssessment[5] memory assessments, uint256 requirements, uint8 count)
        internal
        pure
        returns (bool anyValid, uint8 metCategory)
    {
        for (uint256 i = 0; i < count; ++i) {
            uint256 word = requirements >> (32 * i);
            uint8 category = uint8(word);
            // Categories are validated 1-4 when the rule is defined.
            ValidAssessment memory a = assessments[category];
            if (!a.exists) continue;
            anyValid = true;
            uint8 minPct = uint8(word >> 8);
            uint8 maxPct = uint8(word >> 16);
            uint8 flags = uint8(word >> 24);
            if (a.percentage >= minPct && a.percentage <= maxPct && a.flags & flags == flags) {
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
        for (uint256 i = 0; i < t.requirementCount; ++i) {
            needs |= 1 << uint8(t.requirements >> (32 * i));
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

    function _refuse(Reason reason) private pure returns (Outcome memory outcome) {
        outcome.reason = reason;
    }
}
