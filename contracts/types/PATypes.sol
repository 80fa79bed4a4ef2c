// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

// Shared vocabulary of PA Chain. The numeric values are part of the ABI: the oracle, the read
// API and the catalog data use the same numbers (src/domain/catalog.ts), so only append.

/// @notice Disability categories certified by medical commissions.
enum Category {
    NONE,
    CIVIL_INVALIDITY,
    BLINDNESS,
    DEAFNESS,
    HANDICAP_L104
}

/// @notice Outcome of an entitlement check or a payment, in the order RULES.md evaluates them.
enum Reason {
    ELIGIBLE,
    NO_CIVIL_RECORD,
    DECEASED,
    BENEFIT_NOT_LIVE,
    NO_VALID_ASSESSMENT,
    REQUIREMENT_NOT_MET,
    AGE_OUT_OF_RANGE,
    INCOME_NOT_ATTESTED,
    INCOME_ABOVE_LIMIT,
    HOSPITALISED,
    NOT_MONETARY,
    PERIOD_IN_FUTURE,
    ALREADY_PAID
}

/// @notice Onboarding phase of a wave of benefits.
enum WavePhase {
    PLANNED,
    PILOT,
    LIVE
}

/// @notice Kinds of organisation of the consortium's directory. All but PATRONATO certify facts.
enum OrgKind {
    NONE,
    MUNICIPALITY, // Comune: civil records and deaths, code = 6-digit ISTAT municipality code
    ASL, // local health authority: hospital stays, parent of its medical commissions
    INPS, // income, revocations, decisions and payments
    MEDICAL_COMMISSION, // members sign assessments; parent is an ASL or INPS
    PATRONATO // intermediary acting for people who delegate it (off chain); certifies no fact
}

/// @notice Assessment flag bits (uint8 mask), as named in benefit-rules.json.
library Flags {
    uint8 internal constant NEEDS_CONTINUOUS_ASSISTANCE = 1;
    uint8 internal constant MINOR_PERSISTENT_DIFFICULTIES = 2;
    uint8 internal constant BLIND_ABSOLUTE = 4;
    uint8 internal constant BLIND_PARTIAL = 8;
    uint8 internal constant SEVERE = 16;
    uint8 internal constant ALL = 31;
}

/// @notice The valid assessment of one category at a date, as the rules see it.
struct ValidAssessment {
    bool exists;
    uint8 percentage; // 0-100
    uint8 flags; // Flags mask
    uint32 reviewDate; // YYYYMMDD, 0 = none
    bytes32 assessmentId;
}

/// @notice Which parts of a FactSnapshot to compute (bit i set = category i; then income, stays,
/// assessment ids). A payroll asks only for what its benefit's rules read, so it reads fewer slots.
library SnapshotNeeds {
    uint256 internal constant INCOME = 1 << 8;
    uint256 internal constant STAYS = 1 << 9;
    uint256 internal constant ASSESSMENT_IDS = 1 << 10;
    uint256 internal constant ALL = 0x71e; // categories 1-4, income, stays, ids
}

/// @notice Everything the rules need to know about a subject at one date.
struct FactSnapshot {
    bool hasCivilRecord;
    uint32 birthDate; // YYYYMMDD
    uint32 residence; // 6-digit ISTAT municipality code
    uint32 deathDate; // YYYYMMDD, 0 = alive
    ValidAssessment[5] assessments; // indexed by Category; NONE unused
    bool incomeAttested; // for the year of the date or an earlier year
    uint64 incomeCents; // euro cents
    bool longHospitalStay; // a stay covering the date that began 30+ days before it
}

/// @notice A benefit's terms at a date, as the rules see them.
/// @dev Requirements are packed 32 bits each, lowest first: category | minPct << 8 | maxPct << 16 | flags << 24.
struct BenefitTerms {
    bool exists;
    uint8 wave; // 1-3
    WavePhase wavePhase; // whether a PILOT needs the province looked up
    bool monetary;
    bool suspendedByLongHospitalStay;
    bool hasIncomeLimit;
    uint8 paymentsPerYear; // 12, 13, or 0 for non-monetary benefits
    uint8 minAge; // whole years, inclusive
    uint8 maxAgeExclusive; // whole years, exclusive; 255 = no upper limit
    uint8 requirementCount; // 1-8
    uint256 requirements; // packed, see above
    uint64 monthlyAmountCents; // euro cents, for the year of the date (or the latest earlier year)
    uint64 incomeLimitCents; // euro cents, for the year of the date (or the latest earlier year)
}
