// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

/// @title NaiveLedger
/// @notice Benchmark baseline only, never deployed by PA Chain: the payment ledger a first design
/// would write. One transaction per payment, one struct per payment in its own storage slots, no
/// rule checks, no access control. `npm run bench` measures BenefitLedger.recordPayments against it.
/// @dev Deliberately unpacked and unchecked: it is what the real ledger's design is compared with.
contract NaiveLedger {
    /// @dev One payment as a naive design stores it: four slots, each new for every payment.
    struct Payment {
        bytes32 subject;
        bytes32 benefitId;
        uint32 period; // YYYYMM
        uint64 amountCents; // euro cents
        address payer;
        uint256 recordedAt; // unix seconds
    }

    mapping(bytes32 paymentKey => Payment) private _payments;

    /// @notice A payment was stored.
    event NaivePaymentRecorded(bytes32 indexed subject, bytes32 indexed benefitId, uint32 indexed period, uint64 amountCents);

    /// @notice Stores one payment as given: no rule, no duplicate and no permission check.
    function recordPayment(bytes32 subject, bytes32 benefitId, uint32 period, uint64 amountCents) external {
        bytes32 key = keccak256(abi.encode(subject, benefitId, period));
        _payments[key] = Payment(subject, benefitId, period, amountCents, msg.sender, block.timestamp);
        emit NaivePaymentRecorded(subject, benefitId, period, amountCents);
    }

    /// @notice The stored payment (zero when none).
    function payment(bytes32 subject, bytes32 benefitId, uint32 period) external view returns (Payment memory) {
        return _payments[keccak256(abi.encode(subject, benefitId, period))];
    }
}
