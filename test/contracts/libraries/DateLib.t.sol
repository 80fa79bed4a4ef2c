// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {DateLib} from "../../../contracts/libraries/DateLib.sol";
import {Assertions} from "../utils/Assertions.sol";

contract DateLibTest is Assertions {
    /// @dev 2200-01-01 00:00 UTC: the first second past the supported calendar.
    uint256 private constant END_OF_CALENDAR_TS = 7258118400;
    /// @dev Days from 0000-03-01 (DateLib's epoch) to 1970-01-01, Hinnant's constant.
    uint256 private constant UNIX_EPOCH_DAY = 719468;

    // ------------------------------------------------------------ isValidDate

    function test_isValidDate_acceptsFebruary29OnlyInLeapYears() public pure {
        assertTrue(DateLib.isValidDate(20240229), "2024 is a leap year");
        assertFalse(DateLib.isValidDate(20230229), "2023 is not a leap year");
        assertFalse(DateLib.isValidDate(20240230), "February never has 30 days");
    }

    function test_isValidDate_followsTheCenturyRule() public pure {
        assertFalse(DateLib.isValidDate(19000229), "1900: divisible by 100, not by 400");
        assertTrue(DateLib.isValidDate(20000229), "2000: divisible by 400");
        assertFalse(DateLib.isValidDate(21000229), "2100: divisible by 100, not by 400");
        assertTrue(DateLib.isValidDate(19000228), "1900-02-28");
    }

    function test_isValidDate_refusesMonthsAndDaysOutOfBounds() public pure {
        assertFalse(DateLib.isValidDate(20260001), "month 0");
        assertFalse(DateLib.isValidDate(20261301), "month 13");
        assertFalse(DateLib.isValidDate(20260100), "day 0");
        assertTrue(DateLib.isValidDate(20260131), "January 31");
        assertFalse(DateLib.isValidDate(20260132), "January 32");
        assertTrue(DateLib.isValidDate(20260430), "April 30");
        assertFalse(DateLib.isValidDate(20260431), "April 31");
        assertFalse(DateLib.isValidDate(20260631), "June 31");
        assertFalse(DateLib.isValidDate(20260931), "September 31");
        assertFalse(DateLib.isValidDate(20261131), "November 31");
        assertTrue(DateLib.isValidDate(20261231), "December 31");
    }

    function test_isValidDate_refusesYearsOutsideTheSupportedCalendar() public pure {
        assertTrue(DateLib.isValidDate(19000101), "first supported day");
        assertTrue(DateLib.isValidDate(21991231), "last supported day");
        assertFalse(DateLib.isValidDate(18991231), "1899");
        assertFalse(DateLib.isValidDate(22000101), "2200");
        assertFalse(DateLib.isValidDate(0), "zero");
        assertFalse(DateLib.isValidDate(202601), "a period is not a date");
        assertFalse(DateLib.isValidDate(type(uint256).max), "huge");
    }

    function test_isValidPeriod_acceptsOnlyRealMonthsInTheSupportedYears() public pure {
        assertTrue(DateLib.isValidPeriod(202601), "2026-01");
        assertTrue(DateLib.isValidPeriod(202612), "2026-12");
        assertFalse(DateLib.isValidPeriod(202600), "month 0");
        assertFalse(DateLib.isValidPeriod(202613), "month 13");
        assertTrue(DateLib.isValidPeriod(190001), "1900-01");
        assertTrue(DateLib.isValidPeriod(219912), "2199-12");
        assertFalse(DateLib.isValidPeriod(189912), "1899-12");
        assertFalse(DateLib.isValidPeriod(220001), "2200-01");
        assertFalse(DateLib.isValidPeriod(20260601), "a date is not a period");
    }

    // ------------------------------------------------------------ day numbers

    function test_toDayNumber_countsFromMarchFirstOfYearZero() public pure {
        assertEq(DateLib.toDayNumber(19700101), UNIX_EPOCH_DAY, "1970-01-01");
    }

    function test_daysBetween_matchesKnownDayCounts() public pure {
        assertEq(DateLib.daysBetween(19700101, 20000101), 10957, "1970 to 2000");
        assertEq(DateLib.daysBetween(20000101, 20010101), 366, "2000 is a leap year");
        assertEq(DateLib.daysBetween(21000101, 21010101), 365, "2100 is not");
        assertEq(DateLib.daysBetween(19000101, 19700101), 25567, "1900 to 1970");
        assertEq(DateLib.daysBetween(19000101, 21991231), 109572, "the whole calendar");
        assertEq(DateLib.daysBetween(19700101, 20260615), 20619, "1970 to 2026-06-15");
        assertEq(DateLib.daysBetween(20240228, 20240301), 2, "across 2024-02-29");
        assertEq(DateLib.daysBetween(19000228, 19000301), 1, "no 1900-02-29");
        assertEq(DateLib.daysBetween(20261231, 20270101), 1, "across new year");
        assertEq(DateLib.daysBetween(20260501, 20260531), 30, "a 30-day difference");
    }

    function test_daysBetween_isZeroWhenTheEndIsNotAfterTheStart() public pure {
        assertEq(DateLib.daysBetween(20260615, 20260615), 0, "same day");
        assertEq(DateLib.daysBetween(20260615, 20260614), 0, "backwards");
    }

    // ------------------------------------------------------------ fromTimestamp

    function test_fromTimestamp_convertsKnownTimestamps() public pure {
        assertEq(DateLib.fromTimestamp(0), 19700101, "unix epoch");
        assertEq(DateLib.fromTimestamp(86399), 19700101, "last second of the first day");
        assertEq(DateLib.fromTimestamp(86400), 19700102, "second day");
        assertEq(DateLib.fromTimestamp(951782400), 20000229, "2000-02-29 00:00");
        assertEq(DateLib.fromTimestamp(951782400 + 86399), 20000229, "2000-02-29 23:59:59");
        assertEq(DateLib.fromTimestamp(951782400 + 86400), 20000301, "2000-03-01");
        assertEq(DateLib.fromTimestamp(1735689599), 20241231, "2024-12-31 23:59:59");
        assertEq(DateLib.fromTimestamp(1735689600), 20250101, "2025-01-01");
        assertEq(DateLib.fromTimestamp(1781481600 + 12 hours), 20260615, "2026-06-15 noon");
        assertEq(DateLib.fromTimestamp(4102444800), 21000101, "2100-01-01");
        assertEq(DateLib.fromTimestamp(4107542400 - 1), 21000228, "2100 has no February 29");
        assertEq(DateLib.fromTimestamp(4107542400), 21000301, "2100-03-01");
        assertEq(DateLib.fromTimestamp(END_OF_CALENDAR_TS - 1), 21991231, "last second of the calendar");
    }

    /// @dev fromTimestamp and toDayNumber are inverse: the day count between two dates equals the
    /// whole days between their timestamps.
    function testFuzz_fromTimestamp_roundTripsWithDayNumbers(uint256 a, uint256 b) public pure {
        a = bound(a, 0, END_OF_CALENDAR_TS - 1);
        b = bound(b, 0, END_OF_CALENDAR_TS - 1);
        if (a > b) (a, b) = (b, a);
        uint32 dateA = DateLib.fromTimestamp(a);
        uint32 dateB = DateLib.fromTimestamp(b);
        assertTrue(DateLib.isValidDate(dateA) && DateLib.isValidDate(dateB), "fromTimestamp gives real dates");
        assertEq(DateLib.daysBetween(dateA, dateB), b / 1 days - a / 1 days, "days between");
        assertEq(DateLib.toDayNumber(dateA), UNIX_EPOCH_DAY + a / 1 days, "day number of a");
    }

    /// @dev The day after a date is one day number later, and is the next calendar date.
    function testFuzz_fromTimestamp_nextDayIsTheNextCalendarDate(uint256 ts) public pure {
        ts = bound(ts, 0, END_OF_CALENDAR_TS - 1 days - 1);
        uint32 today = DateLib.fromTimestamp(ts);
        uint32 tomorrow = DateLib.fromTimestamp(ts + 1 days);
        assertTrue(tomorrow > today, "dates increase");
        uint256 year = today / 10000;
        uint256 month = (today / 100) % 100;
        uint256 day = today % 100;
        uint256 expected;
        if (day < DateLib.daysInMonth(year, month)) expected = today + 1;
        else if (month < 12) expected = year * 10000 + (month + 1) * 100 + 1;
        else expected = (year + 1) * 10000 + 101;
        assertEq(tomorrow, expected, "next calendar date");
    }

    // ------------------------------------------------------------ ageInYears

    function test_ageInYears_turnsOnTheBirthdayNotTheDayBefore() public pure {
        assertEq(DateLib.ageInYears(19700510, 20260509), 55, "day before the birthday");
        assertEq(DateLib.ageInYears(19700510, 20260510), 56, "on the birthday");
        assertEq(DateLib.ageInYears(19700510, 20261231), 56, "later that year");
        assertEq(DateLib.ageInYears(20080101, 20251231), 17, "day before turning 18");
        assertEq(DateLib.ageInYears(20080101, 20260101), 18, "turning 18");
    }

    function test_ageInYears_isZeroOnTheBirthDateAndBefore() public pure {
        assertEq(DateLib.ageInYears(20260615, 20260615), 0, "born today");
        assertEq(DateLib.ageInYears(20260615, 20260614), 0, "not yet born");
    }

    /// @dev Someone born on 29 February turns a year older on 1 March in common years (YYYYMMDD
    /// subtraction), and on 29 February in leap years.
    function test_ageInYears_countsFebruary29BirthsFromMarchFirstInCommonYears() public pure {
        assertEq(DateLib.ageInYears(20000229, 20010228), 0, "2001-02-28");
        assertEq(DateLib.ageInYears(20000229, 20010301), 1, "2001-03-01");
        assertEq(DateLib.ageInYears(20000229, 20040228), 3, "2004-02-28");
        assertEq(DateLib.ageInYears(20000229, 20040229), 4, "2004-02-29");
        assertEq(DateLib.ageInYears(20080229, 20260228), 17, "2026-02-28: still 17");
        assertEq(DateLib.ageInYears(20080229, 20260301), 18, "2026-03-01: 18");
    }

    /// @dev The YYYYMMDD subtraction agrees with the textbook rule: years minus one if the birthday
    /// has not come yet this year.
    function testFuzz_ageInYears_matchesTheCalendarRule(uint256 birthTs, uint256 dateTs) public pure {
        birthTs = bound(birthTs, 0, END_OF_CALENDAR_TS - 1);
        dateTs = bound(dateTs, birthTs, END_OF_CALENDAR_TS - 1);
        uint256 birth = DateLib.fromTimestamp(birthTs);
        uint256 date = DateLib.fromTimestamp(dateTs);
        uint256 expected = date / 10000 - birth / 10000;
        if (date % 10000 < birth % 10000) expected -= 1;
        assertEq(DateLib.ageInYears(birth, date), expected, "age");
    }

    // ------------------------------------------------------------ periods

    function test_periodHelpers_convertBetweenDatesAndPeriods() public pure {
        assertEq(DateLib.periodOf(20261225), 202612, "periodOf");
        assertEq(DateLib.firstDayOf(202612), 20261201, "firstDayOf");
        assertEq(DateLib.yearOf(20261225), 2026, "yearOf");
        assertEq(DateLib.monthIndex(202601) - DateLib.monthIndex(202512), 1, "months are dense across years");
        assertEq(DateLib.monthIndex(202612) - DateLib.monthIndex(202601), 11, "within a year");
    }

    // ------------------------------------------------------------ compact dates

    function test_compact_coversTheWholeCalendarIn18Bits() public pure {
        assertEq(DateLib.toCompact(19000101), (1 << 5) | 1, "first day");
        assertEq(DateLib.fromCompact(DateLib.toCompact(19000101)), 19000101, "first day back");
        assertTrue(DateLib.toCompact(21991231) < 1 << 18, "last day fits 18 bits");
        assertEq(DateLib.fromCompact(DateLib.toCompact(21991231)), 21991231, "last day back");
        assertEq(DateLib.fromCompact(0), 0, "0 is no date");
    }

    /// @dev Compact dates round-trip and order as the dates do, so storage compares them directly.
    function testFuzz_compact_roundTripsAndKeepsTheOrder(uint256 a, uint256 b) public pure {
        a = bound(a, 0, END_OF_CALENDAR_TS - 1);
        b = bound(b, 0, END_OF_CALENDAR_TS - 1);
        // Before 1970 too: half the draws go back 68 years (a multiple of 4: February 29 stays real).
        uint256 dateA = a % 2 == 0 ? DateLib.fromTimestamp(a) : DateLib.fromTimestamp(a / 4) - 680000;
        uint256 dateB = DateLib.fromTimestamp(b);
        assertTrue(DateLib.isValidDate(dateA), "a real date");
        assertEq(DateLib.fromCompact(DateLib.toCompact(dateA)), dateA, "round trip a");
        assertEq(DateLib.fromCompact(DateLib.toCompact(dateB)), dateB, "round trip b");
        assertEq(DateLib.toCompact(dateA) < DateLib.toCompact(dateB), dateA < dateB, "order");
        assertTrue(DateLib.toCompact(dateA) != 0, "never 0");
    }

    /// @dev A batch compares compact dates with `compactFloor(date)` instead of converting each:
    /// that must be the YYYYMMDD comparison for every compact date and every date, valid or not.
    function testFuzz_compactFloor_ordersAsTheDates(uint256 compact, uint32 ymd) public pure {
        compact = bound(compact, 1, (1 << 18) - 1);
        assertEq(
            compact > DateLib.compactFloor(ymd), DateLib.fromCompact(compact) > ymd, "floor comparison = date comparison"
        );
    }

    function test_compactFloor_isTheCompactDateOfAValidDate() public pure {
        assertEq(DateLib.compactFloor(20260601), DateLib.toCompact(20260601), "valid date");
        assertEq(DateLib.compactFloor(18991231), 0, "before 1900: below every compact date");
        assertEq(DateLib.compactFloor(20261340), (126 << 9) | (13 << 5) | 31, "day 40: day 31 of the month");
        assertEq(DateLib.compactFloor(20262005), (126 << 9) | (15 << 5) | 31, "month 20: the year's last field values");
    }
}
