// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {Category} from "../types/PATypes.sol";

/// @notice A benefit's alternative requirements (anyOf, 1-8), packed in one word as the catalog
/// stores them and the rules read them. The layout lives only in `RequirementsLibrary`.
/// @dev 32 bits per requirement i, lowest first, at 32 * i: category [0, 8), minimum percentage
/// [8, 16), maximum percentage [16, 24), required flags [24, 32). The raw word is part of the ABI
/// (`BenefitTerms.requirements`, `StoredBenefit.requirements`).
type Requirements is uint256;

using RequirementsLibrary for Requirements global;

library RequirementsLibrary {
    uint256 private constant BITS = 32;
    uint256 private constant MIN_SHIFT = 8;
    uint256 private constant MAX_SHIFT = 16;
    uint256 private constant FLAGS_SHIFT = 24;

    /// @notice Requirement `i` (0-7).
    function at(Requirements r, uint256 i)
        internal
        pure
        returns (uint8 category, uint8 minPercentage, uint8 maxPercentage, uint8 requiredFlags)
    {
        uint256 word = _word(r, i);
        return (uint8(word), uint8(word >> MIN_SHIFT), uint8(word >> MAX_SHIFT), uint8(word >> FLAGS_SHIFT));
    }

    /// @notice The category of requirement `i` (0-7).
    function categoryAt(Requirements r, uint256 i) internal pure returns (uint8) {
        return uint8(_word(r, i));
    }

    /// @notice `r` with requirement `i` (0-7) set.
    function withRequirement(
        Requirements r,
        uint256 i,
        Category category,
        uint8 minPercentage,
        uint8 maxPercentage,
        uint8 requiredFlags
    ) internal pure returns (Requirements) {
        uint256 word = uint256(uint8(category)) | (uint256(minPercentage) << MIN_SHIFT)
            | (uint256(maxPercentage) << MAX_SHIFT) | (uint256(requiredFlags) << FLAGS_SHIFT);
        uint256 shift = _shift(i);
        return Requirements.wrap((Requirements.unwrap(r) & ~(uint256(type(uint32).max) << shift)) | (word << shift));
    }

    function _word(Requirements r, uint256 i) private pure returns (uint256) {
        return Requirements.unwrap(r) >> _shift(i);
    }

    function _shift(uint256 i) private pure returns (uint256) {
        // i is below 8 (at most 8 requirements, validated when the rule is defined): at most 224.
        unchecked {
            return BITS * i;
        }
    }
}
