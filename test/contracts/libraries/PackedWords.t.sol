// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {PayrollWord, PayrollWordLibrary} from "../../../contracts/libraries/PayrollWord.sol";
import {Requirements} from "../../../contracts/libraries/Requirements.sol";
import {Category} from "../../../contracts/types/PATypes.sol";
import {Assertions} from "../utils/Assertions.sol";

/// @notice Round trips of the packed words: every setter is read back by its getter and leaves
/// every other field as it was, whatever the word held before.
contract PackedWordsTest is Assertions {
    uint256 private constant DATE_MASK = (1 << 18) - 1;

    struct Fields {
        uint256 birth;
        uint32 residence;
        uint256 death;
        bool stays;
        uint256 incomeYear; // 0 = none
        uint64 income;
        uint256[5] effective;
        uint8[5] percentage;
        uint8[5] flags;
        uint256 number;
    }

    function _fields(PayrollWord w) private pure returns (Fields memory f) {
        f.birth = w.birth();
        f.residence = w.residence();
        f.death = w.death();
        f.stays = w.hasStays();
        f.incomeYear = w.lastIncomeYear();
        f.income = w.income();
        for (uint256 c = 1; c < 5; ++c) {
            (f.effective[c], f.percentage[c], f.flags[c]) = w.head(c);
        }
        f.number = w.number();
    }

    function _assertSame(Fields memory a, Fields memory b, string memory what) private pure {
        assertEq(a.birth, b.birth, string.concat(what, ": birth"));
        assertEq(a.residence, b.residence, string.concat(what, ": residence"));
        assertEq(a.death, b.death, string.concat(what, ": death"));
        assertTrue(a.stays == b.stays, string.concat(what, ": stays"));
        assertEq(a.incomeYear, b.incomeYear, string.concat(what, ": income year"));
        assertEq(a.income, b.income, string.concat(what, ": income"));
        for (uint256 c = 1; c < 5; ++c) {
            assertEq(a.effective[c], b.effective[c], string.concat(what, ": head effective"));
            assertEq(a.percentage[c], b.percentage[c], string.concat(what, ": head percentage"));
            assertEq(a.flags[c], b.flags[c], string.concat(what, ": head flags"));
        }
        assertEq(a.number, b.number, string.concat(what, ": number"));
    }

    function testFuzz_payrollWord_everySetterRoundTripsAndLeavesTheRest(
        uint256 raw,
        uint256 birth,
        uint256 residence,
        uint256 death,
        uint256 year,
        uint64 income,
        uint256 category,
        uint256 effective,
        uint8 percentage,
        uint8 flags,
        uint256 number
    ) public pure {
        PayrollWord w = PayrollWord.wrap(raw);
        birth = bound(birth, 0, DATE_MASK);
        residence = bound(residence, 0, (1 << 17) - 1);
        death = bound(death, 0, DATE_MASK);
        year = bound(year, 1900, 1899 + 511);
        category = bound(category, 1, 4);
        effective = bound(effective, 1, DATE_MASK);
        percentage = uint8(bound(percentage, 0, 100));
        flags = uint8(bound(flags, 0, 31));
        number = bound(number, 1, PayrollWordLibrary.MAX_NUMBER);

        Fields memory before = _fields(w);
        PayrollWord civil = w.withCivil(birth, residence);
        Fields memory expected = before;
        (expected.birth, expected.residence) = (birth, uint32(residence));
        _assertSame(_fields(civil), expected, "withCivil");

        PayrollWord dead = w.withDeath(death);
        expected = _fields(w);
        expected.death = death;
        _assertSame(_fields(dead), expected, "withDeath");

        PayrollWord stays = w.withStays();
        expected = _fields(w);
        expected.stays = true;
        _assertSame(_fields(stays), expected, "withStays");

        PayrollWord earned = w.withIncome(year, income);
        expected = _fields(w);
        // An income above the field's range is kept as MAX_INCOME ("that much or more").
        (expected.incomeYear, expected.income) =
            (year, income > PayrollWordLibrary.MAX_INCOME ? PayrollWordLibrary.MAX_INCOME : income);
        _assertSame(_fields(earned), expected, "withIncome");

        PayrollWord headed = w.withHead(category, effective, percentage, flags);
        expected = _fields(w);
        (expected.effective[category], expected.percentage[category], expected.flags[category]) =
            (effective, percentage, flags);
        _assertSame(_fields(headed), expected, "withHead");
        assertEq(headed.headEffective(category), effective, "headEffective");

        PayrollWord cleared = headed.withHead(category, 0, percentage, flags);
        expected = _fields(w);
        (expected.effective[category], expected.percentage[category], expected.flags[category]) = (0, 0, 0);
        _assertSame(_fields(cleared), expected, "a head with effective date 0 is no head");

        PayrollWord numbered = w.withNumber(number);
        expected = _fields(w);
        expected.number = number;
        _assertSame(_fields(numbered), expected, "withNumber");
    }

    function test_payrollWord_keepsTheLayoutTheChainHasAlwaysStored() public pure {
        // The layout is storage: a refactoring must not move a field (docs/contracts.md).
        // Issue 20 moved the heads down and put the subject's number on top (income 64 -> 40 bits).
        PayrollWord w = PayrollWord.wrap(0).withCivil(0x2abcd, 58091).withDeath(0x3ffff).withStays()
            .withIncome(2025, 1_000_000).withHead(1, 0x30001, 100, 1).withHead(4, 0x20002, 46, 16)
            .withNumber(0x1_2345_6789);
        uint256 expected = 0x2abcd | (58091 << 18) | (uint256(0x3ffff) << 35) | (1 << 53) | (uint256(2025 - 1899) << 54)
            | (uint256(1_000_000) << 63) | ((0x30001 | (100 << 18) | (1 << 25)) << 103)
            | ((uint256(0x20002) | (46 << 18) | (16 << 25)) << (103 + 90)) | (uint256(0x1_2345_6789) << 223);
        assertEq(PayrollWord.unwrap(w), expected, "layout");
    }

    function testFuzz_requirements_roundTripEachOfEightWithoutTouchingTheOthers(
        uint256 raw,
        uint256 i,
        uint8 category,
        uint8 minPercentage,
        uint8 maxPercentage,
        uint8 requiredFlags
    ) public pure {
        i = bound(i, 0, 7);
        category = uint8(bound(category, 0, 4));
        Requirements r = Requirements.wrap(raw);
        Requirements set = r.withRequirement(i, Category(category), minPercentage, maxPercentage, requiredFlags);
        (uint8 c, uint8 lo, uint8 hi, uint8 f) = set.at(i);
        assertEq(c, category, "category");
        assertEq(lo, minPercentage, "min");
        assertEq(hi, maxPercentage, "max");
        assertEq(f, requiredFlags, "flags");
        assertEq(set.categoryAt(i), category, "categoryAt");
        uint256 others = ~(uint256(type(uint32).max) << (32 * i));
        assertEq(Requirements.unwrap(set) & others, raw & others, "the other seven untouched");
    }

    function test_requirements_packLikeTheCatalogHasAlwaysStoredThem() public pure {
        Requirements r = Requirements.wrap(0).withRequirement(0, Category.CIVIL_INVALIDITY, 46, 100, 0)
            .withRequirement(1, Category.BLINDNESS, 0, 100, 4);
        assertEq(Requirements.unwrap(r), (1 | (46 << 8) | (100 << 16)) | ((2 | (100 << 16) | (4 << 24)) << 32), "layout");
    }
}
