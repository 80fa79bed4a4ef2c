// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @notice What a payment reads about a subject in the usual case, in the FactRegistry's one slot
/// per subject: civil facts, the latest income and per category the assessment valid on every date
/// from its effective date on (its "head"). Like Uniswap v4's `Slot0`: a value type whose layout
/// lives only in `PayrollWordLibrary`, read and written through named getters and setters.
/// @dev Layout, lowest bit first; dates are DateLib compact dates (18 bits, 0 = none):
///   [0, 18)     birth date, 0 = no civil record
///   [18, 35)    residence, ISTAT municipality code (17 bits)
///   [35, 53)    death date, 0 = alive
///   53          has stays: at least one hospital stay recorded
///   [54, 63)    latest attested income year - 1899 (9 bits), 0 = none
///   [63, 103)   that year's income, euro cents (40 bits, about 11 billion euros); `MAX_INCOME`
///               means "this much or more": the FactRegistry then reads the exact amount from the
///               income history, as for an earlier year
///   [103 + 30 * (c - 1), +30)  the head of category c = 1..4: the unrevoked assessment with the
///               latest effective date (ties: recorded last). Effective date [0, 18), percentage
///               [18, 25), flags [25, 30); 0 = no unrevoked assessment of the category.
///   [223, 256)  the subject's number (33 bits): a dense counter from 1, assigned when the word is
///               first written (0 = no record at all). The BenefitLedger's paid bitmaps are keyed
///               by it, so a payment reads it with the facts in the same cold slot.
type PayrollWord is uint256;

using PayrollWordLibrary for PayrollWord global;

