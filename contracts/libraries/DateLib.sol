// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @title DateLib
/// @notice Calendar dates as uint32 YYYYMMDD (e.g. 20260201) and periods as uint32 YYYYMM.
/// @dev YYYYMMDD keeps dates readable in events and makes age in full years a subtraction:
/// (date - birthDate) / 10000. Day arithmetic goes through a day number (days since 1970-01-01,
/// Howard Hinnant's civil calendar algorithm). Supported years: 1900-2199.
library DateLib {
    uint32 internal constant MIN_YEAR = 1900;
    uint32 internal constant MAX_YEAR = 2199;

    /// @notice Whether `ymd` is a real calendar date (YYYYMMDD) in the supported years.
    function isValidDate(uint256 ymd) internal pure returns (bool) {
        uint256 year = ymd / 10000;
        uint256 month = (ymd / 100) % 100;
        uint256 day = ymd % 100;
        if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
        return day <= daysInMonth(year, month);
    }

    /// @notice Whether `yyyymm` is a real period (YYYYMM) in the supported years.
    function isValidPeriod(uint256 yyyymm) internal pure returns (bool) {
        uint256 year = yyyymm / 100;
        uint256 month = yyyymm % 100;
        return year >= MIN_YEAR && year <= MAX_YEAR && month >= 1 && month <= 12;
    }

    function isLeapYear(uint256 year) internal pure returns (bool) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    }

    function daysInMonth(uint256 year, uint256 month) internal pure returns (uint256) {
        if (month == 2) return isLeapYear(year) ? 29 : 28;
        if (month == 4 || month == 6 || month == 9 || month == 11) return 30;
        return 31;
    }

    /// @notice The calendar year of a YYYYMMDD date.
    function yearOf(uint256 ymd) internal pure returns (uint16) {
        return uint16(ymd / 10000);
    }

    /// @notice The first day (YYYYMMDD) of a YYYYMM period.
    function firstDayOf(uint256 yyyymm) internal pure returns (uint32) {
        return uint32(yyyymm * 100 + 1);
    }

    /// @notice Age in full years on `date` of a person born on `birthDate`; 0 before birth.
    function ageInYears(uint256 birthDate, uint256 date) internal pure returns (uint256) {
        return date < birthDate ? 0 : (date - birthDate) / 10000;
    }

    /// @notice Day number of a valid YYYYMMDD date: days since 0000-03-01 in the proleptic Gregorian
    /// calendar. Only differences between day numbers are meaningful.
    function toDayNumber(uint256 ymd) internal pure returns (uint256) {
        uint256 year = ymd / 10000;
        uint256 month = (ymd / 100) % 100;
        uint256 day = ymd % 100;
        // Hinnant's days_from_civil with March as the first month of the computational year.
        if (month <= 2) year -= 1;
        uint256 era = year / 400;
        uint256 yearOfEra = year - era * 400;
        uint256 monthFromMarch = month > 2 ? month - 3 : month + 9;
        uint256 dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1;
        uint256 dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146097 + dayOfEra;
    }

    /// @notice Whole days from `fromYmd` to `toYmd` (0 when `toYmd` is not after `fromYmd`).
    function daysBetween(uint256 fromYmd, uint256 toYmd) internal pure returns (uint256) {
        uint256 from = toDayNumber(fromYmd);
        uint256 to = toDayNumber(toYmd);
        return to > from ? to - from : 0;
    }

    /// @notice The UTC calendar date (YYYYMMDD) of a unix timestamp.
    function fromTimestamp(uint256 timestamp) internal pure returns (uint32) {
        // Hinnant's civil_from_days, shifted to the 0000-03-01 epoch (719468 days before 1970-01-01).
        uint256 z = timestamp / 1 days + 719468;
        uint256 era = z / 146097;
        uint256 dayOfEra = z - era * 146097;
        uint256 yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
        uint256 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        uint256 monthFromMarch = (5 * dayOfYear + 2) / 153;
        uint256 day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        uint256 month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        uint256 year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        return uint32(year * 10000 + month * 100 + day);
    }

    /// @notice A valid YYYYMMDD date in 18 bits, `(year - 1900) << 9 | month << 5 | day`, so storage
    /// can pack several dates in one slot. It orders as the dates do; 0 is no valid date.
    function toCompact(uint256 ymd) internal pure returns (uint256) {
        return ((ymd / 10000 - MIN_YEAR) << 9) | (((ymd / 100) % 100) << 5) | (ymd % 100);
    }

    /// @notice The YYYYMMDD date of a compact date (its low 18 bits); 0 for 0.
    function fromCompact(uint256 compact) internal pure returns (uint32) {
        compact &= (1 << 18) - 1;
        if (compact == 0) return 0;
        // 18 bits in: at most (511 + 1900) * 10000 + 15 * 100 + 31, far from overflowing.
        unchecked {
            return uint32(((compact >> 9) + MIN_YEAR) * 10000 + ((compact >> 5) & 15) * 100 + (compact & 31));
        }
    }

    /// @notice The largest compact date whose YYYYMMDD is on or before `ymd` (0 when none is), for
    /// any `ymd`, valid or not: `fromCompact(c) > ymd` exactly when `c > compactFloor(ymd)`, so a
    /// batch compares many compact dates with one date without converting each.
    /// @dev `fromCompact` orders as its argument does (month < 16 and day < 32 fit below the next
    /// field), so the floor is `ymd` itself clamped to the fields' ranges.
    function compactFloor(uint256 ymd) internal pure returns (uint256) {
        uint256 year = ymd / 10000;
        if (year < MIN_YEAR) return 0;
        if (year - MIN_YEAR > 511) return (1 << 18) - 1;
        uint256 month = (ymd / 100) % 100;
        uint256 day = ymd % 100;
        if (month > 15) (month, day) = (15, 31);
        else if (day > 31) day = 31;
        return ((year - MIN_YEAR) << 9) | (month << 5) | day;
    }

    /// @notice The YYYYMM period of a YYYYMMDD date.
    function periodOf(uint256 ymd) internal pure returns (uint32) {
        return uint32(ymd / 100);
    }

    /// @notice Months since year 0 of a YYYYMM period: a dense index for bitmaps.
    function monthIndex(uint256 yyyymm) internal pure returns (uint256) {
        return (yyyymm / 100) * 12 + (yyyymm % 100) - 1;
    }
}
