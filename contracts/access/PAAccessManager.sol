// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";

/// @title PAAccessManager
/// @notice The one authority that governs every PA Chain contract: which account may call which
/// function, with optional execution delays for governance changes.
contract PAAccessManager is AccessManager {
    constructor(address initialAdmin) AccessManager(initialAdmin) {}
}
