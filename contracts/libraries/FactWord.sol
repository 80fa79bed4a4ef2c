// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {FactSnapshot} from "../types/PATypes.sol";

/// @title FactWord
/// @notice What the entitlement rules read about a subject on one date, packed in one word: the
/// same facts as a `FactSnapshot` without the assessment ids and review dates. A payroll moves it
/// from the FactRegistry through the rules on the stack, with no struct to encode, decode or
/// allocate per payment.
/// @dev Layout, lowest bit first:
///   [0, 32)    birthDate       YYYYMMDD, 0 with no civil record
///   [32, 52)   residence       ISTAT municipality code (20 bits; the FactRegistry keeps 17)
///   [52, 84)   deathDate       YYYYMMDD, 0 = alive
///   [84, 148)  incomeCents     euro cents
///   148        hasCivilRecord
///   149        incomeAttested
///   150        longHospitalStay
///   [151 + 17 * (c - 1), +17)  the valid assessment of category c = 1..4: percentage [0, 8),
///              flags [8, 16), exists (bit 16)
///   [219, 256) number          the subject's number in the FactRegistry (PayrollWord), 0 = none:
///              the BenefitLedger's paid bitmaps are keyed by it, so it travels with the facts
library FactWord {
    uint256 internal constant HAS_CIVIL_RECORD = 1 << 148;
    uint256 internal constant INCOME_ATTESTED = 1 << 149;
    uint256 internal constant LONG_HOSPITAL_STAY = 1 << 150;
    uint256 private constant RESIDENCE_MASK = (1 << 20) - 1;
    uint256 private constant DEATH_SHIFT = 52;
    uint256 private constant INCOME_SHIFT = 84;
    uint256 private constant LANES = 151;
    uint256 private constant LANE_BITS = 17;
    uint256 private constant NUMBER_SHIFT = 219;
    uint256 private constant LANE_EXISTS = 1 << 16;
    uint256 private constant LANE_MASK = (1 << 17) - 1;

    /// @notice The civil part of a word.
    function civil(bool civilRecord, uint32 birth, uint32 municipality, uint32 death)
        internal
        pure
        returns (uint256 facts)
    {
        facts = uint256(birth) | ((uint256(municipality) & RESIDENCE_MASK) << 32) | (uint256(death) << DEATH_SHIFT);
        if (civilRecord) facts |= HAS_CIVIL_RECORD;
    }

    /// @notice `facts` with an attested income.
    function withIncome(uint256 facts, uint64 cents) internal pure returns (uint256) {
        return facts | INCOME_ATTESTED | (uint256(cents) << INCOME_SHIFT);
    }

    /// @notice `facts` with the subject's number; its number must be 0.
    function withNumber(uint256 facts, uint256 n) internal pure returns (uint256) {
        return facts | (n << NUMBER_SHIFT);
    }

    /// @notice `facts` with the valid assessment of `category` (1-4); its lane must be empty.
    function withAssessment(uint256 facts, uint256 category, uint8 percentage, uint8 flags)
        internal
        pure
        returns (uint256)
    {
        uint256 lane = LANE_EXISTS | (uint256(flags) << 8) | percentage;
        // Categories are 1-4 (validated where they enter the chain): the shift is at most 202.
        unchecked {
            return facts | (lane << (LANES + LANE_BITS * (category - 1)));
        }
    }

    /// @notice The word of a snapshot (assessment ids, review dates and the subject's number are
    /// not part of it).
    function fromSnapshot(FactSnapshot memory snap) internal pure returns (uint256 facts) {
        facts = civil(snap.hasCivilRecord, snap.birthDate, snap.residence, snap.deathDate);
        for (uint256 c = 1; c < 5; ++c) {
            if (snap.assessments[c].exists) {
                facts = withAssessment(facts, c, snap.assessments[c].percentage, snap.assessments[c].flags);
            }
        }
        if (snap.incomeAttested) facts = withIncome(facts, snap.incomeCents);
        else facts |= uint256(snap.incomeCents) << INCOME_SHIFT;
        if (snap.longHospitalStay) facts |= LONG_HOSPITAL_STAY;
    }

    function hasCivilRecord(uint256 facts) internal pure returns (bool) {
        return facts & HAS_CIVIL_RECORD != 0;
    }

    function birthDate(uint256 facts) internal pure returns (uint32) {
        return uint32(facts);
    }

    function residence(uint256 facts) internal pure returns (uint32) {
        return uint32((facts >> 32) & RESIDENCE_MASK);
    }

    function deathDate(uint256 facts) internal pure returns (uint32) {
        return uint32(facts >> DEATH_SHIFT);
    }

    function incomeAttested(uint256 facts) internal pure returns (bool) {
        return facts & INCOME_ATTESTED != 0;
    }

    function incomeCents(uint256 facts) internal pure returns (uint64) {
        return uint64(facts >> INCOME_SHIFT);
    }

    /// @notice The subject's number in the FactRegistry, 0 = none.
    function number(uint256 facts) internal pure returns (uint256) {
        return facts >> NUMBER_SHIFT;
    }

    function longHospitalStay(uint256 facts) internal pure returns (bool) {
        return facts & LONG_HOSPITAL_STAY != 0;
    }

    /// @notice The valid assessment of `category` (1-4): whether there is one, its percentage and flags.
    function assessment(uint256 facts, uint256 category)
        internal
        pure
        returns (bool exists, uint8 percentage, uint8 flags)
    {
        uint256 lane;
        // Categories are 1-4 (validated where they enter the chain): the shift is at most 202.
        unchecked {
            lane = (facts >> (LANES + LANE_BITS * (category - 1))) & LANE_MASK;
        }
        return (lane & LANE_EXISTS != 0, uint8(lane), uint8(lane >> 8));
    }
}
