// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {console} from "hardhat/console.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {Category, Flags} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Gas per signed record (issue 20: ≤ 40,000 per record, the benchmark's "gas per signed
/// record"), by kind, as the oracle's relayers send them: one `recordBatch` of 40 records of one
/// certifier, about new people (a civil record first, then an income, then assessments signed by
/// two commission members), plus hospital stays, deaths and revocations about people already known.
/// The ceilings are the figures reached, rounded up: a change that costs the ingestion gas fails here.
/// (A person's first record also numbers them for the payroll bitmaps: +~880 gas for a civil record.)
/// @dev What a record needs before it (the person's civil record, the assessment a revocation names)
/// is recorded in `setUp`, its own transaction: in the test every slot is cold, as in a relayer's
/// transaction. The figure is a transaction's gas: 21,000 + calldata (EIP-2028) + the call's
/// execution gas (the call from this contract pays a cold account access, 2,600, that a relayer's
/// transaction would not: 65 gas per record too many, on the safe side).
abstract contract RecordGasBase is PAChainFixture {
    uint256 internal constant BATCH = 40;

    function _person(uint256 i) internal pure returns (bytes32) {
        return keccak256(abi.encode("ingested person", i));
    }

    function _civilCall(uint256 i) internal returns (bytes memory) {
        IFactRegistry.CivilRecord memory r =
            _civil(_person(i), uint32(19500101 + (i % 40) * 10000 + (i % 12) * 100), ROMA);
        return abi.encodeCall(facts.recordCivil, (r, _sign(ROMA_KEY, facts.civilDigest(r))));
    }

    function _incomeCall(uint256 i, uint16 year) internal returns (bytes memory) {
        IFactRegistry.IncomeRecord memory r = _income(_person(i), year, uint64(500_000 + i * 1000));
        return abi.encodeCall(facts.recordIncome, (r, _sign(INPS_KEY, facts.incomeDigest(r))));
    }

    function _assessmentCall(uint256 i, uint256[] memory keys) internal returns (bytes memory call, bytes32 id) {
        IFactRegistry.AssessmentRecord memory r = _assessment(
            _person(i), Category.CIVIL_INVALIDITY, uint8(67 + i % 34), i % 3 == 0 ? Flags.NEEDS_CONTINUOUS_ASSISTANCE : 0,
            uint32(20200101 + (i % 6) * 10000)
        );
        if (i % 4 == 0) r.reviewDate = 20290101;
        call = abi.encodeCall(facts.recordAssessment, (r, _signatures(facts.assessmentDigest(r), keys)));
        id = facts.assessmentKey(r.commissionId, r.assessmentId);
    }

    function _stayCall(uint256 i) internal returns (bytes memory) {
        IFactRegistry.HospitalStayRecord memory r = _stay(_person(i), 20260110, i % 2 == 0 ? 20260125 : 0);
        return abi.encodeCall(facts.recordHospitalStay, (r, _sign(ASL_KEY, facts.hospitalStayDigest(r))));
    }

    function _deathCall(uint256 i) internal returns (bytes memory) {
        IFactRegistry.DeathRecord memory r = _death(_person(i), 20260301);
        return abi.encodeCall(facts.recordDeath, (r, _sign(ROMA_KEY, facts.deathDigest(r))));
    }

    function _revocationCall(bytes32 assessmentId) internal returns (bytes memory) {
        IFactRegistry.RevocationRecord memory r = _revocation(assessmentId, 2);
        return abi.encodeCall(facts.recordRevocation, (r, _sign(MEMBER_A_KEY, facts.revocationDigest(r))));
    }

    function _seedCivil() internal {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _civilCall(i);
        }
        assertEq(facts.recordBatch(calls), BATCH, "civil records seeded");
    }

    function _seedAssessments() internal returns (bytes32[] memory ids) {
        bytes[] memory calls = new bytes[](BATCH);
        ids = new bytes32[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            (calls[i], ids[i]) = _assessmentCall(i, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        }
        assertEq(facts.recordBatch(calls), BATCH, "assessments seeded");
    }

    /// @dev Records `calls` with one `recordBatch` and returns the gas of the equivalent
    /// transaction per record; every record must be recorded.
    function _measure(bytes[] memory calls) internal returns (uint256 gasPerRecord) {
        bytes memory data = abi.encodeCall(facts.recordBatch, (calls));
        // Each batch is a transaction of its own: nothing it touches is warm from an earlier one.
        vm.cool(address(facts));
        vm.cool(address(orgs));
        vm.cool(address(manager));
        uint256 before = gasleft();
        (bool ok, bytes memory result) = address(facts).call(data);
        uint256 execution = before - gasleft();
        assertTrue(ok, "recordBatch reverted");
        assertEq(abi.decode(result, (uint256)), calls.length, "every record recorded");
        gasPerRecord = (21_000 + _calldataGas(data) + execution) / calls.length;
    }

    function _calldataGas(bytes memory data) private pure returns (uint256 gas) {
        for (uint256 i = 0; i < data.length; ++i) {
            gas += data[i] == 0 ? 4 : 16;
        }
    }
}

