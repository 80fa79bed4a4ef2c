// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {IOrganisationRegistry} from "../../../contracts/interfaces/IOrganisationRegistry.sol";
import {DateLib} from "../../../contracts/libraries/DateLib.sol";
import {Category, FactSnapshot, Flags, SnapshotNeeds} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

contract FactRegistryTest is PAChainFixture {
    /// @dev secp256k1 order: s above n/2 is the malleable twin OpenZeppelin refuses.
    uint256 private constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    // ------------------------------------------------------------ helpers

    function _signCivil(uint256 key, IFactRegistry.CivilRecord memory r) private view returns (bytes memory) {
        return _sign(key, facts.civilDigest(r));
    }

    function _signDeath(uint256 key, IFactRegistry.DeathRecord memory r) private view returns (bytes memory) {
        return _sign(key, facts.deathDigest(r));
    }

    function _signIncome(uint256 key, IFactRegistry.IncomeRecord memory r) private view returns (bytes memory) {
        return _sign(key, facts.incomeDigest(r));
    }

    function _signStay(uint256 key, IFactRegistry.HospitalStayRecord memory r) private view returns (bytes memory) {
        return _sign(key, facts.hospitalStayDigest(r));
    }

    function _signRevocation(uint256 key, IFactRegistry.RevocationRecord memory r)
        private
        view
        returns (bytes memory)
    {
        return _sign(key, facts.revocationDigest(r));
    }

    function _signAssessment(IFactRegistry.AssessmentRecord memory r, uint256[] memory keys)
        private
        view
        returns (bytes[] memory)
    {
        return _signatures(facts.assessmentDigest(r), keys);
    }

    function _ascending(address a, address b) private pure returns (address[] memory s) {
        s = new address[](2);
        (s[0], s[1]) = a < b ? (a, b) : (b, a);
    }

    function _assessmentWithReview(uint32 effectiveDate, uint32 reviewDate)
        private
        returns (IFactRegistry.AssessmentRecord memory r)
    {
        r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, effectiveDate);
        r.reviewDate = reviewDate;
    }

    function _expectAlreadyRecorded(bytes32 id) private {
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryAlreadyRecorded.selector, id));
    }

    function _expectUnauthorisedCertifier(bytes32 id, uint32 orgId) private {
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryUnauthorisedCertifier.selector, id, orgId));
    }

    function _expectInvalidDate(bytes32 id, uint32 date) private {
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidDate.selector, id, date));
    }

    function _expectNotEnoughSigners(bytes32 id, uint256 distinct) private {
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryNotEnoughSigners.selector, id, distinct));
    }

    // ------------------------------------------------------------ recordCivil

    function test_recordCivil_storesBirthAndResidenceAndEmits() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.CivilRecordRecorded(
            r.recordId, MARIO, romaId, MARIO_BIRTH, 0, ROMA, vm.addr(ROMA_KEY), r.signedAt
        );
        facts.recordCivil(r, sig);

        IFactRegistry.Subject memory s = facts.subject(MARIO);
        assertEq(s.birthDate, MARIO_BIRTH, "birth date");
        assertEq(s.residence, ROMA, "residence");
        assertTrue(facts.isRecorded(facts.CIVIL_TYPEHASH(), romaId, r.recordId), "isRecorded");
        assertFalse(facts.isRecorded(facts.INCOME_TYPEHASH(), romaId, r.recordId), "only for its own kind");
        assertFalse(facts.isRecorded(facts.CIVIL_TYPEHASH(), milanoId, r.recordId), "only for its own certifier");
    }

    function test_recordCivil_replacesTheEarlierRecordAndEmitsTheOldResidence() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, MILANO);
        bytes memory sig = _signCivil(MILANO_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.CivilRecordRecorded(
            r.recordId, MARIO, milanoId, MARIO_BIRTH, ROMA, MILANO, vm.addr(MILANO_KEY), r.signedAt
        );
        facts.recordCivil(r, sig);
        assertEq(facts.subject(MARIO).residence, MILANO, "moved to Milano");
    }

    function test_recordCivil_refusesTheSameRecordIdTwice() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        facts.recordCivil(r, sig);
        _expectAlreadyRecorded(r.recordId);
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesAMunicipalityOtherThanTheResidence() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(MILANO_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, milanoId);
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesAnAslSigner() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ASL_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, aslId);
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesAnUnknownKey() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(UNKNOWN_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistryUnknownSigner.selector, vm.addr(UNKNOWN_KEY)
            )
        );
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesATamperedRecord() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        r.birthDate = 19500101; // the relayer changes a signed field
        address recovered = ECDSA.recover(facts.civilDigest(r), sig);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryUnknownSigner.selector, recovered)
        );
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesMalformedSignatureBytes() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory good = _signCivil(ROMA_KEY, r);
        (bytes32 sigR, bytes32 sigS) = abi.decode(good, (bytes32, bytes32));
        uint8 v = uint8(good[64]);

        bytes[] memory bad = new bytes[](5);
        bad[0] = "";
        bad[1] = abi.encodePacked(sigR, sigS); // 64 bytes
        bad[2] = abi.encodePacked(good, uint8(0)); // 66 bytes
        bad[3] = abi.encodePacked(sigR, sigS, uint8(0)); // v = 0
        bad[4] = abi.encodePacked(sigR, bytes32(SECP256K1_N - uint256(sigS)), v == 27 ? uint8(28) : uint8(27)); // high s
        for (uint256 i = 0; i < bad.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidSignature.selector, r.recordId));
            facts.recordCivil(r, bad[i]);
        }
    }

    function test_recordCivil_refusesAnInvalidBirthDate() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, 20230229, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        _expectInvalidDate(r.recordId, 20230229);
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesAResidenceThatIsNotAnIstatCode() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, 999);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidResidence.selector, r.recordId, 999));
        facts.recordCivil(r, sig);

        r.residence = 112000;
        sig = _signCivil(ROMA_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidResidence.selector, r.recordId, 112000)
        );
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesARecordSignedInTheFutureBeyondTheClockSkew() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        r.signedAt = uint64(block.timestamp) + facts.MAX_CLOCK_SKEW_SECONDS() + 1;
        bytes memory sig = _signCivil(ROMA_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignedInFuture.selector, r.recordId, r.signedAt, uint64(block.timestamp)
            )
        );
        facts.recordCivil(r, sig);

        r.signedAt = uint64(block.timestamp) + facts.MAX_CLOCK_SKEW_SECONDS();
        sig = _signCivil(ROMA_KEY, r);
        facts.recordCivil(r, sig);
        assertEq(facts.subject(MARIO).birthDate, MARIO_BIRTH, "within the skew");
    }

    function test_recordCivil_acceptsARetiredKeyForWhatItSignedBeforeRetirement() public {
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r); // signed at TODAY_TS
        vm.warp(TODAY_TS + 1);
        orgs.retireSigner(vm.addr(ROMA_KEY));
        vm.warp(TODAY_TS + 7 days); // relayed a week later
        facts.recordCivil(r, sig);
        assertEq(facts.subject(MARIO).residence, ROMA, "recorded");
    }

    function test_recordCivil_refusesARetiredKeyForWhatItSignedAfterRetirement() public {
        orgs.retireSigner(vm.addr(ROMA_KEY));
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector,
                vm.addr(ROMA_KEY),
                uint64(TODAY_TS),
                uint64(TODAY_TS)
            )
        );
        facts.recordCivil(r, sig);
    }

    function test_recordCivil_refusesAKeyOfAnInactiveMunicipality() public {
        orgs.setOrganisationActive(romaId, false);
        IFactRegistry.CivilRecord memory r = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory sig = _signCivil(ROMA_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryInactiveOrganisation.selector, romaId)
        );
        facts.recordCivil(r, sig);
    }

    // ------------------------------------------------------------ recordDeath

    function test_recordDeath_storesTheDateAndEmits() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260310);
        bytes memory sig = _signDeath(ROMA_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.DeathRecorded(r.recordId, MARIO, romaId, 0, 20260310, vm.addr(ROMA_KEY), r.signedAt);
        facts.recordDeath(r, sig);
        assertEq(facts.subject(MARIO).deathDate, 20260310, "death date");
    }

    function test_recordDeath_replacesAnEarlierDeathAndAcceptsAnyMunicipality() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordDeath(MARIO, 20260310);
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260309);
        bytes memory sig = _signDeath(MILANO_KEY, r); // died away from home
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.DeathRecorded(
            r.recordId, MARIO, milanoId, 20260310, 20260309, vm.addr(MILANO_KEY), r.signedAt
        );
        facts.recordDeath(r, sig);
        assertEq(facts.subject(MARIO).deathDate, 20260309, "corrected");
    }

    function test_recordDeath_refusesTheSameRecordIdTwice() public {
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260310);
        bytes memory sig = _signDeath(ROMA_KEY, r);
        facts.recordDeath(r, sig);
        _expectAlreadyRecorded(r.recordId);
        facts.recordDeath(r, sig);
    }

    function test_recordDeath_refusesANonMunicipalSigner() public {
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260310);
        bytes memory sig = _signDeath(ASL_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, aslId);
        facts.recordDeath(r, sig);
    }

    function test_recordDeath_refusesAnInvalidDate() public {
        IFactRegistry.DeathRecord memory r = _death(MARIO, 20260230);
        bytes memory sig = _signDeath(ROMA_KEY, r);
        _expectInvalidDate(r.recordId, 20260230);
        facts.recordDeath(r, sig);
    }

    // ------------------------------------------------------------ recordAssessment

    function test_recordAssessment_storesItWithItsSignersAndEmits() public {
        IFactRegistry.AssessmentRecord memory r = _assessmentWithReview(20240101, 20270101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_B_KEY, MEMBER_A_KEY));
        bytes32 key = facts.assessmentKey(commissionId, r.assessmentId);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.AssessmentRecorded(
            key,
            MARIO,
            commissionId,
            Category.CIVIL_INVALIDITY,
            80,
            0,
            20240101,
            20270101,
            r.reportHash,
            _ascending(vm.addr(MEMBER_A_KEY), vm.addr(MEMBER_B_KEY)),
            r.signedAt
        );
        facts.recordAssessment(r, sigs);

        assertEq(facts.subject(MARIO).assessmentCount, 1, "count");
        (bytes32 id, IFactRegistry.StoredAssessment memory a) = facts.assessmentAt(MARIO, 0);
        assertEq(id, key, "on-chain id at index 0");
        assertEq(a.percentage, 80, "percentage");
        assertEq(a.effectiveDate, 20240101, "effective");
        assertEq(a.reviewDate, 20270101, "review");
        assertEq(a.commissionId, commissionId, "commission");
        (bool exists, bytes32 subj, IFactRegistry.StoredAssessment memory byId) = facts.assessmentById(key);
        assertTrue(exists, "exists");
        assertEq(subj, MARIO, "subject");
        assertFalse(byId.revoked, "not revoked");
        assertTrue(facts.isRecorded(facts.ASSESSMENT_TYPEHASH(), commissionId, r.assessmentId), "isRecorded");
        assertFalse(facts.isRecorded(facts.ASSESSMENT_TYPEHASH(), inpsCommissionId, r.assessmentId), "by its commission only");
    }

    function test_recordAssessment_acceptsThreeMembers() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.BLINDNESS, 0, Flags.BLIND_ABSOLUTE, 20240101);
        facts.recordAssessment(r, _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY, MEMBER_C_KEY)));
        (bool exists,,) = facts.assessmentById(facts.assessmentKey(commissionId, r.assessmentId));
        assertTrue(exists, "recorded");
    }

    function test_recordAssessment_refusesTheSameAssessmentIdTwice() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        facts.recordAssessment(r, sigs);
        _expectAlreadyRecorded(r.assessmentId);
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesASingleSignature() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = new bytes[](1);
        sigs[0] = _sign(MEMBER_A_KEY, facts.assessmentDigest(r));
        _expectNotEnoughSigners(r.assessmentId, 1);
        facts.recordAssessment(r, sigs);

        _expectNotEnoughSigners(r.assessmentId, 0);
        facts.recordAssessment(r, new bytes[](0));
    }

    function test_recordAssessment_refusesTheSameMemberTwice() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signaturesInOrder(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, MEMBER_A_KEY));
        _expectNotEnoughSigners(r.assessmentId, 1);
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesSignersOutOfOrder() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sorted = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        bytes[] memory reversed = new bytes[](2);
        (reversed[0], reversed[1]) = (sorted[1], sorted[0]);
        _expectNotEnoughSigners(r.assessmentId, 1);
        facts.recordAssessment(r, reversed);
    }

    function test_recordAssessment_refusesAMemberOfAnotherCommission() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, INPS_MEMBER_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignerNotInCommission.selector,
                r.assessmentId,
                vm.addr(INPS_MEMBER_KEY),
                commissionId
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesMembersSigningForAnotherCommissionId() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        r.commissionId = inpsCommissionId;
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        address first = _ascending(vm.addr(MEMBER_A_KEY), vm.addr(MEMBER_B_KEY))[0];
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignerNotInCommission.selector, r.assessmentId, first, inpsCommissionId
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesAMunicipalitySigner() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, ROMA_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignerNotInCommission.selector, r.assessmentId, vm.addr(ROMA_KEY), commissionId
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesAnUnknownSigner() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, UNKNOWN_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistryUnknownSigner.selector, vm.addr(UNKNOWN_KEY)
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesAMemberRetiredBeforeSigning() public {
        orgs.retireSigner(vm.addr(MEMBER_B_KEY));
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector,
                vm.addr(MEMBER_B_KEY),
                uint64(TODAY_TS),
                r.signedAt
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_acceptsAMemberRetiredAfterSigning() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        vm.warp(TODAY_TS + 1 hours);
        orgs.retireSigner(vm.addr(MEMBER_B_KEY));
        facts.recordAssessment(r, sigs);
        assertEq(facts.subject(MARIO).assessmentCount, 1, "recorded");
    }

    function test_recordAssessment_refusesASignatureFromTheFuture() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        r.signedAt = uint64(TODAY_TS + 1 days);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistrySignedInFuture.selector, r.assessmentId, r.signedAt, uint64(TODAY_TS)
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesInvalidCategoryPercentageOrFlags() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(MARIO, Category.NONE, 80, 0, 20240101);
        _expectInvalidAssessment(r);
        r.category = Category.CIVIL_INVALIDITY;
        r.percentage = 101;
        _expectInvalidAssessment(r);
        r.percentage = 100;
        r.flags = Flags.ALL + 1;
        _expectInvalidAssessment(r);
    }

    /// @dev No person's id is 0: an assessment's stored subject being non-zero is its "recorded" bit.
    function test_recordAssessment_refusesSubjectZero() public {
        IFactRegistry.AssessmentRecord memory r = _assessment(bytes32(0), Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        _expectInvalidAssessment(r);
    }

    /// @dev An assessment is found by its id among its subject's others (revoked, read by id).
    function test_recordRevocation_findsTheAssessmentAmongItsSubjectsOthers() public {
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 67, 0, 20200101);
        bytes32 second = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20220101);
        _recordAssessment(MARIO, Category.BLINDNESS, 100, 0, 20230101);
        _recordRevocation(second, MEMBER_A_KEY);
        (bool exists, bytes32 subj, IFactRegistry.StoredAssessment memory a) = facts.assessmentById(second);
        assertTrue(exists, "found");
        assertEq(subj, MARIO, "its subject");
        assertEq(a.percentage, 80, "the second");
        assertTrue(a.revoked, "revoked");
        (, IFactRegistry.StoredAssessment memory first) = facts.assessmentAt(MARIO, 0);
        assertFalse(first.revoked, "the first untouched");
        assertEq(facts.snapshot(MARIO, TODAY).assessments[1].percentage, 67, "the first is valid again");
    }

    function _expectInvalidAssessment(IFactRegistry.AssessmentRecord memory r) private {
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactRegistry.FactRegistryInvalidAssessment.selector, r.assessmentId, r.category, r.percentage, r.flags
            )
        );
        facts.recordAssessment(r, sigs);
    }

    function test_recordAssessment_refusesInvalidEffectiveOrReviewDates() public {
        IFactRegistry.AssessmentRecord memory r = _assessmentWithReview(20240230, 0);
        bytes[] memory sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        _expectInvalidDate(r.assessmentId, 20240230);
        facts.recordAssessment(r, sigs);

        r = _assessmentWithReview(20240101, 20241301);
        sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        _expectInvalidDate(r.assessmentId, 20241301);
        facts.recordAssessment(r, sigs);

        r = _assessmentWithReview(20240101, 20231231); // review before the effective date
        sigs = _signAssessment(r, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        _expectInvalidDate(r.assessmentId, 20231231);
        facts.recordAssessment(r, sigs);
    }

    // ------------------------------------------------------------ recordRevocation

    function test_recordRevocation_byTheIssuingCommissionMarksItRevokedAndEmits() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 2);
        bytes memory sig = _signRevocation(MEMBER_C_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.AssessmentRevoked(id, MARIO, commissionId, r.recordId, 2, vm.addr(MEMBER_C_KEY), r.signedAt);
        facts.recordRevocation(r, sig);
        (,, IFactRegistry.StoredAssessment memory a) = facts.assessmentById(id);
        assertTrue(a.revoked, "revoked");
        assertTrue(facts.isRecorded(facts.REVOCATION_TYPEHASH(), commissionId, r.recordId), "isRecorded");
    }

    function test_recordRevocation_byInpsIsAccepted() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 3);
        bytes memory sig = _signRevocation(INPS_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.AssessmentRevoked(id, MARIO, inpsId, r.recordId, 3, vm.addr(INPS_KEY), r.signedAt);
        facts.recordRevocation(r, sig);
    }

    function test_recordRevocation_refusesAnotherCommission() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 1);
        bytes memory sig = _signRevocation(INPS_MEMBER_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, inpsCommissionId);
        facts.recordRevocation(r, sig);
    }

    function test_recordRevocation_refusesTheParentAslOfTheCommission() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 1);
        bytes memory sig = _signRevocation(ASL_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, aslId);
        facts.recordRevocation(r, sig);
    }

    function test_recordRevocation_refusesAnUnknownAssessment() public {
        IFactRegistry.RevocationRecord memory r = _revocation(keccak256("nothing"), 1);
        bytes memory sig = _signRevocation(INPS_KEY, r);
        vm.expectRevert(
            abi.encodeWithSelector(IFactRegistry.FactRegistryUnknownAssessment.selector, keccak256("nothing"))
        );
        facts.recordRevocation(r, sig);
    }

    function test_recordRevocation_refusesAnAssessmentAlreadyRevoked() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        _recordRevocation(id, INPS_KEY);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 1);
        bytes memory sig = _signRevocation(MEMBER_A_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryAssessmentAlreadyRevoked.selector, id));
        facts.recordRevocation(r, sig);
    }

    function test_recordRevocation_refusesTheSameRecordIdTwice() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.RevocationRecord memory r = _revocation(id, 1);
        bytes memory sig = _signRevocation(INPS_KEY, r);
        facts.recordRevocation(r, sig);
        _expectAlreadyRecorded(r.recordId);
        facts.recordRevocation(r, sig);
    }

    // ------------------------------------------------------------ recordIncome

    function test_recordIncome_storesTheYearAndEmits() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1_234_567);
        bytes memory sig = _signIncome(INPS_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.IncomeRecorded(r.recordId, MARIO, 2025, false, 0, 1_234_567, vm.addr(INPS_KEY), r.signedAt);
        facts.recordIncome(r, sig);
        (bool attested, uint64 amount) = facts.incomeOf(MARIO, 2025);
        assertTrue(attested, "attested");
        assertEq(amount, 1_234_567, "amount");
        IFactRegistry.Subject memory s = facts.subject(MARIO);
        assertEq(s.firstIncomeYear, 2025, "first year");
        assertEq(s.lastIncomeYear, 2025, "last year");
    }

    function test_recordIncome_ofZeroIsAttested() public {
        _recordIncome(MARIO, 2025, 0);
        (bool attested, uint64 amount) = facts.incomeOf(MARIO, 2025);
        assertTrue(attested, "zero income is still attested");
        assertEq(amount, 0, "amount");
    }

    function test_recordIncome_replacesTheSameYearAndEmitsOldAndNew() public {
        _recordIncome(MARIO, 2025, 1_000_000);
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 900_000);
        bytes memory sig = _signIncome(INPS_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.IncomeRecorded(
            r.recordId, MARIO, 2025, true, 1_000_000, 900_000, vm.addr(INPS_KEY), r.signedAt
        );
        facts.recordIncome(r, sig);
        (, uint64 amount) = facts.incomeOf(MARIO, 2025);
        assertEq(amount, 900_000, "replaced");
    }

    function test_recordIncome_refusesTheSameRecordIdTwice() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1);
        bytes memory sig = _signIncome(INPS_KEY, r);
        facts.recordIncome(r, sig);
        _expectAlreadyRecorded(r.recordId);
        facts.recordIncome(r, sig);
    }

    function test_recordIncome_refusesAMunicipalitySigner() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1);
        bytes memory sig = _signIncome(ROMA_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, romaId);
        facts.recordIncome(r, sig);
    }

    function test_recordIncome_refusesAnAslSigner() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1);
        bytes memory sig = _signIncome(ASL_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, aslId);
        facts.recordIncome(r, sig);
    }

    function test_recordIncome_refusesAnInpsCommissionMember() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 2025, 1);
        bytes memory sig = _signIncome(INPS_MEMBER_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, inpsCommissionId);
        facts.recordIncome(r, sig);
    }

    function test_recordIncome_refusesAYearOutsideTheCalendar() public {
        IFactRegistry.IncomeRecord memory r = _income(MARIO, 1899, 1);
        bytes memory sig = _signIncome(INPS_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidYear.selector, r.recordId, 1899));
        facts.recordIncome(r, sig);

        r.year = 2200;
        sig = _signIncome(INPS_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryInvalidYear.selector, r.recordId, 2200));
        facts.recordIncome(r, sig);
    }

    // ------------------------------------------------------------ recordHospitalStay

    function test_recordHospitalStay_storesAnOpenStayAndEmits() public {
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260101, 0);
        bytes memory sig = _signStay(ASL_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.HospitalStayRecorded(r.recordId, MARIO, aslId, 20260101, 0, 0, vm.addr(ASL_KEY), r.signedAt);
        facts.recordHospitalStay(r, sig);
        assertEq(facts.subject(MARIO).stayCount, 1, "count");
        assertEq(facts.stayAt(MARIO, 0).admission, 20260101, "admission");
        assertEq(facts.stayAt(MARIO, 0).discharge, 0, "open");
    }

    function test_recordHospitalStay_sameAdmissionAddsTheDischarge() public {
        _recordStay(MARIO, 20260101, 0);
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260101, 20260220);
        bytes memory sig = _signStay(ASL_KEY, r);
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.HospitalStayRecorded(
            r.recordId, MARIO, aslId, 20260101, 0, 20260220, vm.addr(ASL_KEY), r.signedAt
        );
        facts.recordHospitalStay(r, sig);
        assertEq(facts.subject(MARIO).stayCount, 1, "replaced, not added");
        assertEq(facts.stayAt(MARIO, 0).discharge, 20260220, "discharged");

        _recordStay(MARIO, 20260401, 0);
        assertEq(facts.subject(MARIO).stayCount, 2, "another admission is another stay");
    }

    function test_recordHospitalStay_refusesTheSameRecordIdTwice() public {
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260101, 0);
        bytes memory sig = _signStay(ASL_KEY, r);
        facts.recordHospitalStay(r, sig);
        _expectAlreadyRecorded(r.recordId);
        facts.recordHospitalStay(r, sig);
    }

    function test_recordHospitalStay_refusesANonAslSigner() public {
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260101, 0);
        bytes memory sig = _signStay(INPS_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, inpsId);
        facts.recordHospitalStay(r, sig);

        sig = _signStay(MEMBER_A_KEY, r);
        _expectUnauthorisedCertifier(r.recordId, commissionId);
        facts.recordHospitalStay(r, sig);
    }

    function test_recordHospitalStay_refusesInvalidOrReversedDates() public {
        IFactRegistry.HospitalStayRecord memory r = _stay(MARIO, 20260132, 0);
        bytes memory sig = _signStay(ASL_KEY, r);
        _expectInvalidDate(r.recordId, 20260132);
        facts.recordHospitalStay(r, sig);

        r = _stay(MARIO, 20260110, 20260109);
        sig = _signStay(ASL_KEY, r);
        _expectInvalidDate(r.recordId, 20260109);
        facts.recordHospitalStay(r, sig);

        r = _stay(MARIO, 20260110, 20260229);
        sig = _signStay(ASL_KEY, r);
        _expectInvalidDate(r.recordId, 20260229);
        facts.recordHospitalStay(r, sig);
    }

    // ------------------------------------------------------------ snapshot: assessments

    function test_snapshot_validAssessmentIsTheLatestEffectiveOnOrBeforeTheDate() public {
        bytes32 later = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20250101);
        bytes32 earlier = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101); // recorded after
        assertFalse(facts.snapshot(MARIO, 20231231).assessments[1].exists, "before any effective date");
        assertEq(facts.snapshot(MARIO, 20240101).assessments[1].assessmentId, earlier, "on its effective date");
        assertEq(facts.snapshot(MARIO, 20241231).assessments[1].assessmentId, earlier, "the day before the later");
        FactSnapshot memory s = facts.snapshot(MARIO, 20260615);
        assertEq(s.assessments[1].assessmentId, later, "latest effective, not latest recorded");
        assertEq(s.assessments[1].percentage, 100, "its percentage");
    }

    function test_snapshot_tiesOnEffectiveDateGoToTheOneRecordedLast() public {
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes32 second = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 90, 0, 20240101);
        assertEq(facts.snapshot(MARIO, 20260615).assessments[1].assessmentId, second, "recorded last");
    }

    function test_snapshot_skipsRevokedAssessments() public {
        bytes32 first = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes32 tie = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 85, 0, 20240101);
        bytes32 latest = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20250101);
        _recordRevocation(latest, INPS_KEY);
        assertEq(facts.snapshot(MARIO, 20260615).assessments[1].assessmentId, tie, "latest revoked");
        _recordRevocation(tie, MEMBER_A_KEY);
        assertEq(facts.snapshot(MARIO, 20260615).assessments[1].assessmentId, first, "tie revoked too");
        _recordRevocation(first, MEMBER_B_KEY);
        assertFalse(facts.snapshot(MARIO, 20260615).assessments[1].exists, "all revoked");
    }

    function test_snapshot_keepsAnAssessmentWhoseReviewDateHasPassed() public {
        IFactRegistry.AssessmentRecord memory r = _assessmentWithReview(20240101, 20250601);
        _recordAssessment(r);
        FactSnapshot memory s = facts.snapshot(MARIO, 20260615);
        assertTrue(s.assessments[1].exists, "still valid after review date");
        assertEq(s.assessments[1].reviewDate, 20250601, "review date reported");
    }

    function test_snapshot_keepsOneValidAssessmentPerCategory() public {
        bytes32 ci = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes32 blind = _recordAssessment(MARIO, Category.BLINDNESS, 0, Flags.BLIND_PARTIAL, 20250101);
        FactSnapshot memory s = facts.snapshot(MARIO, 20260615);
        assertEq(s.assessments[1].assessmentId, ci, "civil invalidity");
        assertEq(s.assessments[2].assessmentId, blind, "blindness");
        assertEq(s.assessments[2].flags, Flags.BLIND_PARTIAL, "flags");
        assertFalse(s.assessments[3].exists, "deafness");
        assertFalse(s.assessments[4].exists, "L104");
    }

    /// @dev Four assessments of one category with random effective dates and revocations; the
    /// snapshot must pick the non-revoked one with the latest effective date on or before the
    /// date, ties to the one recorded last.
    function testFuzz_snapshot_picksTheLatestEffectiveNonRevokedAssessment(
        uint256 dateSeed,
        uint8 revokedMask,
        uint256 queryOffset
    ) public {
        bytes32[4] memory ids;
        uint32[4] memory effective;
        for (uint256 i = 0; i < 4; ++i) {
            // Few distinct dates, so ties happen.
            effective[i] = [uint32(20240101), 20240601, 20250101, 20250601][(dateSeed >> (8 * i)) % 4];
            ids[i] = _recordAssessment(MARIO, Category.DEAFNESS, uint8(i), 0, effective[i]);
        }
        for (uint256 i = 0; i < 4; ++i) {
            if (revokedMask & (1 << i) != 0) _recordRevocation(ids[i], INPS_KEY);
        }
        uint32 date = [uint32(20231231), 20240101, 20240301, 20240601, 20250101, 20250301, 20260615][queryOffset % 7];

        bool found;
        bytes32 expected;
        uint32 best;
        for (uint256 i = 0; i < 4; ++i) {
            if (revokedMask & (1 << i) != 0 || effective[i] > date) continue;
            if (!found || effective[i] >= best) (found, expected, best) = (true, ids[i], effective[i]);
        }
        FactSnapshot memory s = facts.snapshot(MARIO, date);
        assertEq(s.assessments[3].exists, found, "exists");
        assertEq(s.assessments[3].assessmentId, expected, "assessment");
    }

    // ------------------------------------------------------------ snapshot: income

    function test_snapshot_incomeOfTheYearOrTheLatestEarlierYear() public {
        _recordIncome(MARIO, 2022, 100);
        _recordIncome(MARIO, 2025, 200);
        _assertIncome(20210615, false, 0, "before any attested year");
        _assertIncome(20220101, true, 100, "2022 itself");
        _assertIncome(20241231, true, 100, "2024 falls back over the gap to 2022");
        _assertIncome(20250615, true, 200, "2025 itself");
        _assertIncome(20260615, true, 200, "2026 falls back to 2025");
        _recordIncome(MARIO, 2026, 300);
        _assertIncome(20260615, true, 300, "2026 once attested");
        _assertIncome(20250615, true, 200, "2025 unchanged");
    }

    function test_snapshot_incomeNotAttestedWithoutAnyIncome() public view {
        _assertIncome(20260615, false, 0, "nothing attested");
    }

    function _assertIncome(uint32 date, bool attested, uint64 amount, string memory message) private view {
        FactSnapshot memory s = facts.snapshot(MARIO, date);
        assertEq(s.incomeAttested, attested, message);
        assertEq(s.incomeCents, amount, message);
    }

    // ------------------------------------------------------------ snapshot: hospital stays

    function test_snapshot_longStayStartsOnTheThirtiethDay() public {
        _recordStay(MARIO, 20260101, 0);
        assertFalse(facts.snapshot(MARIO, 20251231).longHospitalStay, "before admission");
        assertFalse(facts.snapshot(MARIO, 20260101).longHospitalStay, "admission day");
        assertFalse(facts.snapshot(MARIO, 20260130).longHospitalStay, "29 days");
        assertTrue(facts.snapshot(MARIO, 20260131).longHospitalStay, "30 days");
        assertTrue(facts.snapshot(MARIO, 20261231).longHospitalStay, "open stay goes on");
    }

    function test_snapshot_dischargeOnTheDateStillCoversIt() public {
        _recordStay(MARIO, 20260101, 20260131);
        assertTrue(facts.snapshot(MARIO, 20260131).longHospitalStay, "discharged on the date");
        assertFalse(facts.snapshot(MARIO, 20260201).longHospitalStay, "the day after discharge");
    }

    function test_snapshot_aShortStayNeverSuspends() public {
        _recordStay(MARIO, 20260101, 20260129);
        assertFalse(facts.snapshot(MARIO, 20260129).longHospitalStay, "28 days");
    }

    function test_snapshot_addingADischargeEndsTheLongStay() public {
        _recordStay(MARIO, 20260101, 0);
        assertTrue(facts.snapshot(MARIO, 20260301).longHospitalStay, "open");
        _recordStay(MARIO, 20260101, 20260215);
        assertFalse(facts.snapshot(MARIO, 20260301).longHospitalStay, "discharged before the date");
        assertTrue(facts.snapshot(MARIO, 20260215).longHospitalStay, "still covers the discharge day");
    }

    function testFuzz_snapshot_longStayAfterThirtyDays(uint256 admissionTs, uint16 daysIn, bool discharged) public {
        admissionTs = bound(admissionTs, 0, 7258118400 - 1 - 400 days);
        daysIn = uint16(bound(daysIn, 0, 400));
        uint32 admission = DateLib.fromTimestamp(admissionTs);
        uint32 date = DateLib.fromTimestamp(admissionTs + uint256(daysIn) * 1 days);
        // A discharge on the date itself still covers it.
        _recordStay(MARIO, admission, discharged ? date : 0);
        assertEq(facts.snapshot(MARIO, date).longHospitalStay, daysIn >= 30, "30 or more days");
    }

    // ------------------------------------------------------------ snapshot: civil facts

    function test_snapshot_carriesCivilRecordAndDeath() public {
        FactSnapshot memory s = facts.snapshot(MARIO, 20260615);
        assertFalse(s.hasCivilRecord, "no civil record yet");
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordDeath(MARIO, 20260310);
        s = facts.snapshot(MARIO, 20260615);
        assertTrue(s.hasCivilRecord, "civil record");
        assertEq(s.birthDate, MARIO_BIRTH, "birth");
        assertEq(s.residence, ROMA, "residence");
        assertEq(s.deathDate, 20260310, "death");
    }

    // ------------------------------------------------------------ EIP-712 digests

    /// @dev The digests off-chain signers must reproduce: EIP-712 with domain "PA Chain Facts" v1 and
    /// the record types spelled out here, field by field (a change of either breaks every signer).
    function test_digests_followEip712WithTheDeclaredTypes() public {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("PA Chain Facts"),
                keccak256("1"),
                block.chainid,
                address(facts)
            )
        );
        IFactRegistry.CivilRecord memory c = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes32 civilHash = keccak256(
            abi.encode(
                keccak256("CivilRecord(bytes32 recordId,bytes32 subject,uint32 birthDate,uint32 residence,uint64 signedAt)"),
                c.recordId,
                c.subject,
                c.birthDate,
                c.residence,
                c.signedAt
            )
        );
        assertEq(facts.civilDigest(c), keccak256(abi.encodePacked(hex"1901", domain, civilHash)), "civil");

        IFactRegistry.AssessmentRecord memory a = _assessment(MARIO, Category.BLINDNESS, 7, Flags.BLIND_PARTIAL, 20240101);
        a.reviewDate = 20270101;
        bytes32 assessmentHash = keccak256(
            bytes.concat(
                abi.encode(
                    keccak256(
                        "AssessmentRecord(bytes32 assessmentId,bytes32 subject,uint32 commissionId,uint8 category,uint8 percentage,uint8 flags,uint32 effectiveDate,uint32 reviewDate,bytes32 reportHash,uint64 signedAt)"
                    ),
                    a.assessmentId,
                    a.subject,
                    a.commissionId,
                    uint8(a.category),
                    a.percentage
                ),
                abi.encode(a.flags, a.effectiveDate, a.reviewDate, a.reportHash, a.signedAt)
            )
        );
        assertEq(facts.assessmentDigest(a), keccak256(abi.encodePacked(hex"1901", domain, assessmentHash)), "assessment");

        IFactRegistry.HospitalStayRecord memory h = _stay(MARIO, 20260101, 20260131);
        bytes32 stayHash = keccak256(
            abi.encode(
                keccak256("HospitalStayRecord(bytes32 recordId,bytes32 subject,uint32 admission,uint32 discharge,uint64 signedAt)"),
                h.recordId,
                h.subject,
                h.admission,
                h.discharge,
                h.signedAt
            )
        );
        assertEq(facts.hospitalStayDigest(h), keccak256(abi.encodePacked(hex"1901", domain, stayHash)), "stay");
        assertEq(
            facts.CIVIL_TYPEHASH(),
            keccak256("CivilRecord(bytes32 recordId,bytes32 subject,uint32 birthDate,uint32 residence,uint64 signedAt)"),
            "type hash"
        );
    }

    // ------------------------------------------------------------ recordBatch

    function test_recordBatch_recordsValidItemsAndReportsTheOthersWithTheirError() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.IncomeRecord memory badIncome = _income(MARIO, 2025, 1);
        IFactRegistry.AssessmentRecord memory assessment =
            _assessment(MARIO, Category.CIVIL_INVALIDITY, 100, 0, 20240101);
        IFactRegistry.HospitalStayRecord memory stay = _stay(MARIO, 20260101, 0);
        bytes[] memory calls = new bytes[](4);
        calls[0] = abi.encodeCall(facts.recordCivil, (civil, _signCivil(ROMA_KEY, civil)));
        calls[1] = abi.encodeCall(facts.recordIncome, (badIncome, _signIncome(ASL_KEY, badIncome)));
        calls[2] = abi.encodeCall(
            facts.recordAssessment, (assessment, _signAssessment(assessment, _keys(MEMBER_A_KEY, MEMBER_B_KEY)))
        );
        calls[3] = abi.encodeCall(facts.recordHospitalStay, (stay, _signStay(ASL_KEY, stay)));

        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            1,
            facts.recordIncome.selector,
            abi.encodeWithSelector(IFactRegistry.FactRegistryUnauthorisedCertifier.selector, badIncome.recordId, aslId)
        );
        uint256 recorded = facts.recordBatch(calls);

        assertEq(recorded, 3, "three of four");
        assertEq(facts.subject(MARIO).birthDate, MARIO_BIRTH, "civil record");
        assertEq(facts.subject(MARIO).assessmentCount, 1, "assessment");
        assertEq(facts.subject(MARIO).stayCount, 1, "stay");
        assertFalse(facts.isRecorded(facts.INCOME_TYPEHASH(), aslId, badIncome.recordId), "refused item left nothing");
    }

    function test_recordBatch_reportsARepeatedItemAsAlreadyRecorded() public {
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(facts.recordIncome, (income, _signIncome(INPS_KEY, income)));
        calls[1] = calls[0];
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            1,
            facts.recordIncome.selector,
            abi.encodeWithSelector(IFactRegistry.FactRegistryAlreadyRecorded.selector, income.recordId)
        );
        assertEq(facts.recordBatch(calls), 1, "recorded once");
    }

    function test_recordBatch_checksEachItemAgainstTheCallersOwnRole() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(facts.recordCivil, (civil, _signCivil(ROMA_KEY, civil)));
        calls[1] = abi.encodeCall(facts.recordIncome, (income, _signIncome(INPS_KEY, income)));

        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            1,
            facts.recordIncome.selector,
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, CIVIL_RELAYER_ONLY)
        );
        vm.prank(CIVIL_RELAYER_ONLY);
        assertEq(facts.recordBatch(calls), 1, "the civil record only");

        // A stranger cannot send a batch at all (issue 14): test/contracts/security/RecordBinding.t.sol.
        IFactRegistry.CivilRecord memory other = _civil(LUCIA, 19900320, MILANO);
        calls = new bytes[](1);
        calls[0] = abi.encodeCall(facts.recordCivil, (other, _signCivil(MILANO_KEY, other)));
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordBatch(calls);
        assertEq(facts.subject(LUCIA).birthDate, 0, "nothing recorded");
    }

    /// @dev A batch asks the OrganisationRegistry once per signer and keeps the answer (issue 20):
    /// each later record still checks its own signing time against the key's retirement.
    function test_recordBatch_checksEachRecordsSigningTimeAgainstTheRetirementOfACachedKey() public {
        IFactRegistry.CivilRecord memory before = _civil(MARIO, MARIO_BIRTH, ROMA); // signed at TODAY_TS
        bytes memory beforeSig = _signCivil(ROMA_KEY, before);
        vm.warp(TODAY_TS + 1);
        orgs.retireSigner(vm.addr(ROMA_KEY));
        IFactRegistry.CivilRecord memory afterRetirement = _civil(LUCIA, 19900320, ROMA); // at TODAY_TS + 1
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(facts.recordCivil, (before, beforeSig));
        calls[1] = abi.encodeCall(facts.recordCivil, (afterRetirement, _signCivil(ROMA_KEY, afterRetirement)));
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            1,
            facts.recordCivil.selector,
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector,
                vm.addr(ROMA_KEY),
                uint64(TODAY_TS + 1),
                uint64(TODAY_TS + 1)
            )
        );
        assertEq(facts.recordBatch(calls), 1, "the record signed before the retirement only");
        assertEq(facts.subject(MARIO).birthDate, MARIO_BIRTH, "recorded");
        assertEq(facts.subject(LUCIA).birthDate, 0, "refused");
    }

    /// @dev What a batch caches (the caller's passed AccessManager checks, the certifiers' answers)
    /// does not outlive it, even in the same transaction (a Solidity test is one transaction).
    function test_recordBatch_leavesNoCachedCheckBehindInTheSameTransaction() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        bytes[] memory calls = new bytes[](2);
        calls[0] = abi.encodeCall(facts.recordCivil, (civil, _signCivil(ROMA_KEY, civil)));
        calls[1] = abi.encodeCall(facts.recordIncome, (income, _signIncome(INPS_KEY, income)));
        assertEq(facts.recordBatch(calls), 2, "both recorded by the account with every role");

        // The income check passed in that batch; a caller without the role is still refused.
        IFactRegistry.IncomeRecord memory other = _income(MARIO, 2024, 1);
        bytes memory otherSig = _signIncome(INPS_KEY, other);
        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        facts.recordIncome(other, otherSig);
        calls = new bytes[](1);
        calls[0] = abi.encodeCall(facts.recordIncome, (other, otherSig));
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            0,
            facts.recordIncome.selector,
            abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, CIVIL_RELAYER_ONLY)
        );
        vm.prank(CIVIL_RELAYER_ONLY);
        assertEq(facts.recordBatch(calls), 0, "refused in a later batch");

        // The Roma key was authorised in the first batch; retired since, a later batch asks again.
        vm.warp(TODAY_TS + 1);
        orgs.retireSigner(vm.addr(ROMA_KEY));
        IFactRegistry.CivilRecord memory lucia = _civil(LUCIA, 19900320, ROMA);
        calls[0] = abi.encodeCall(facts.recordCivil, (lucia, _signCivil(ROMA_KEY, lucia)));
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            0,
            facts.recordCivil.selector,
            abi.encodeWithSelector(
                IOrganisationRegistry.OrganisationRegistrySignerRetired.selector,
                vm.addr(ROMA_KEY),
                uint64(TODAY_TS + 1),
                uint64(TODAY_TS + 1)
            )
        );
        assertEq(facts.recordBatch(calls), 0, "refused: the key is retired");

        // An organisation deactivated between two batches of one transaction.
        orgs.setOrganisationActive(inpsId, false);
        calls[0] = abi.encodeCall(facts.recordIncome, (other, otherSig));
        vm.expectEmit(true, true, true, true, address(facts));
        emit IFactRegistry.RecordRefused(
            0,
            facts.recordIncome.selector,
            abi.encodeWithSelector(IOrganisationRegistry.OrganisationRegistryInactiveOrganisation.selector, inpsId)
        );
        assertEq(facts.recordBatch(calls), 0, "refused: INPS is inactive");
    }

    function test_recordBatch_refusesAnItemThatIsNotARecordCall() public {
        bytes[] memory calls = new bytes[](1);
        calls[0] = abi.encodeCall(facts.pause, ());
        vm.expectRevert(
            abi.encodeWithSelector(IFactRegistry.FactRegistryNotARecordCall.selector, 0, facts.pause.selector)
        );
        facts.recordBatch(calls);

        calls[0] = abi.encodeCall(facts.recordBatch, (new bytes[](0)));
        vm.expectRevert(
            abi.encodeWithSelector(IFactRegistry.FactRegistryNotARecordCall.selector, 0, facts.recordBatch.selector)
        );
        facts.recordBatch(calls);

        calls[0] = hex"0102";
        vm.expectRevert(abi.encodeWithSelector(IFactRegistry.FactRegistryNotARecordCall.selector, 0, bytes4(0)));
        facts.recordBatch(calls);
    }

    function test_recordBatch_refusesWhilePaused() public {
        facts.pause();
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        facts.recordBatch(new bytes[](0));
    }

    // ------------------------------------------------------------ snapshotFor

    function test_snapshotFor_computesOnlyTheNamedParts() public {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        bytes32 blind = _recordAssessment(MARIO, Category.BLINDNESS, 0, Flags.BLIND_PARTIAL, 20240101);
        _recordIncome(MARIO, 2025, 1_000);
        _recordStay(MARIO, 20260101, 0);

        FactSnapshot memory s = facts.snapshotFor(MARIO, TODAY, 1 << uint8(Category.CIVIL_INVALIDITY));
        assertTrue(s.hasCivilRecord, "civil facts always");
        assertEq(s.birthDate, MARIO_BIRTH, "birth always");
        assertTrue(s.assessments[1].exists, "civil invalidity asked");
        assertEq(s.assessments[1].percentage, 80, "its percentage");
        assertEq(s.assessments[1].assessmentId, bytes32(0), "ids not asked");
        assertFalse(s.assessments[2].exists, "blindness not asked");
        assertFalse(s.incomeAttested, "income not asked");
        assertFalse(s.longHospitalStay, "stays not asked");

        s = facts.snapshotFor(
            MARIO,
            TODAY,
            (1 << uint8(Category.BLINDNESS)) | SnapshotNeeds.INCOME | SnapshotNeeds.STAYS | SnapshotNeeds.ASSESSMENT_IDS
        );
        assertFalse(s.assessments[1].exists, "civil invalidity not asked");
        assertEq(s.assessments[2].assessmentId, blind, "blindness with its id");
        assertTrue(s.incomeAttested, "income");
        assertEq(s.incomeCents, 1_000, "income amount");
        assertTrue(s.longHospitalStay, "stay");

        FactSnapshot memory all = facts.snapshotFor(MARIO, TODAY, SnapshotNeeds.ALL);
        assertEq(keccak256(abi.encode(all)), keccak256(abi.encode(facts.snapshot(MARIO, TODAY))), "ALL = snapshot");
    }

    // ------------------------------------------------------------ pause

    function test_pause_stopsEveryRecordingFunction() public {
        bytes32 id = _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 80, 0, 20240101);
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory civilSig = _signCivil(ROMA_KEY, civil);
        IFactRegistry.DeathRecord memory death = _death(MARIO, 20260310);
        bytes memory deathSig = _signDeath(ROMA_KEY, death);
        IFactRegistry.AssessmentRecord memory assessment = _assessment(MARIO, Category.BLINDNESS, 0, 0, 20240101);
        bytes[] memory assessmentSigs = _signAssessment(assessment, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        IFactRegistry.RevocationRecord memory revocation = _revocation(id, 1);
        bytes memory revocationSig = _signRevocation(INPS_KEY, revocation);
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        bytes memory incomeSig = _signIncome(INPS_KEY, income);
        IFactRegistry.HospitalStayRecord memory stay = _stay(MARIO, 20260101, 0);
        bytes memory staySig = _signStay(ASL_KEY, stay);

        facts.pause();
        bytes memory paused = abi.encodeWithSelector(Pausable.EnforcedPause.selector);
        vm.expectRevert(paused);
        facts.recordCivil(civil, civilSig);
        vm.expectRevert(paused);
        facts.recordDeath(death, deathSig);
        vm.expectRevert(paused);
        facts.recordAssessment(assessment, assessmentSigs);
        vm.expectRevert(paused);
        facts.recordRevocation(revocation, revocationSig);
        vm.expectRevert(paused);
        facts.recordIncome(income, incomeSig);
        vm.expectRevert(paused);
        facts.recordHospitalStay(stay, staySig);

        facts.unpause();
        facts.recordCivil(civil, civilSig);
        assertEq(facts.subject(MARIO).birthDate, MARIO_BIRTH, "recording resumes");
    }

    function test_unpause_refusesWhenNotPaused() public {
        vm.expectRevert(abi.encodeWithSelector(Pausable.ExpectedPause.selector));
        facts.unpause();
    }

    // ------------------------------------------------------------ access

    function test_recordFunctions_refuseAnAccountWithoutTheRelayerRole() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        bytes memory civilSig = _signCivil(ROMA_KEY, civil);
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        bytes memory incomeSig = _signIncome(INPS_KEY, income);
        IFactRegistry.HospitalStayRecord memory stay = _stay(MARIO, 20260101, 0);
        bytes memory staySig = _signStay(ASL_KEY, stay);
        IFactRegistry.DeathRecord memory death = _death(MARIO, 20260310);
        bytes memory deathSig = _signDeath(ROMA_KEY, death);
        IFactRegistry.AssessmentRecord memory assessment = _assessment(MARIO, Category.BLINDNESS, 0, 0, 20240101);
        bytes[] memory assessmentSigs = _signAssessment(assessment, _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        IFactRegistry.RevocationRecord memory revocation = _revocation(keccak256("x"), 1);
        bytes memory revocationSig = _signRevocation(INPS_KEY, revocation);

        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordCivil(civil, civilSig);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordDeath(death, deathSig);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordAssessment(assessment, assessmentSigs);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordRevocation(revocation, revocationSig);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordIncome(income, incomeSig);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.recordHospitalStay(stay, staySig);
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.pause();
        _expectUnauthorized(STRANGER);
        vm.prank(STRANGER);
        facts.unpause();

        // A civil relayer relays civil records and nothing else.
        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        facts.recordIncome(income, incomeSig);
        _expectUnauthorized(CIVIL_RELAYER_ONLY);
        vm.prank(CIVIL_RELAYER_ONLY);
        facts.recordHospitalStay(stay, staySig);
        vm.prank(CIVIL_RELAYER_ONLY);
        facts.recordCivil(civil, civilSig);
        assertEq(facts.subject(MARIO).residence, ROMA, "civil relayer records civil facts");
    }

    function test_recordIds_areScopedToTheirKind() public {
        IFactRegistry.CivilRecord memory civil = _civil(MARIO, MARIO_BIRTH, ROMA);
        facts.recordCivil(civil, _signCivil(ROMA_KEY, civil));
        IFactRegistry.IncomeRecord memory income = _income(MARIO, 2025, 1);
        income.recordId = civil.recordId; // same id, another kind of record
        facts.recordIncome(income, _signIncome(INPS_KEY, income));
        assertTrue(facts.isRecorded(facts.INCOME_TYPEHASH(), inpsId, civil.recordId), "income recorded");
    }

    function _expectUnauthorized(address caller) private {
        vm.expectRevert(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, caller));
    }
}
