// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {console} from "hardhat/console.sol";
import {IBenefitLedger} from "../../../contracts/interfaces/IBenefitLedger.sol";
import {Category, Flags} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";

/// @notice Gas per payment of a monthly payroll (issue 8: at most 22,000 with every on-chain check,
/// a fifth of the ~110k of a naive ledger; stretch 13,750, an eighth). The ceilings are the figures
/// reached, rounded up: a change that costs the payroll gas fails here. A realistic batch: 200 subjects with civil records,
/// assessments (some revised), incomes, some past hospital stays, across three monetary benefits,
/// paid with one `recordPayments` sorted by benefit as the INPS payroll sends it.
/// @dev The facts (and, for the steady state, last month's payroll) are recorded in `setUp`, which
/// runs as its own transaction: in the test every slot is cold, as in a real payroll transaction.
/// The figure is a transaction's gas: 21,000 + calldata (EIP-2028) + the call's execution gas.
/// The call from this contract pays a cold account access (2,600) that a transaction to the ledger
/// would not: at most 13 gas per payment too many, on the safe side.
abstract contract PayrollGasBase is PAChainFixture {
    uint256 internal constant SUBJECTS = 200;
    uint32 internal constant LAST_MONTH = 202605; // YYYYMM
    uint32 internal constant THIS_MONTH = 202606; // YYYYMM, TODAY's month

    function setUp() public virtual override {
        super.setUp();
        for (uint256 i = 0; i < SUBJECTS; ++i) {
            _seedSubject(i);
        }
    }

    function _subject(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("payroll subject", i));
    }

    /// @dev Subject i by i % 4: 0 INV_PENSIONE_INABILITA (100%), 1 INV_ASSEGNO_MENSILE (80%),
    /// 2 INV_INDENNITA_ACCOMPAGNAMENTO (100% + continuous assistance; every fifth has had a short
    /// hospital stay), 3 INV_PENSIONE_INABILITA after a revision (80% in 2021, then 100%) with two
    /// years of income.
    function _seedSubject(uint256 i) private {
        bytes32 subj = _subject(i);
        uint32 birth = uint32(19600000 + (i % 40) * 10000 + (1 + i % 12) * 100 + 1 + i % 28);
        _recordCivil(subj, birth, i % 2 == 0 ? ROMA : MILANO);
        uint256 kind = i % 4;
        if (kind == 0) {
            _recordAssessment(subj, Category.CIVIL_INVALIDITY, 100, 0, 20230301);
            _recordIncome(subj, 2025, uint64(800_000 + i * 1000));
        } else if (kind == 1) {
            _recordAssessment(subj, Category.CIVIL_INVALIDITY, 80, 0, 20220915);
            _recordIncome(subj, 2025, uint64(300_000 + i * 100));
        } else if (kind == 2) {
            _recordAssessment(subj, Category.CIVIL_INVALIDITY, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE, 20240110);
            if (i % 5 == 0) _recordStay(subj, 20250110, 20250120);
        } else {
            _recordAssessment(subj, Category.CIVIL_INVALIDITY, 80, 0, 20210601);
            _recordAssessment(subj, Category.CIVIL_INVALIDITY, 100, 0, 20240601);
            _recordIncome(subj, 2024, uint64(900_000 + i * 1000));
            _recordIncome(subj, 2025, uint64(950_000 + i * 1000));
        }
    }

    /// @dev The month's payroll, sorted by benefit.
    function _payroll(uint32 period) internal pure returns (IBenefitLedger.PaymentOrder[] memory orders) {
        orders = new IBenefitLedger.PaymentOrder[](SUBJECTS);
        bytes32[3] memory benefits = [PENSIONE, ASSEGNO, ACCOMPAGNAMENTO];
        uint256 n;
        for (uint256 b = 0; b < 3; ++b) {
            for (uint256 i = 0; i < SUBJECTS; ++i) {
                uint256 kind = i % 4;
                uint256 benefitOf = kind == 3 ? 0 : kind;
                if (benefitOf == b) orders[n++] = IBenefitLedger.PaymentOrder(_subject(i), benefits[b], period);
            }
        }
    }

    /// @dev INPS's decisions on the month's payroll, in its order: every order's application granted.
    function _decideAll() internal {
        IBenefitLedger.PaymentOrder[] memory orders = _payroll(LAST_MONTH);
        IBenefitLedger.DecisionOrder[] memory decisions = new IBenefitLedger.DecisionOrder[](orders.length);
        for (uint256 i = 0; i < orders.length; ++i) {
            decisions[i] = IBenefitLedger.DecisionOrder(
                keccak256(abi.encode("payroll application", i)), orders[i].subject, orders[i].benefitId, 20260501
            );
        }
        assertEq(ledger.recordDecisions(decisions), SUBJECTS, "every application decided");
    }

    /// @dev The same payroll as runs, the packed form of `recordPaymentRuns`.
    function _payrollRuns(uint32 period) internal pure returns (IBenefitLedger.PaymentRun[] memory) {
        return _runsOf(_payroll(period));
    }

    /// @dev Records the payroll of `period` as one `recordPayments` call and returns the gas of the
    /// equivalent transaction, per payment; every payment must be recorded.
    function _measure(uint32 period) internal returns (uint256 gasPerPayment) {
        return _measure(abi.encodeCall(ledger.recordPayments, (_payroll(period))));
    }

    /// @dev The same with one `recordPaymentRuns` call.
    function _measureRuns(uint32 period) internal returns (uint256 gasPerPayment) {
        return _measure(abi.encodeCall(ledger.recordPaymentRuns, (_payrollRuns(period))));
    }

    function _measure(bytes memory data) private returns (uint256 gasPerPayment) {
        uint256 before = gasleft();
        (bool ok, bytes memory result) = address(ledger).call(data);
        uint256 execution = before - gasleft();
        assertTrue(ok, "recordPayments reverted");
        (uint256 recordedCount,) = abi.decode(result, (uint256, uint256));
        assertEq(recordedCount, SUBJECTS, "every payment recorded");
        gasPerPayment = (21_000 + _calldataGas(data) + execution) / SUBJECTS;
    }

    function _calldataGas(bytes memory data) private pure returns (uint256 gas) {
        for (uint256 i = 0; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }
}