contract RecordGasCivilTest is RecordGasBase {
    /// @dev A new person's first record: its idempotency key and the person's payroll word, both new.
    function test_civil_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _civilCall(i);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, civil (new person):", gas);
        assertLe(gas, 63_620, "civil gas per record");
    }
}

contract RecordGasIncomeTest is RecordGasBase {
    function setUp() public override {
        super.setUp();
        _seedCivil();
    }

    /// @dev A known person's first income.
    function test_income_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _incomeCall(i, 2025);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, income (first of the person):", gas);
        assertLe(gas, 89_430, "income gas per record");
    }
}

contract RecordGasAssessmentTest is RecordGasBase {
    function setUp() public override {
        super.setUp();
        _seedCivil();
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _incomeCall(i, 2025);
        }
        assertEq(facts.recordBatch(calls), BATCH, "incomes seeded");
    }

    /// @dev A known person's first assessment, signed by two members of the commission.
    function test_assessment_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            (calls[i],) = _assessmentCall(i, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        }
        uint256 gas = _measure(calls);
        console.log("record gas, assessment, 2 signatures:", gas);
        assertLe(gas, 109_480, "assessment gas per record");
    }

    /// @dev The same signed by three members.
    function test_assessmentThreeSignatures_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            (calls[i],) = _assessmentCall(i, _keys(MEMBER_A_KEY, MEMBER_B_KEY, MEMBER_C_KEY));
        }
        uint256 gas = _measure(calls);
        console.log("record gas, assessment, 3 signatures:", gas);
        assertLe(gas, 117_170, "assessment gas per record");
    }
}

contract RecordGasLaterRecordsTest is RecordGasBase {
    bytes32[] private _ids;

    function setUp() public override {
        super.setUp();
        _seedCivil();
        _ids = _seedAssessments();
    }

    /// @dev A known person's second assessment (its counters and payroll word exist).
    function test_secondAssessment_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _laterAssessmentCall(i);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, second assessment of a person:", gas);
        assertLe(gas, 109_290, "second assessment gas per record");
    }

    function test_income_afterAssessment_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _incomeCall(i, 2025);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, income (person with an assessment):", gas);
        assertLe(gas, 72_330, "income gas per record");
    }

    function test_hospitalStay_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _stayCall(i);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, hospital stay:", gas);
        assertLe(gas, 96_110, "hospital stay gas per record");
    }

    function test_death_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _deathCall(i);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, death:", gas);
        assertLe(gas, 44_780, "death gas per record");
    }

    function test_revocation_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        for (uint256 i = 0; i < BATCH; ++i) {
            calls[i] = _revocationCall(_ids[i]);
        }
        uint256 gas = _measure(calls);
        console.log("record gas, revocation:", gas);
        assertLe(gas, 56_180, "revocation gas per record");
    }

    /// @dev Person i's revision: 100% with continuous assistance from 2026, after the seeded one.
    function _laterAssessmentCall(uint256 i) private returns (bytes memory) {
        IFactRegistry.AssessmentRecord memory r = _assessment(
            _person(i), Category.CIVIL_INVALIDITY, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE, 20260101
        );
        return abi.encodeCall(
            facts.recordAssessment, (r, _signatures(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, MEMBER_B_KEY)))
        );
    }
}

/// @notice The benchmark's mix, one batch of 40 per kind in the order a person's records arrive, and
/// the average weighted as `npm run bench -- --quick` feeds them (1,200 people: 1,217 civil records,
/// 2,062 incomes of which 1,200 a person's first, 697 assessments, 50 stays, 18 deaths, 12
/// revocations). The batches run in one test (one transaction), each after `vm.cool` of the
/// contracts it touches, as if in a transaction of its own.
contract RecordGasMixTest is RecordGasBase {
    function test_benchmarkMix_gasPerRecord() public {
        bytes[] memory calls = new bytes[](BATCH);
        bytes32[] memory ids = new bytes32[](BATCH);
        uint256[7] memory gas;
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _civilCall(i);
        gas[0] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _incomeCall(i, 2024);
        gas[1] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _incomeCall(i, 2025);
        gas[2] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) (calls[i], ids[i]) = _assessmentCall(i, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        gas[3] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _stayCall(i);
        gas[4] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _revocationCall(ids[i]);
        gas[5] = _measure(calls);
        for (uint256 i = 0; i < BATCH; ++i) calls[i] = _deathCall(i);
        gas[6] = _measure(calls);
        console.log("record gas, civil / first income / next year's income:", gas[0], gas[1], gas[2]);
        console.log("record gas, assessment / stay / revocation:", gas[3], gas[4], gas[5]);
        console.log("record gas, death:", gas[6]);
        uint16[7] memory weight = [1217, 1200, 862, 697, 50, 12, 18];
        uint256 total;
        uint256 records;
        for (uint256 k = 0; k < 7; ++k) {
            total += gas[k] * weight[k];
            records += weight[k];
        }
        console.log("record gas, the benchmark's mix, weighted average:", total / records);
        assertLe(total / records, 80_580, "mix-weighted gas per record");
    }
}
