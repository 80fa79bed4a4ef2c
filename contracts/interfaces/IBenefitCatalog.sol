// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {BenefitTerms, Category, WavePhase} from "../types/PATypes.sol";

/// @title IBenefitCatalog
/// @notice The benefit rule book as data: per benefit its requirements, ages, income limits and
/// amounts per year; per onboarding wave its phase. Changed only by governance, never by code.
interface IBenefitCatalog {
    /// @notice One way to meet a benefit: a valid assessment of `category` within the percentage
    /// range and carrying every flag of `requiredFlags`.
    struct Requirement {
        Category category;
        uint8 minPercentage; // 0-100, inclusive
        uint8 maxPercentage; // 0-100, inclusive
        uint8 requiredFlags; // Flags mask
    }

    /// @notice A benefit's rule. `requirements` lists alternatives (anyOf): one is enough.
    struct BenefitRule {
        uint8 wave; // 1, 2 or 3
        bool monetary;
        uint8 paymentsPerYear; // 12 or 13 for monetary benefits, 0 otherwise
        uint8 minAge; // whole years, inclusive
        uint8 maxAgeExclusive; // whole years, exclusive; 255 = no upper limit
        bool suspendedByLongHospitalStay;
        bool hasIncomeLimit;
        Requirement[] requirements; // 1-8 alternatives
    }

    /// @notice Stored form of a benefit. Two slots: the flags and counters, then the packed requirements.
    struct StoredBenefit {
        bool exists;
        uint8 wave;
        bool monetary;
        uint8 paymentsPerYear;
        uint8 minAge;
        uint8 maxAgeExclusive;
        bool suspendedByLongHospitalStay;
        bool hasIncomeLimit;
        uint8 requirementCount;
        uint16 firstYear; // first year with terms, 0 = none yet
        uint16 lastYear; // last year with terms
        uint256 requirements; // 32 bits each: category | min << 8 | max << 16 | flags << 24
    }

    /// @notice Amounts in force for one calendar year.
    struct YearTerms {
        bool set;
        uint64 monthlyAmountCents; // euro cents
        uint64 incomeLimitCents; // euro cents, ignored when the benefit has no income limit
    }

    event BenefitDefined(bytes32 indexed benefitId, string code, StoredBenefit oldRule, StoredBenefit newRule);

    event YearTermsSet(bytes32 indexed benefitId, uint16 indexed year, YearTerms oldTerms, YearTerms newTerms);

    event WavePhaseChanged(uint8 indexed wave, WavePhase oldPhase, WavePhase newPhase, uint16[] pilotProvinces);

    /// @notice No benefit has this id.
    error BenefitCatalogUnknownBenefit(bytes32 benefitId);

    /// @notice The rule is inconsistent (wave, payments per year, ages or requirements).
    error BenefitCatalogInvalidRule(bytes32 benefitId);

    /// @notice A requirement names category NONE, a percentage above 100, min above max, or unknown flags.
    error BenefitCatalogInvalidRequirement(bytes32 benefitId, uint256 index);

    /// @notice Year outside 1900-2199.
    error BenefitCatalogInvalidYear(uint16 year);

    /// @notice Wave outside 1-3.
    error BenefitCatalogInvalidWave(uint8 wave);

    /// @notice PILOT needs at least one province, other phases none; provinces are 1-111.
    error BenefitCatalogInvalidPilot(uint8 wave, WavePhase phase, uint256 provinceCount);

    /// @notice Defines or replaces a benefit's rule; the id is keccak256(bytes(code)).
    function defineBenefit(string calldata code, BenefitRule calldata rule) external returns (bytes32 benefitId);

    /// @notice Sets the monthly amount and income limit of one year (yearly revaluation).
    function setYearTerms(bytes32 benefitId, uint16 year, uint64 monthlyAmountCents, uint64 incomeLimitCents)
        external;

    /// @notice Moves a wave to a phase; PILOT lists the 3-digit ISTAT provinces of the pilot.
    function setWavePhase(uint8 wave, WavePhase phase, uint16[] calldata pilotProvinces) external;

    /// @notice The benefit's terms on `date` (YYYYMMDD), with its wave's phase (`isLive` answers
    /// for a province when the wave is in PILOT). Amounts are those of the date's year, else of the
    /// latest earlier year, else of the first year. `exists` is false for an unknown benefit.
    function terms(bytes32 benefitId, uint32 date) external view returns (BenefitTerms memory);

    function benefit(bytes32 benefitId) external view returns (StoredBenefit memory);

    function benefitCode(bytes32 benefitId) external view returns (string memory);

    /// @notice Ids of every defined benefit, in definition order.
    function benefitIds() external view returns (bytes32[] memory);

    function yearTerms(bytes32 benefitId, uint16 year) external view returns (YearTerms memory);

    function wavePhase(uint8 wave) external view returns (WavePhase phase, uint16[] memory pilotProvinces);

    /// @notice Whether the wave is LIVE, or PILOT and `province` is listed.
    function isLive(uint8 wave, uint16 province) external view returns (bool);
}