contract PayrollGasFirstMonthTest is PayrollGasBase {
    /// @dev People paid without a decision (not the INPS flow): since issue 20 a person's number is
    /// the FactRegistry's, assigned at their first record, so this costs what the decided case does
    /// (34,681 / 33,356 when the ledger numbered people at their first payment).
    function test_recordPayments_firstMonthGasPerPayment() public {
        uint256 gasPerPayment = _measure(LAST_MONTH);
        console.log("payroll gas per payment, first month, recordPayments:", gasPerPayment);
        assertLe(gasPerPayment, 11_580, "first month gas per payment");
    }

    function test_recordPaymentRuns_firstMonthGasPerPayment() public {
        uint256 gasPerPayment = _measureRuns(LAST_MONTH);
        console.log("payroll gas per payment, first month, recordPaymentRuns:", gasPerPayment);
        assertLe(gasPerPayment, 10_310, "first month gas per payment");
    }
}

/// @notice The first month of entitlements that INPS decided first, as the payroll pays them: each
/// person's number (the FactRegistry's, from their first record) is in the payroll word the payment
/// reads, and the month's bitmap words are shared by 256 people.
contract PayrollGasFirstMonthDecidedTest is PayrollGasBase {
    function setUp() public override {
        super.setUp();
        _decideAll();
    }

    /// @dev 10,304 (12,733 with the number in the ledger, 32,086 with the bitmap per person): issue
    /// 20's ≤ 20,000 met.
    function test_recordPaymentRuns_firstMonthAfterDecisionsGasPerPayment() public {
        uint256 gasPerPayment = _measureRuns(LAST_MONTH);
        console.log("payroll gas per payment, first month after decisions, recordPaymentRuns:", gasPerPayment);
        assertLe(gasPerPayment, 10_310, "first month gas per payment");
    }
}

contract PayrollGasSteadyStateTest is PayrollGasBase {
    function setUp() public override {
        super.setUp();
        (uint256 recordedCount,) = ledger.recordPayments(_payroll(LAST_MONTH));
        assertEq(recordedCount, SUBJECTS, "last month's payroll");
    }

    /// @dev Issue 8's target: a month after the first, at most 22,000 gas per payment (11,574 reached;
    /// issue 20's ≤ 6,000 is not: docs/performance.md says where the rest goes).
    function test_recordPayments_steadyStateGasPerPayment() public {
        uint256 gasPerPayment = _measure(THIS_MONTH);
        console.log("payroll gas per payment, steady state, recordPayments:", gasPerPayment);
        assertLe(gasPerPayment, 11_580, "steady-state gas per payment");
    }

    /// @dev The packed entry point a month after the first (10,304 reached: 12,733 with the person's
    /// number in the ledger, 14,986 with the bitmap per person; issue 8's stretch 13,750 met, issue
    /// 20's ≤ 6,000 not).
    function test_recordPaymentRuns_steadyStateGasPerPayment() public {
        uint256 gasPerPayment = _measureRuns(THIS_MONTH);
        console.log("payroll gas per payment, steady state, recordPaymentRuns:", gasPerPayment);
        assertLe(gasPerPayment, 10_310, "steady-state gas per payment");
    }
}
