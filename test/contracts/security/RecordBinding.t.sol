// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {Category} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice Issue 14, items 4 and 5: a record id is bound to the organisation that certifies it (one
/// organisation filing under another's number cannot block the owner's real record), and only the
/// relayers may send a record batch.
contract RecordBindingTest is PAChainFixture {
    /// @dev Source systems number their records sequentially: Milano's record 42 and Roma's record 42.
    bytes32 private constant SHARED_ID = keccak256("42");

    function test_aCivilRecordIdOfAnotherMunicipalityDoesNotBlockTheOwnersRecord() public {
        IFactRegistry.CivilRecord memory squatter = IFactRegistry.CivilRecord(SHARED_ID, LUCIA, 19900320, MILANO, _now());
        facts.recordCivil(squatter, _sign(MILANO_KEY, facts.civilDigest(squatter)));

        IFactRegistry.CivilRecord memory owner = IFactRegistry.CivilRecord(SHARED_ID, MARIO, MARIO_BIRTH, ROMA, _now());
        bytes memory signature = _sign(ROMA_KEY, facts.civilDigest(owner));
        facts.recordCivil(owner, signature);
        assertEq(facts.subject(MARIO).residence, ROMA, "Roma's own record 42 is recorded");

        // The owner's replay is still refused: the key is (kind, certifier, id).
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryAlreadyRecorded.selector, SHARED_ID));
        facts.recordCivil(owner, signature);
    }

    function test_aDeathRecordIdOfAnotherMunicipalityDoesNotBlockTheOwnersRecord() public {
        IFactRegistry.DeathRecord memory milano = IFactRegistry.DeathRecord(SHARED_ID, LUCIA, 20260101, _now());
        facts.recordDeath(milano, _sign(MILANO_KEY, facts.deathDigest(milano)));
        IFactRegistry.DeathRecord memory roma = IFactRegistry.DeathRecord(SHARED_ID, MARIO, 20260102, _now());
        facts.recordDeath(roma, _sign(ROMA_KEY, facts.deathDigest(roma)));
        assertEq(facts.subject(MARIO).deathDate, 20260102, "Roma's death record 42 is recorded");
    }

    function test_anAssessmentIdOfAnotherCommissionDoesNotBlockTheOwnersAssessment() public {
        // The INPS commission files under the ASL commission's verbale number first.
        IFactRegistry.AssessmentRecord memory squatter = _assessment(LUCIA, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        squatter.assessmentId = SHARED_ID;
        squatter.commissionId = inpsCommissionId;
        // Two members sign; the fixture's INPS commission has one, so it gets a second.
        orgs.addSigner(inpsCommissionId, vm.addr(0xE002));
        facts.recordAssessment(squatter, _signatures(facts.assessmentDigest(squatter), _keys(INPS_MEMBER_KEY, 0xE002)));

        IFactRegistry.AssessmentRecord memory owner = _assessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        owner.assessmentId = SHARED_ID;
        facts.recordAssessment(owner, _signatures(facts.assessmentDigest(owner), _keys(MEMBER_A_KEY, MEMBER_B_KEY)));
        assertEq(facts.subject(MARIO).assessmentCount, 1, "the ASL commission's own verbale 42 is recorded");
        assertEq(facts.subject(LUCIA).assessmentCount, 1, "and the INPS commission's stays");
    }

    function test_recordBatch_isRefusedToAnAccountThatIsNotARelayer() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes[] memory calls = new bytes[](1);
        calls[0] = abi.encodeCall(facts.recordCivil, (civil, _sign(ROMA_KEY, facts.civilDigest(civil))));
        // Before: anyone could send a batch and fill the chain with RecordRefused events.
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, STRANGER));
        vm.prank(STRANGER);
        facts.recordBatch(calls);

        vm.prank(CIVIL_RELAYER_ONLY);
        assertEq(facts.recordBatch(calls), 1, "a relayer's batch is recorded");
    }
}