library PayrollWordLibrary {
    uint256 private constant DATE_MASK = (1 << 18) - 1;
    uint256 private constant BIRTH_SHIFT = 0;
    uint256 private constant RESIDENCE_SHIFT = 18;
    uint256 private constant RESIDENCE_MASK = (1 << 17) - 1;
    uint256 private constant DEATH_SHIFT = 35;
    uint256 private constant HAS_STAYS = 1 << 53;
    uint256 private constant INCOME_YEAR_SHIFT = 54;
    uint256 private constant INCOME_YEAR_MASK = (1 << 9) - 1;
    uint256 private constant INCOME_YEAR_BASE = 1899;
    uint256 private constant INCOME_SHIFT = 63;
    uint256 private constant INCOME_MASK = (1 << 40) - 1;
    uint256 private constant HEADS_SHIFT = 103;
    uint256 private constant NUMBER_SHIFT = 223;
    /// @notice The largest subject number the word holds.
    uint256 internal constant MAX_NUMBER = (1 << 33) - 1;
    /// @notice The largest income the word holds, euro cents: an income this large or larger is kept as this.
    uint64 internal constant MAX_INCOME = uint64(INCOME_MASK);
    uint256 private constant HEAD_BITS = 30;
    uint256 private constant HEAD_MASK = (1 << 30) - 1;
    uint256 private constant PERCENTAGE_SHIFT = 18;
    uint256 private constant PERCENTAGE_MASK = 0x7f;
    uint256 private constant FLAGS_SHIFT = 25;
    uint256 private constant FLAGS_MASK = 0x1f;

    // ------------------------------------------------------------ civil facts

    /// @notice The compact birth date, 0 = no civil record.
    function birth(PayrollWord w) internal pure returns (uint256) {
        return (PayrollWord.unwrap(w) >> BIRTH_SHIFT) & DATE_MASK;
    }

    /// @notice The ISTAT municipality code of residence.
    function residence(PayrollWord w) internal pure returns (uint32) {
        return uint32((PayrollWord.unwrap(w) >> RESIDENCE_SHIFT) & RESIDENCE_MASK);
    }

    /// @notice The compact death date, 0 = alive.
    function death(PayrollWord w) internal pure returns (uint256) {
        return (PayrollWord.unwrap(w) >> DEATH_SHIFT) & DATE_MASK;
    }

    /// @notice `w` with a civil record: compact birth date and residence (17 bits).
    function withCivil(PayrollWord w, uint256 birthCompact, uint256 residenceCode) internal pure returns (PayrollWord) {
        uint256 word = PayrollWord.unwrap(w) & ~((DATE_MASK << BIRTH_SHIFT) | (RESIDENCE_MASK << RESIDENCE_SHIFT));
        return PayrollWord.wrap(
            word | ((birthCompact & DATE_MASK) << BIRTH_SHIFT) | ((residenceCode & RESIDENCE_MASK) << RESIDENCE_SHIFT)
        );
    }

    /// @notice `w` with a compact death date.
    function withDeath(PayrollWord w, uint256 deathCompact) internal pure returns (PayrollWord) {
        return PayrollWord.wrap(
            (PayrollWord.unwrap(w) & ~(DATE_MASK << DEATH_SHIFT)) | ((deathCompact & DATE_MASK) << DEATH_SHIFT)
        );
    }

    // ------------------------------------------------------------ stays

    /// @notice Whether any hospital stay is recorded for the subject.
    function hasStays(PayrollWord w) internal pure returns (bool) {
        return PayrollWord.unwrap(w) & HAS_STAYS != 0;
    }

    /// @notice `w` marked as having hospital stays.
    function withStays(PayrollWord w) internal pure returns (PayrollWord) {
        return PayrollWord.wrap(PayrollWord.unwrap(w) | HAS_STAYS);
    }

    // ------------------------------------------------------------ income

    /// @notice The latest attested income year, 0 = none.
    function lastIncomeYear(PayrollWord w) internal pure returns (uint256) {
        uint256 code = (PayrollWord.unwrap(w) >> INCOME_YEAR_SHIFT) & INCOME_YEAR_MASK;
        return code == 0 ? 0 : code + INCOME_YEAR_BASE;
    }

    /// @notice The income of `lastIncomeYear`, euro cents.
    function income(PayrollWord w) internal pure returns (uint64) {
        return uint64((PayrollWord.unwrap(w) >> INCOME_SHIFT) & INCOME_MASK);
    }

    /// @notice `w` with `year` (1900-2410) as the latest attested income year and its income
    /// (`MAX_INCOME` for that much or more).
    function withIncome(PayrollWord w, uint256 year, uint64 cents) internal pure returns (PayrollWord) {
        if (cents > MAX_INCOME) cents = MAX_INCOME;
        uint256 word = PayrollWord.unwrap(w) & ~((INCOME_YEAR_MASK << INCOME_YEAR_SHIFT) | (INCOME_MASK << INCOME_SHIFT));
        return PayrollWord.wrap(
            word | (((year - INCOME_YEAR_BASE) & INCOME_YEAR_MASK) << INCOME_YEAR_SHIFT) | (uint256(cents) << INCOME_SHIFT)
        );
    }

    // ------------------------------------------------------------ the subject's number

    /// @notice The subject's dense number, from 1; 0 = the word was never written.
    function number(PayrollWord w) internal pure returns (uint256) {
        return PayrollWord.unwrap(w) >> NUMBER_SHIFT;
    }

    /// @notice `w` with the subject's number (1 to `MAX_NUMBER`).
    function withNumber(PayrollWord w, uint256 n) internal pure returns (PayrollWord) {
        return PayrollWord.wrap((PayrollWord.unwrap(w) & ((1 << NUMBER_SHIFT) - 1)) | ((n & MAX_NUMBER) << NUMBER_SHIFT));
    }

    // ------------------------------------------------------------ assessment heads

    /// @notice The compact effective date of the head of `category` (1-4), 0 = no head.
    function headEffective(PayrollWord w, uint256 category) internal pure returns (uint256) {
        return _head(w, category) & DATE_MASK;
    }

    /// @notice The head of `category` (1-4): compact effective date (0 = none), percentage, flags.
    function head(PayrollWord w, uint256 category)
        internal
        pure
        returns (uint256 effective, uint8 percentage, uint8 flags)
    {
        uint256 h = _head(w, category);
        return (h & DATE_MASK, uint8((h >> PERCENTAGE_SHIFT) & PERCENTAGE_MASK), uint8(h >> FLAGS_SHIFT));
    }

    /// @notice `w` with the head of `category` (1-4) set; effective 0 clears it.
    function withHead(PayrollWord w, uint256 category, uint256 effective, uint8 percentage, uint8 flags)
        internal
        pure
        returns (PayrollWord)
    {
        uint256 h = effective == 0
            ? 0
            : (effective & DATE_MASK) | ((uint256(percentage) & PERCENTAGE_MASK) << PERCENTAGE_SHIFT)
                | ((uint256(flags) & FLAGS_MASK) << FLAGS_SHIFT);
        uint256 shift = _headShift(category);
        return PayrollWord.wrap((PayrollWord.unwrap(w) & ~(HEAD_MASK << shift)) | (h << shift));
    }

    function _head(PayrollWord w, uint256 category) private pure returns (uint256) {
        return (PayrollWord.unwrap(w) >> _headShift(category)) & HEAD_MASK;
    }

    function _headShift(uint256 category) private pure returns (uint256) {
        // Categories are 1-4 (validated where they enter the chain): the shift is at most 193.
        unchecked {
            return HEADS_SHIFT + HEAD_BITS * (category - 1);
        }
    }
}
