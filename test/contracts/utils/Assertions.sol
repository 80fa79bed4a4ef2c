// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @notice A tiny assertion base: each helper reverts with the message and the values it compared,
/// and `bound` maps a fuzzed value into a range without discarding runs.
abstract contract Assertions {
    error AssertionFailed(string message);

    function assertTrue(bool condition, string memory message) internal pure {
        if (!condition) revert AssertionFailed(message);
    }

    function assertFalse(bool condition, string memory message) internal pure {
        if (condition) revert AssertionFailed(message);
    }

    function assertEq(uint256 a, uint256 b, string memory message) internal pure {
        if (a != b) {
            revert AssertionFailed(
                string.concat(message, ": ", Strings.toString(a), " != ", Strings.toString(b))
            );
        }
    }

    function assertEq(bool a, bool b, string memory message) internal pure {
        if (a != b) revert AssertionFailed(string.concat(message, a ? ": true != false" : ": false != true"));
    }

    function assertEq(bytes32 a, bytes32 b, string memory message) internal pure {
        if (a != b) {
            revert AssertionFailed(
                string.concat(message, ": ", Strings.toHexString(uint256(a), 32), " != ", Strings.toHexString(uint256(b), 32))
            );
        }
    }

    function assertEq(address a, address b, string memory message) internal pure {
        if (a != b) {
            revert AssertionFailed(string.concat(message, ": ", Strings.toHexString(a), " != ", Strings.toHexString(b)));
        }
    }

    function assertLe(uint256 a, uint256 b, string memory message) internal pure {
        if (a > b) {
            revert AssertionFailed(string.concat(message, ": ", Strings.toString(a), " > ", Strings.toString(b)));
        }
    }

    /// @dev `x` mapped into [min, max] (inclusive) by modulo; min <= max.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
