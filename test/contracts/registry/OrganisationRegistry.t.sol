// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {IOrganisationRegistry} from "../../../contracts/interfaces/IOrganisationRegistry.sol";
import {OrgKind} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

contract OrganisationRegistryTest is PAChainFixture {
    uint256 private constant NEW_KEY = 0x7E57;

    // ------------------------------------------------------------ registerOrganisation

    function test_registerOrganisation_assignsTheNextIdAndEmits() public {
        uint32 expectedId = orgs.organisationCount() + 1;
        vm.expectEmit(true, true, true, true, address(orgs));
        emit IOrganisationRegistry.OrganisationRegistered(expectedId, OrgKind.ASL, 120202, 0, "ASL Roma 2");
        uint32 id = orgs.registerOrganisation(OrgKind.ASL, 120202, 0, "ASL Roma 2");

        assertEq(id, expectedId, "id");
        assertEq(orgs.organisationCount(), expectedId, "count");
        IOrganisationRegistry.Organisation memory org = orgs.organisation(id);
        assertEq(uint256(org.kind), uint256(OrgKind.ASL), "kind");
        assertTrue(org.active, "active from the start");
        assertEq(org.code, 120202, "code");
        assertEq(org.parentId, 0, "parent");
    }

    function test_registerOrganisation_indexesMunicipalitiesByIstatCode() public {
        uint32 id = orgs.registerOrganisation(OrgKind.MUNICIPALITY, 1001, 0, "Comune di Aglie");
        assertEq(orgs.municipalityId(1001), id, "new municipality");
        assertEq(orgs.municipalityId(ROMA), romaId, "Roma");
        assertEq(orgs.municipalityId(12345), 0, "unknown code");
    }

    function test_registerOrganisation_acceptsCommissionsUnderAnAslOrInps() public {
        uint32 underAsl = orgs.registerOrganisation(OrgKind.MEDICAL_COMMISSION, 0, aslId, "CML 2");
        uint32 underInps = orgs.registerOrganisation(OrgKind.MEDICAL_COMMISSION, 0, inpsId, "CMV 2");
        assertEq(orgs.organisation(underAsl).parentId, aslId, "ASL parent");
        assertEq(orgs.organisation(underInps).parentId, inpsId, "INPS parent");
    }

    function test_registerOrganisation_acceptsAPatronatoWithItsCodeOrZero() public {
        uint32 withCode = orgs.registerOrganisation(OrgKind.PATRONATO, 1234, 0, "Patronato INCA CGIL");
        uint32 withoutCode = orgs.registerOrganisation(OrgKind.PATRONATO, 0, 0, "Patronato ACLI");
        assertEq(uint256(orgs.organisation(withCode).kind), uint256(OrgKind.PATRONATO), "kind");
        assertEq(orgs.organisation(withCode).code, 1234, "code");
        assertEq(orgs.organisation(withoutCode).code, 0, "no code");
        assertEq(orgs.municipalityId(1234), 0, "a patronato's code is no municipality");
    }

    function test_registerOrganisation_refusesKindNone() public {
        _expectInvalid(OrgKind.NONE, 0, 0);
    }

    function test_registerOrganisation_refusesCommissionWithoutAnAslOrInpsParent() public {
        _expectInvalid(OrgKind.MEDICAL_COMMISSION, 0, 0);
        _expectInvalid(OrgKind.MEDICAL_COMMISSION, 0, romaId);
        _expectInvalid(OrgKind.MEDICAL_COMMISSION, 0, commissionId);
        _expectInvalid(OrgKind.MEDICAL_COMMISSION, 0, 999);
    }

    function test_registerOrganisation_refusesAParentForOtherKinds() public {
        _expectInvalid(OrgKind.MUNICIPALITY, 1001, aslId);
        _expectInvalid(OrgKind.ASL, ASL_CODE + 1, inpsId);
        _expectInvalid(OrgKind.INPS, 0, aslId);
        _expectInvalid(OrgKind.PATRONATO, 0, inpsId);
    }

    function test_registerOrganisation_refusesMunicipalityCodeOutsideProvinces001To111() public {
        _expectInvalid(OrgKind.MUNICIPALITY, 0, 0);
        _expectInvalid(OrgKind.MUNICIPALITY, 999, 0);
        _expectInvalid(OrgKind.MUNICIPALITY, 112000, 0);
        orgs.registerOrganisation(OrgKind.MUNICIPALITY, 1000, 0, "lowest code");
        orgs.registerOrganisation(OrgKind.MUNICIPALITY, 111999, 0, "highest code");
    }

    function testFuzz_registerOrganisation_municipalityCodeMustBeSixDigitIstat(uint32 code) public {
        vm.assume(code != ROMA && code != MILANO);
        if (code >= 1000 && code <= 111999) {
            uint32 id = orgs.registerOrganisation(OrgKind.MUNICIPALITY, code, 0, "Comune");
            assertEq(orgs.municipalityId(code), id, "indexed");
        } else {
            _expectInvalid(OrgKind.MUNICIPALITY, code, 0);
        }
    }

    function test_registerOrganisation_refusesADuplicateMunicipality() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryDuplicateMunicipality.selector, ROMA)
        );
        orgs.registerOrganisation(OrgKind.MUNICIPALITY, ROMA, 0, "Comune di Roma, again");
    }

    function _expectInvalid(OrgKind kind, uint32 code, uint32 parentId) private {
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistryInvalidOrganisation.selector, kind, code, parentId
            )
        );
        orgs.registerOrganisation(kind, code, parentId, "invalid");
    }

    // ------------------------------------------------------------ setOrganisationActive

    function test_setOrganisationActive_changesTheFlagAndEmitsOldAndNew() public {
        vm.expectEmit(true, true, true, true, address(orgs));
        emit IOrganisationRegistry.OrganisationActiveChanged(romaId, true, false);
        orgs.setOrganisationActive(romaId, false);
        assertFalse(orgs.organisation(romaId).active, "inactive");

        vm.expectEmit(true, true, true, true, address(orgs));
        emit IOrganisationRegistry.OrganisationActiveChanged(romaId, false, true);
        orgs.setOrganisationActive(romaId, true);
        assertTrue(orgs.organisation(romaId).active, "active again");
    }

    function test_setOrganisationActive_refusesAnUnknownOrganisation() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryUnknownOrganisation.selector, 99)
        );
        orgs.setOrganisationActive(99, false);
    }

    // ------------------------------------------------------------ addSigner

    function test_addSigner_registersTheKeyWithItsTimeAndEmits() public {
        address signer = vm.addr(NEW_KEY);
        vm.expectEmit(true, true, true, true, address(orgs));
        emit IOrganisationRegistry.SignerAdded(romaId, signer);
        orgs.addSigner(romaId, signer);

        IOrganisationRegistry.SignerKey memory key = orgs.signerKey(signer);
        assertEq(key.orgId, romaId, "orgId");
        assertEq(key.addedAt, block.timestamp, "addedAt");
        assertEq(key.retiredAt, 0, "not retired");
    }

    function test_addSigner_refusesAnUnknownOrganisation() public {
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryUnknownOrganisation.selector, 0)
        );
        orgs.addSigner(0, vm.addr(NEW_KEY));
    }

    function test_addSigner_refusesAnInactiveOrganisation() public {
        orgs.setOrganisationActive(milanoId, false);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryInactiveOrganisation.selector, milanoId)
        );
        orgs.addSigner(milanoId, vm.addr(NEW_KEY));
    }

    function test_addSigner_refusesAKeyAlreadyRegisteredToAnyOrganisation() public {
        address roma = vm.addr(ROMA_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistrySignerAlreadyRegistered.selector, roma)
        );
        orgs.addSigner(milanoId, roma);
    }

    function test_addSigner_refusesToReuseARetiredKey() public {
        address roma = vm.addr(ROMA_KEY);
        orgs.retireSigner(roma);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistrySignerAlreadyRegistered.selector, roma)
        );
        orgs.addSigner(romaId, roma);
    }

    // ------------------------------------------------------------ retireSigner

    function test_retireSigner_stampsTheTimeAndEmits() public {
        address roma = vm.addr(ROMA_KEY);
        vm.warp(TODAY_TS + 1 days);
        vm.expectEmit(true, true, true, true, address(orgs));
        emit IOrganisationRegistry.SignerRetired(romaId, roma, uint64(TODAY_TS + 1 days));
        orgs.retireSigner(roma);
        assertEq(orgs.signerKey(roma).retiredAt, TODAY_TS + 1 days, "retiredAt");
        assertEq(orgs.signerKey(roma).orgId, romaId, "still known");
    }

    function test_retireSigner_refusesAnUnknownKey() public {
        address unknown = vm.addr(UNKNOWN_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryUnknownSigner.selector, unknown)
        );
        orgs.retireSigner(unknown);
    }

    function test_retireSigner_refusesAKeyAlreadyRetired() public {
        address roma = vm.addr(ROMA_KEY);
        orgs.retireSigner(roma);
        vm.warp(TODAY_TS + 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerAlreadyRetired.selector, roma, uint64(TODAY_TS)
            )
        );
        orgs.retireSigner(roma);
    }

    // ------------------------------------------------------------ authorisedSigner

    function test_authorisedSigner_returnsTheOrganisationOfAnActiveKey() public view {
        (uint32 orgId, IOrganisationRegistry.Organisation memory org) =
            orgs.authorisedSigner(vm.addr(ROMA_KEY), uint64(block.timestamp));
        assertEq(orgId, romaId, "orgId");
        assertEq(uint256(org.kind), uint256(OrgKind.MUNICIPALITY), "kind");
        assertEq(org.code, ROMA, "code");
    }

    function test_authorisedSigner_refusesAnUnknownKey() public {
        address unknown = vm.addr(UNKNOWN_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryUnknownSigner.selector, unknown)
        );
        orgs.authorisedSigner(unknown, uint64(block.timestamp));
    }

    function test_authorisedSigner_refusesAKeyRetiredAtOrBeforeSigning() public {
        address roma = vm.addr(ROMA_KEY);
        uint64 retiredAt = uint64(block.timestamp);
        orgs.retireSigner(roma);

        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector, roma, retiredAt, retiredAt
            )
        );
        orgs.authorisedSigner(roma, retiredAt);

        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector, roma, retiredAt, retiredAt + 60
            )
        );
        orgs.authorisedSigner(roma, retiredAt + 60);
    }

    function test_authorisedSigner_acceptsARetiredKeyForWhatItSignedBeforeRetirement() public {
        address roma = vm.addr(ROMA_KEY);
        uint64 retiredAt = uint64(block.timestamp);
        orgs.retireSigner(roma);
        (uint32 orgId,) = orgs.authorisedSigner(roma, retiredAt - 1);
        assertEq(orgId, romaId, "signed one second before retirement");
    }

    function test_authorisedSigner_refusesAKeyOfAnInactiveOrganisationUntilReactivated() public {
        orgs.setOrganisationActive(romaId, false);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryInactiveOrganisation.selector, romaId)
        );
        orgs.authorisedSigner(vm.addr(ROMA_KEY), uint64(block.timestamp));

        orgs.setOrganisationActive(romaId, true);
        (uint32 orgId,) = orgs.authorisedSigner(vm.addr(ROMA_KEY), uint64(block.timestamp));
        assertEq(orgId, romaId, "reactivated");
    }

    // ------------------------------------------------------------ access

    function test_registerOrganisation_refusesAnAccountWithoutRegistrarRole() public {
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        orgs.registerOrganisation(OrgKind.ASL, 1, 0, "rogue");

        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        orgs.registerOrganisation(OrgKind.ASL, 1, 0, "rogue");
    }

    function test_setOrganisationActive_refusesAnAccountWithoutRegistrarRole() public {
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        orgs.setOrganisationActive(romaId, false);
    }

    function test_addSigner_refusesAnAccountWithoutRegistrarRole() public {
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        orgs.addSigner(romaId, STRANGER);
    }

    function test_retireSigner_refusesAnAccountWithoutRegistrarRole() public {
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        orgs.retireSigner(vm.addr(ROMA_KEY));
    }

    function _expectUnauthorized(address caller) private {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
    }
}
