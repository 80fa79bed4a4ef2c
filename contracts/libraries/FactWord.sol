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
///   [32, 64)   residence       6-digit ISTAT municipality code
///   [64, 96)   deathDate       YYYYMMDD, 0 = alive
///   [96, 160)  incomeCents     euro cents
///   160        hasCivilRecord
///   161        incomeAttested
///   162        longHospitalStay
///   [176 + 20 * (c - 1), +17)  the valid assessment of category c = 1..4: percentage [0, 8),
///              flags [8, 16), exists (bit 16)
library FactWord {
    uint256 internal constant HAS_CIVIL_RECORD = 1 << 160;
    uint256 internal constant INCOME_ATTESTED = 1 << 161;
    uint256 internal constant LONG_HOSPITAL_STAY = 1 << 162;
    uint256 private constant LANES = 176;
    uint256 private constant LANE_BITS = 20;
    uint256 private constant LANE_EXISTS = 1 << 16;
    uint256 private constant LANE_MASK = (1 << 17) - 1;

    /// @notice The civil part of a word.
    function civil(bool civilRecord, uint32 birth, uint32 municipality, uint32 death)
        internal
        pure
        returns (uint256 facts)
    {
        facts = uint256(birth) | (uint256(municipality) << 32) | (uint256(death) << 64);
        if (civilRecord) facts |= HAS_CIVIL_RECORD;
    }

    /// @notice `facts` with an attested income.
    function withIncome(uint256 facts, uint64 cents) internal pure returns (uint256) {
        return facts | INCOME_ATTESTED | (uint256(cents) << 96);
    }

    /// @notice `facts` with the valid assessment of `category` (1-4); its lane must be empty.
    function withAssessment(uint256 facts, uint256 category, uint8 percentage, uint8 flags)
        internal
        pure
        returns (uint256)
    {
        uint256 lane = LANE_EXISTS | (uint256(flags) << 8) | percentage;
        // Categories are 1-4 (validated where they enter the chain): the shift is at most 236.
        unchecked {
            return facts | (lane << (LANES + LANE_BITS * (category - 1)));
        }
    }

    /// @notice The word of a snapshot (assessment ids and review dates are not part of it).
    function fromSnapshot(FactSnapshot memory snap) internal pure returns (uint256 facts) {
        facts = civil(snap.hasCivilRecord, snap.birthDate, snap.residence, snap.deathDate);
        for (uint256 c = 1; c < 5; ++c) {
            if (snap.assessments[c].exists) {
                facts = withAssessment(facts, c, snap.assessments[c].percentage, snap.assessments[c].flags);
            }
        }
        if (snap.incomeAttested) facts = withIncome(facts, snap.incomeCents);
        else facts |= uint256(snap.incomeCents) << 96;
        if (snap.longHospitalStay) facts |= LONG_HOSPITAL_STAY;
    }

    function hasCivilRecord(uint256 facts) internal pure returns (bool) {
        return facts & HAS_CIVIL_RECORD != 0;
    }

    function birthDate(uint256 facts) internal pure returns (uint32) {
        return uint32(facts);
    }

    function residence(uint256 facts) internal pure returns (uint32) {
        return uint32(facts >> 32);
    }

    function deathDate(uint256 facts) internal pure returns (uint32) {
        return uint32(facts >> 64);
    }

    function incomeAttested(uint256 facts) internal pure returns (bool) {
        return facts & INCOME_ATTESTED != 0;
    }

    function incomeCents(uint256 facts) internal pure returns (uint64) {
        return uint64(facts >> 96);
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
        // Categories are 1-4 (validated where they enter the chain): the shift is at most 236.
        unchecked {
            lane = (facts >> (LANES + LANE_BITS * (category - 1))) & LANE_MASK;
        }
        return (lane & LANE_EXISTS != 0, uint8(lane), uint8(lane >> 8));
    }
}
