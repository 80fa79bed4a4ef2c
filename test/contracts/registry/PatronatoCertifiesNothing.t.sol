// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {IOrganisationRegistry} from "../../../contracts/interfaces/IOrganisationRegistry.sol";
import {Category, OrgKind} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice A patronato is an organisation of the directory (so anyone can tell a recognised one),
/// but it certifies nothing: the FactRegistry refuses its keys' signature for every kind of fact,
/// even when its code equals a municipality's ISTAT code or it names itself as the commission.
contract PatronatoCertifiesNothingTest is PAChainFixture {
    uint256 private constant PATRONATO_KEY = 0x9A71;
    uint256 private constant PATRONATO_KEY_2 = 0x9A72;
    uint32 private patronatoId;

    function setUp() public override {
        super.setUp();
        // Code = Rome's ISTAT code on purpose: a patronato's code must not make it Rome's certifier.
        patronatoId = orgs.registerOrganisation(OrgKind.PATRONATO, ROMA, 0, "Patronato INCA CGIL");
        orgs.addSigner(patronatoId, vm.addr(PATRONATO_KEY));
        orgs.addSigner(patronatoId, vm.addr(PATRONATO_KEY_2));
    }

    function test_aPatronatoIsRegisteredActiveWithoutTakingTheMunicipalityCode() public view {
        IOrganisationRegistry.Organisation memory org = orgs.organisation(patronatoId);
        assertEq(uint256(org.kind), uint256(OrgKind.PATRONATO), "kind");
        assertEq(uint256(OrgKind.PATRONATO), 5, "appended after MEDICAL_COMMISSION");
        assertTrue(org.active, "active");
        assertEq(orgs.municipalityId(ROMA), romaId, "Rome's code still names Rome");
        (uint32 orgId,) = orgs.authorisedSigner(vm.addr(PATRONATO_KEY), _now());
        assertEq(orgId, patronatoId, "its key is registered");
    }

    function test_recordCivil_refusesAPatronato() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _sign(PATRONATO_KEY, facts.civilDigest(r));
        _expectUnauthorised(r.recordId);
        facts.recordCivil(r, sig);
    }

    function test_recordDeath_refusesAPatronato() public {
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260101);
        bytes memory sig = _sign(PATRONATO_KEY, facts.deathDigest(r));
        _expectUnauthorised(r.recordId);
        facts.recordDeath(r, sig);
    }

    function test_recordIncome_refusesAPatronato() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1_000_000);
        bytes memory sig = _sign(PATRONATO_KEY, facts.incomeDigest(r));
        _expectUnauthorised(r.recordId);
        facts.recordIncome(r, sig);
    }

    function test_recordHospitalStay_refusesAPatronato() public {
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260101, 20260110);
        bytes memory sig = _sign(PATRONATO_KEY, facts.hospitalStayDigest(r));
        _expectUnauthorised(r.recordId);
        facts.recordHospitalStay(r, sig);
    }

    function test_recordAssessment_refusesPatronatoKeysEvenNamingThePatronatoAsCommission() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20260101);
        r.commissionId = patronatoId;
        bytes[] memory sigs = _signatures(facts.assessmentDigest(r), _keys(PATRONATO_KEY, PATRONATO_KEY_2));
        _expectNotInCommission(r, _keys(PATRONATO_KEY, PATRONATO_KEY_2));
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesAPatronatoKeyBesideACommissionMember() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20260101);
        bytes[] memory sigs = _signatures(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, PATRONATO_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignerNotInCommission.selector,
                r.assessmentId,
                vm.addr(PATRONATO_KEY),
                commissionId
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordRevocation_refusesAPatronato() public {
        bytes32 assessment = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20260101);
        IFactRegistry.RevocationRecord memory r = _revocation(assessment, 1);
        bytes memory sig = _sign(PATRONATO_KEY, facts.revocationDigest(r));
        _expectUnauthorised(r.recordId);
        facts.recordRevocation(r, sig);
    }

    function _expectUnauthorised(bytes32 recordId) private {
        vm.expectRevert(
            abi.encodeWithSelector(IFactRegistry.FactRegistryUnauthorisedCertifier.selector, recordId, patronatoId)
        );
    }

    // The first signer checked (lowest address) is the one named in the revert.
    function _expectNotInCommission(IFactRegistry.AssessmentRecord memory r, uint256[] memory keys) private {
        address first = vm.addr(keys[0]) < vm.addr(keys[1]) ? vm.addr(keys[0]) : vm.addr(keys[1]);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignerNotInCommission.selector, r.assessmentId, first, patronatoId
            )
        );
    }
}
