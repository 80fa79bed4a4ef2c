// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManaged} from "@openzeppelin/contracts/access/manager/AccessManaged.sol";
import {IBenefitCatalog} from "../interfaces/IBenefitCatalog.sol";
import {DateLib} from "../libraries/DateLib.sol";
import {Requirements} from "../libraries/Requirements.sol";
import {BenefitTerms, Category, Flags, WavePhase} from "../types/PATypes.sol";

/// @title BenefitCatalog
/// @notice Benefit rules, yearly amounts and wave phases, as governance sets them.
contract BenefitCatalog is IBenefitCatalog, AccessManaged {
    uint8 private constant WAVE_COUNT = 3;
    uint8 private constant MAX_REQUIREMENTS = 8;
    uint16 private constant MAX_PROVINCE = 111;

    struct Wave {
        WavePhase phase;
        uint32 generation; // bumped on every change, so old pilot lists need no clearing
    }

    bytes32[] private _benefitIds;
    mapping(bytes32 benefitId => StoredBenefit) private _benefits;
    mapping(bytes32 benefitId => string) private _codes;
    mapping(bytes32 benefitId => mapping(uint256 year => YearTerms)) private _years;
    mapping(uint8 wave => Wave) private _waves;
    mapping(uint8 wave => uint16[]) private _pilotLists;
    mapping(uint8 wave => mapping(uint32 generation => mapping(uint16 province => bool))) private _pilot;

    constructor(address authority) AccessManaged(authority) {}

    /// @inheritdoc IBenefitCatalog
    function defineBenefit(string calldata code, BenefitRule calldata rule)
        external
        restricted
        returns (bytes32 benefitId)
    {
        benefitId = keccak256(bytes(code));
        _requireValidRule(benefitId, rule);
        StoredBenefit memory old = _benefits[benefitId];
        StoredBenefit memory next = StoredBenefit({
            exists: true,
            wave: rule.wave,
            monetary: rule.monetary,
            paymentsPerYear: rule.paymentsPerYear,
            minAge: rule.minAge,
            maxAgeExclusive: rule.maxAgeExclusive,
            suspendedByLongHospitalStay: rule.suspendedByLongHospitalStay,
            hasIncomeLimit: rule.hasIncomeLimit,
            requirementCount: uint8(rule.requirements.length),
            firstYear: old.firstYear,
            lastYear: old.lastYear,
            requirements: _pack(rule.requirements)
        });
        if (!old.exists) {
            _benefitIds.push(benefitId);
            _codes[benefitId] = code;
        }
        _benefits[benefitId] = next;
        emit BenefitDefined(benefitId, code, old, next);
    }

    /// @inheritdoc IBenefitCatalog
    function setYearTerms(bytes32 benefitId, uint16 year, uint64 monthlyAmountCents, uint64 incomeLimitCents)
        external
        restricted
    {
        StoredBenefit storage b = _benefits[benefitId];
        if (!b.exists) revert BenefitCatalogUnknownBenefit(benefitId);
        if (year < DateLib.MIN_YEAR || year > DateLib.MAX_YEAR) revert BenefitCatalogInvalidYear(year);
        YearTerms memory old = _years[benefitId][year];
        YearTerms memory next =
            YearTerms({set: true, monthlyAmountCents: monthlyAmountCents, incomeLimitCents: incomeLimitCents});
        _years[benefitId][year] = next;
        if (b.firstYear == 0 || year < b.firstYear) b.firstYear = year;
        if (year > b.lastYear) b.lastYear = year;
        emit YearTermsSet(benefitId, year, old, next);
    }

    /// @inheritdoc IBenefitCatalog
    function setWavePhase(uint8 wave, WavePhase phase, uint16[] calldata pilotProvinces) external restricted {
        if (wave == 0 || wave > WAVE_COUNT) revert BenefitCatalogInvalidWave(wave);
        bool needsProvinces = phase == WavePhase.PILOT;
        if (needsProvinces != (pilotProvinces.length > 0)) {
            revert BenefitCatalogInvalidPilot(wave, phase, pilotProvinces.length);
        }
        Wave storage w = _waves[wave];
        WavePhase oldPhase = w.phase;
        uint32 generation = ++w.generation;
        w.phase = phase;
        for (uint256 i = 0; i < pilotProvinces.length; ++i) {
            uint16 province = pilotProvinces[i];
            if (province == 0 || province > MAX_PROVINCE) {
                revert BenefitCatalogInvalidPilot(wave, phase, pilotProvinces.length);
            }
            _pilot[wave][generation][province] = true;
        }
        _pilotLists[wave] = pilotProvinces;
        emit WavePhaseChanged(wave, oldPhase, phase, pilotProvinces);
    }

    /// @inheritdoc IBenefitCatalog
    function terms(bytes32 benefitId, uint32 date) external view returns (BenefitTerms memory t) {
        StoredBenefit memory b = _benefits[benefitId];
        if (!b.exists) return t;
        t.exists = true;
        t.wave = b.wave;
        t.wavePhase = _waves[b.wave].phase;
        t.monetary = b.monetary;
        t.suspendedByLongHospitalStay = b.suspendedByLongHospitalStay;
        t.hasIncomeLimit = b.hasIncomeLimit;
        t.paymentsPerYear = b.paymentsPerYear;
        t.minAge = b.minAge;
        t.maxAgeExclusive = b.maxAgeExclusive;
        t.requirementCount = b.requirementCount;
        t.requirements = b.requirements;
        YearTerms memory y = _termsInForce(benefitId, b, DateLib.yearOf(date));
        t.monthlyAmountCents = y.monthlyAmountCents;
        t.incomeLimitCents = y.incomeLimitCents;
    }

    /// @inheritdoc IBenefitCatalog
    function benefit(bytes32 benefitId) external view returns (StoredBenefit memory) {
        return _benefits[benefitId];
    }

    /// @inheritdoc IBenefitCatalog
    function benefitCode(bytes32 benefitId) external view returns (string memory) {
        return _codes[benefitId];
    }

    /// @inheritdoc IBenefitCatalog
    function benefitIds() external view returns (bytes32[] memory) {
        return _benefitIds;
    }

    /// @inheritdoc IBenefitCatalog
    function yearTerms(bytes32 benefitId, uint16 year) external view returns (YearTerms memory) {
        return _years[benefitId][year];
    }

    /// @inheritdoc IBenefitCatalog
    function wavePhase(uint8 wave) external view returns (WavePhase phase, uint16[] memory pilotProvinces) {
        return (_waves[wave].phase, _pilotLists[wave]);
    }

    /// @inheritdoc IBenefitCatalog
    function isLive(uint8 wave, uint16 province) public view returns (bool) {
        Wave memory w = _waves[wave];
        if (w.phase == WavePhase.LIVE) return true;
        return w.phase == WavePhase.PILOT && _pilot[wave][w.generation][province];
    }

    /// @dev The terms of `year`, else of the latest earlier year, else (a date before the catalog
    /// begins) of the first year: a benefit always has an amount once it has any year.
    function _termsInForce(bytes32 benefitId, StoredBenefit memory b, uint16 year)
        private
        view
        returns (YearTerms memory)
    {
        if (b.firstYear == 0) return YearTerms(false, 0, 0);
        if (year <= b.firstYear) return _years[benefitId][b.firstYear];
        uint256 y = year < b.lastYear ? year : b.lastYear;
        // Terminates at firstYear, which is always set.
        while (!_years[benefitId][y].set) --y;
        return _years[benefitId][y];
    }

    function _requireValidRule(bytes32 benefitId, BenefitRule calldata rule) private pure {
        uint256 count = rule.requirements.length;
        bool paymentsOk = rule.monetary
            ? (rule.paymentsPerYear == 12 || rule.paymentsPerYear == 13)
            : rule.paymentsPerYear == 0;
        if (
            rule.wave == 0 || rule.wave > WAVE_COUNT || !paymentsOk || rule.minAge >= rule.maxAgeExclusive
                || count == 0 || count > MAX_REQUIREMENTS
        ) revert BenefitCatalogInvalidRule(benefitId);
        for (uint256 i = 0; i < count; ++i) {
            Requirement calldata r = rule.requirements[i];
            if (
                r.category == Category.NONE || r.maxPercentage > 100 || r.minPercentage > r.maxPercentage
                    || r.requiredFlags & ~Flags.ALL != 0
            ) revert BenefitCatalogInvalidRequirement(benefitId, i);
        }
    }

    function _pack(Requirement[] calldata requirements) private pure returns (uint256) {
        Requirements packed;
        for (uint256 i = 0; i < requirements.length; ++i) {
            Requirement calldata r = requirements[i];
            packed = packed.withRequirement(i, r.category, r.minPercentage, r.maxPercentage, r.requiredFlags);
        }
        return Requirements.unwrap(packed);
    }
}
