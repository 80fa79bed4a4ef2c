// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @title Roles
/// @notice AccessManager role ids of PA Chain. Role 0 is the AccessManager's ADMIN_ROLE (consortium
/// governance root); every other permission is one of these, granted per organisation account.
library Roles {
    /// @notice Changes benefit rules, yearly amounts and wave phases.
    uint64 internal constant GOVERNANCE = 1;
    /// @notice Registers organisations and adds or retires their signing keys.
    uint64 internal constant REGISTRAR = 2;
    /// @notice Relays municipal records (civil records, deaths).
    uint64 internal constant CIVIL_RELAYER = 3;
    /// @notice Relays health records (assessments, revocations, hospital stays).
    uint64 internal constant HEALTH_RELAYER = 4;
    /// @notice Relays INPS income attestations.
    uint64 internal constant INCOME_RELAYER = 5;
    /// @notice Records INPS decisions on applications.
    uint64 internal constant INPS_DECIDER = 6;
    /// @notice Records INPS monthly payments.
    uint64 internal constant INPS_PAYER = 7;
    /// @notice Pauses and resumes recording in an emergency.
    uint64 internal constant GUARDIAN = 8;
    /// @notice Sends record batches (FactRegistry.recordBatch); held by every relayer account beside
    /// its own relayer role, which each item of a batch is still checked against.
    uint64 internal constant RELAYER = 9;
}
