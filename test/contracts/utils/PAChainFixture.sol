// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {PAAccessManager} from "../../../contracts/access/PAAccessManager.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {BenefitCatalog} from "../../../contracts/catalog/BenefitCatalog.sol";
import {IBenefitCatalog} from "../../../contracts/interfaces/IBenefitCatalog.sol";
import {IBenefitLedger} from "../../../contracts/interfaces/IBenefitLedger.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {BenefitLedger} from "../../../contracts/ledger/BenefitLedger.sol";
import {FactRegistry} from "../../../contracts/registry/FactRegistry.sol";
import {OrganisationRegistry} from "../../../contracts/registry/OrganisationRegistry.sol";
import {Category, Flags, OrgKind, Reason, WavePhase} from "../../../contracts/types/PATypes.sol";
import {Assertions} from "./Assertions.sol";
import {vm} from "./Vm.sol";

/// @notice The whole PA Chain deployed for real, wired like ignition/modules/PAChain.ts
/// (src/chain/roles.ts PERMISSIONS), with a few organisations, signing keys and benefits, and
/// helpers that sign (EIP-712, vm.sign) and record facts. The test contract is the AccessManager
/// admin and holds every operational role; `stranger` holds none.
abstract contract PAChainFixture is Assertions {
    // ------------------------------------------------------------ calendar
    /// @dev 2026-06-15 12:00 UTC, unix seconds: "today" for the chain in every test.
    uint256 internal constant TODAY_TS = 1781481600 + 12 hours;
    uint32 internal constant TODAY = 20260615; // YYYYMMDD

    // ------------------------------------------------------------ organisations
    uint32 internal constant ROMA = 58091; // ISTAT 058091, province 058
    uint32 internal constant MILANO = 15146; // ISTAT 015146, province 015
    uint16 internal constant PROVINCE_ROMA = 58;
    uint16 internal constant PROVINCE_MILANO = 15;
    uint32 internal constant ASL_CODE = 120201;

    uint256 internal constant ROMA_KEY = 0xA001;
    uint256 internal constant MILANO_KEY = 0xA002;
    uint256 internal constant ASL_KEY = 0xB001;
    uint256 internal constant INPS_KEY = 0xC001;
    uint256 internal constant MEMBER_A_KEY = 0xD001; // ASL commission
    uint256 internal constant MEMBER_B_KEY = 0xD002; // ASL commission
    uint256 internal constant MEMBER_C_KEY = 0xD003; // ASL commission
    uint256 internal constant INPS_MEMBER_KEY = 0xE001; // INPS commission
    uint256 internal constant UNKNOWN_KEY = 0xF00D; // registered nowhere

    // ------------------------------------------------------------ benefits (benefit-rules.json)
    bytes32 internal constant PENSIONE = keccak256("INV_PENSIONE_INABILITA");
    bytes32 internal constant ASSEGNO = keccak256("INV_ASSEGNO_MENSILE");
    bytes32 internal constant ACCOMPAGNAMENTO = keccak256("INV_INDENNITA_ACCOMPAGNAMENTO");
    bytes32 internal constant COLLOCAMENTO = keccak256("L68_COLLOCAMENTO_MIRATO");
    bytes32 internal constant UNKNOWN_BENEFIT = keccak256("NOT_IN_THE_CATALOG");

    uint64 internal constant PENSIONE_2025 = 33600; // euro cents, also INV_ASSEGNO_MENSILE
    uint64 internal constant PENSIONE_2026 = 34071;
    uint64 internal constant PENSIONE_LIMIT_2025 = 1977250;
    uint64 internal constant PENSIONE_LIMIT_2026 = 2002955;
    uint64 internal constant ASSEGNO_LIMIT_2025 = 577135;
    uint64 internal constant ASSEGNO_LIMIT_2026 = 585221;
    uint64 internal constant ACCOMPAGNAMENTO_2025 = 54202;
    uint64 internal constant ACCOMPAGNAMENTO_2026 = 55153;

    // ------------------------------------------------------------ subjects
    bytes32 internal constant MARIO = keccak256("subject:mario");
    bytes32 internal constant LUCIA = keccak256("subject:lucia");
    uint32 internal constant MARIO_BIRTH = 19700510;

    address internal constant STRANGER = address(0x5742A6E4);
    address internal constant CIVIL_RELAYER_ONLY = address(0xC1B1);

    PAAccessManager internal manager;
    OrganisationRegistry internal orgs;
    FactRegistry internal facts;
    BenefitCatalog internal catalog;
    BenefitLedger internal ledger;

    uint32 internal romaId;
    uint32 internal milanoId;
    uint32 internal aslId;
    uint32 internal inpsId;
    uint32 internal commissionId; // under the ASL: members A, B, C
    uint32 internal inpsCommissionId; // under INPS: INPS_MEMBER

    uint256 private _idNonce;

    function setUp() public virtual {
        vm.warp(TODAY_TS);
        manager = new PAAccessManager(address(this));
        orgs = new OrganisationRegistry(address(manager));
        facts = new FactRegistry(address(manager), orgs);
        catalog = new BenefitCatalog(address(manager));
        ledger = new BenefitLedger(address(manager), facts, catalog);
        _wireRoles();
        _registerOrganisations();
        _seedBenefits();
    }

    // ------------------------------------------------------------ deployment

    function _wireRoles() private {
        manager.setTargetFunctionRole(
            address(orgs),
            _selectors(
                orgs.registerOrganisation.selector,
                orgs.setOrganisationActive.selector,
                orgs.addSigner.selector,
                orgs.retireSigner.selector
            ),
            Roles.REGISTRAR
        );
        manager.setTargetFunctionRole(
            address(facts), _selectors(facts.recordCivil.selector, facts.recordDeath.selector), Roles.CIVIL_RELAYER
        );
        manager.setTargetFunctionRole(
            address(facts),
            _selectors(facts.recordAssessment.selector, facts.recordRevocation.selector, facts.recordHospitalStay.selector),
            Roles.HEALTH_RELAYER
        );
        manager.setTargetFunctionRole(address(facts), _selectors(facts.recordIncome.selector), Roles.INCOME_RELAYER);
        manager.setTargetFunctionRole(address(facts), _selectors(facts.recordBatch.selector), Roles.RELAYER);
        manager.setTargetFunctionRole(
            address(facts), _selectors(facts.pause.selector, facts.unpause.selector), Roles.GUARDIAN
        );
        manager.setTargetFunctionRole(
            address(catalog),
            _selectors(catalog.defineBenefit.selector, catalog.setYearTerms.selector, catalog.setWavePhase.selector),
            Roles.GOVERNANCE
        );
        manager.setTargetFunctionRole(address(ledger), _selectors(ledger.recordDecision.selector), Roles.INPS_DECIDER);
        manager.setTargetFunctionRole(
            address(ledger), _selectors(ledger.recordPayment.selector, ledger.recordPayments.selector), Roles.INPS_PAYER
        );
        manager.setTargetFunctionRole(
            address(ledger), _selectors(ledger.pause.selector, ledger.unpause.selector), Roles.GUARDIAN
        );
        for (uint64 role = Roles.GOVERNANCE; role <= Roles.RELAYER; ++role) {
            manager.grantRole(role, address(this), 0);
        }
        // A relayer account holds its own relayer role and RELAYER (src/chain/roles.ts rolesGranted).
        manager.grantRole(Roles.CIVIL_RELAYER, CIVIL_RELAYER_ONLY, 0);
        manager.grantRole(Roles.RELAYER, CIVIL_RELAYER_ONLY, 0);
    }

    function _registerOrganisations() private {
        romaId = orgs.registerOrganisation(OrgKind.MUNICIPALITY, ROMA, 0, "Comune di Roma");
        milanoId = orgs.registerOrganisation(OrgKind.MUNICIPALITY, MILANO, 0, "Comune di Milano");
        aslId = orgs.registerOrganisation(OrgKind.ASL, ASL_CODE, 0, "ASL Roma 1");
        inpsId = orgs.registerOrganisation(OrgKind.INPS, 0, 0, "INPS");
        commissionId = orgs.registerOrganisation(OrgKind.MEDICAL_COMMISSION, 0, aslId, "Commissione medica ASL Roma 1");
        inpsCommissionId = orgs.registerOrganisation(OrgKind.MEDICAL_COMMISSION, 0, inpsId, "Commissione medica INPS");
        orgs.addSigner(romaId, vm.addr(ROMA_KEY));
        orgs.addSigner(milanoId, vm.addr(MILANO_KEY));
        orgs.addSigner(aslId, vm.addr(ASL_KEY));
        orgs.addSigner(inpsId, vm.addr(INPS_KEY));
        orgs.addSigner(commissionId, vm.addr(MEMBER_A_KEY));
        orgs.addSigner(commissionId, vm.addr(MEMBER_B_KEY));
        orgs.addSigner(commissionId, vm.addr(MEMBER_C_KEY));
        orgs.addSigner(inpsCommissionId, vm.addr(INPS_MEMBER_KEY));
    }

    /// @dev Four benefits of benefit-rules.json with their 2025 and 2026 values; waves 1 and 3 LIVE,
    /// wave 2 left PLANNED.
    function _seedBenefits() private {
        catalog.defineBenefit(
            "INV_PENSIONE_INABILITA",
            _rule(1, true, 13, 18, 67, false, true, _oneRequirement(Category.CIVIL_INVALIDITY, 100, 100, 0))
        );
        catalog.setYearTerms(PENSIONE, 2025, PENSIONE_2025, PENSIONE_LIMIT_2025);
        catalog.setYearTerms(PENSIONE, 2026, PENSIONE_2026, PENSIONE_LIMIT_2026);

        catalog.defineBenefit(
            "INV_ASSEGNO_MENSILE",
            _rule(1, true, 13, 18, 67, false, true, _oneRequirement(Category.CIVIL_INVALIDITY, 74, 99, 0))
        );
        catalog.setYearTerms(ASSEGNO, 2025, PENSIONE_2025, ASSEGNO_LIMIT_2025);
        catalog.setYearTerms(ASSEGNO, 2026, PENSIONE_2026, ASSEGNO_LIMIT_2026);

        catalog.defineBenefit(
            "INV_INDENNITA_ACCOMPAGNAMENTO",
            _rule(
                1,
                true,
                12,
                0,
                255,
                true,
                false,
                _oneRequirement(Category.CIVIL_INVALIDITY, 100, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE)
            )
        );
        catalog.setYearTerms(ACCOMPAGNAMENTO, 2025, ACCOMPAGNAMENTO_2025, 0);
        catalog.setYearTerms(ACCOMPAGNAMENTO, 2026, ACCOMPAGNAMENTO_2026, 0);

        IBenefitCatalog.Requirement[] memory anyOf = new IBenefitCatalog.Requirement[](3);
        anyOf[0] = IBenefitCatalog.Requirement(Category.CIVIL_INVALIDITY, 46, 100, 0);
        anyOf[1] = IBenefitCatalog.Requirement(Category.BLINDNESS, 0, 100, 0);
        anyOf[2] = IBenefitCatalog.Requirement(Category.DEAFNESS, 0, 100, 0);
        catalog.defineBenefit("L68_COLLOCAMENTO_MIRATO", _rule(3, false, 0, 15, 67, false, false, anyOf));

        catalog.setWavePhase(1, WavePhase.LIVE, new uint16[](0));
        catalog.setWavePhase(3, WavePhase.LIVE, new uint16[](0));
    }

    // ------------------------------------------------------------ building blocks

    function _selectors(bytes4 a) internal pure returns (bytes4[] memory s) {
        s = new bytes4[](1);
        s[0] = a;
    }

    function _selectors(bytes4 a, bytes4 b) internal pure returns (bytes4[] memory s) {
        s = new bytes4[](2);
        (s[0], s[1]) = (a, b);
    }

    function _selectors(bytes4 a, bytes4 b, bytes4 c) internal pure returns (bytes4[] memory s) {
        s = new bytes4[](3);
        (s[0], s[1], s[2]) = (a, b, c);
    }

    function _selectors(bytes4 a, bytes4 b, bytes4 c, bytes4 d) internal pure returns (bytes4[] memory s) {
        s = new bytes4[](4);
        (s[0], s[1], s[2], s[3]) = (a, b, c, d);
    }

    function _rule(
        uint8 wave,
        bool monetary,
        uint8 paymentsPerYear,
        uint8 minAge,
        uint8 maxAgeExclusive,
        bool suspendedByLongHospitalStay,
        bool hasIncomeLimit,
        IBenefitCatalog.Requirement[] memory requirements
    ) internal pure returns (IBenefitCatalog.BenefitRule memory) {
        return IBenefitCatalog.BenefitRule({
            wave: wave,
            monetary: monetary,
            paymentsPerYear: paymentsPerYear,
            minAge: minAge,
            maxAgeExclusive: maxAgeExclusive,
            suspendedByLongHospitalStay: suspendedByLongHospitalStay,
            hasIncomeLimit: hasIncomeLimit,
            requirements: requirements
        });
    }

    function _oneRequirement(Category category, uint8 minPct, uint8 maxPct, uint8 flags)
        internal
        pure
        returns (IBenefitCatalog.Requirement[] memory r)
    {
        r = new IBenefitCatalog.Requirement[](1);
        r[0] = IBenefitCatalog.Requirement(category, minPct, maxPct, flags);
    }

    function _keys(uint256 a, uint256 b) internal pure returns (uint256[] memory k) {
        k = new uint256[](2);
        (k[0], k[1]) = (a, b);
    }

    function _keys(uint256 a, uint256 b, uint256 c) internal pure returns (uint256[] memory k) {
        k = new uint256[](3);
        (k[0], k[1], k[2]) = (a, b, c);
    }

    /// @dev The orders grouped into runs of consecutive orders of one benefit and period, as a
    /// relayer packs them for `recordPaymentRuns`.
    function _runsOf(IBenefitLedger.PaymentOrder[] memory orders)
        internal
        pure
        returns (IBenefitLedger.PaymentRun[] memory runs)
    {
        runs = new IBenefitLedger.PaymentRun[](orders.length);
        uint256 n;
        uint256 start;
        while (start < orders.length) {
            uint256 end = start + 1;
            while (
                end < orders.length && orders[end].benefitId == orders[start].benefitId
                    && orders[end].period == orders[start].period
            ) ++end;
            bytes32[] memory subjects = new bytes32[](end - start);
            for (uint256 i = start; i < end; ++i) {
                subjects[i - start] = orders[i].subject;
            }
            runs[n++] = IBenefitLedger.PaymentRun(orders[start].benefitId, orders[start].period, subjects);
            start = end;
        }
        // Shorten to the runs made.
        IBenefitLedger.PaymentRun[] memory made = new IBenefitLedger.PaymentRun[](n);
        for (uint256 i = 0; i < n; ++i) {
            made[i] = runs[i];
        }
        return made;
    }

    function _nextId() internal returns (bytes32) {
        return keccak256(abi.encode("record", ++_idNonce));
    }

    function _now() internal view returns (uint64) {
        return uint64(block.timestamp);
    }

    function assertReason(Reason actual, Reason expected, string memory message) internal pure {
        assertEq(uint256(actual), uint256(expected), message);
    }

    // ------------------------------------------------------------ signing

    function _sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @dev Signatures by `keys` in the given order (no sorting: tests of the order use this).
    function _signaturesInOrder(bytes32 digest, uint256[] memory keys) internal pure returns (bytes[] memory sigs) {
        sigs = new bytes[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            sigs[i] = _sign(keys[i], digest);
        }
    }

    /// @dev Signatures by `keys`, ordered by ascending signer address as recordAssessment requires.
    function _signatures(bytes32 digest, uint256[] memory keys) internal pure returns (bytes[] memory) {
        uint256[] memory sorted = new uint256[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            uint256 key = keys[i];
            uint256 j = i;
            while (j > 0 && vm.addr(sorted[j - 1]) > vm.addr(key)) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = key;
        }
        return _signaturesInOrder(digest, sorted);
    }

    function _municipalityKey(uint32 residence) internal pure returns (uint256) {
        if (residence == ROMA) return ROMA_KEY;
        if (residence == MILANO) return MILANO_KEY;
        revert AssertionFailed("fixture: no municipality key for this residence");
    }

    // ------------------------------------------------------------ records (built, not recorded)

    function _civil(bytes32 subj, uint32 birthDate, uint32 residence)
        internal
        returns (IFactRegistry.CivilRecord memory)
    {
        return IFactRegistry.CivilRecord(_nextId(), subj, birthDate, residence, _now());
    }

    function _death(bytes32 subj, uint32 deathDate) internal returns (IFactRegistry.DeathRecord memory) {
        return IFactRegistry.DeathRecord(_nextId(), subj, deathDate, _now());
    }

    function _assessment(bytes32 subj, Category category, uint8 percentage, uint8 flags, uint32 effectiveDate)
        internal
        returns (IFactRegistry.AssessmentRecord memory)
    {
        return IFactRegistry.AssessmentRecord({
            assessmentId: _nextId(),
            subject: subj,
            commissionId: commissionId,
            category: category,
            percentage: percentage,
            flags: flags,
            effectiveDate: effectiveDate,
            reviewDate: 0,
            reportHash: keccak256(abi.encode("report", _idNonce)),
            signedAt: _now()
        });
    }

    function _revocation(bytes32 assessmentId, uint8 reason) internal returns (IFactRegistry.RevocationRecord memory) {
        return IFactRegistry.RevocationRecord(_nextId(), assessmentId, reason, _now());
    }

    function _income(bytes32 subj, uint16 year, uint64 amountCents) internal returns (IFactRegistry.IncomeRecord memory) {
        return IFactRegistry.IncomeRecord(_nextId(), subj, year, amountCents, _now());
    }

    function _stay(bytes32 subj, uint32 admission, uint32 discharge)
        internal
        returns (IFactRegistry.HospitalStayRecord memory)
    {
        return IFactRegistry.HospitalStayRecord(_nextId(), subj, admission, discharge, _now());
    }

    // ------------------------------------------------------------ signed and recorded

    function _recordCivil(bytes32 subj, uint32 birthDate, uint32 residence) internal {
        IFactRegistry.CivilRecord memory r = _civil(subj, birthDate, residence);
        facts.recordCivil(r, _sign(_municipalityKey(residence), facts.civilDigest(r)));
    }

    function _recordDeath(bytes32 subj, uint32 deathDate) internal {
        IFactRegistry.DeathRecord memory r = _death(subj, deathDate);
        facts.recordDeath(r, _sign(ROMA_KEY, facts.deathDigest(r)));
    }

    /// @dev An assessment without review date, signed by members A and B of the ASL commission;
    /// returns its on-chain id (`assessmentKey`), what revocations and snapshots name it by.
    function _recordAssessment(bytes32 subj, Category category, uint8 percentage, uint8 flags, uint32 effectiveDate)
        internal
        returns (bytes32)
    {
        IFactRegistry.AssessmentRecord memory r = _assessment(subj, category, percentage, flags, effectiveDate);
        _recordAssessment(r);
        return facts.assessmentKey(r.commissionId, r.assessmentId);
    }

    function _recordAssessment(IFactRegistry.AssessmentRecord memory r) internal {
        facts.recordAssessment(r, _signatures(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, MEMBER_B_KEY)));
    }

    function _recordRevocation(bytes32 assessmentId, uint256 key) internal {
        IFactRegistry.RevocationRecord memory r = _revocation(assessmentId, 1);
        facts.recordRevocation(r, _sign(key, facts.revocationDigest(r)));
    }

    function _recordIncome(bytes32 subj, uint16 year, uint64 amountCents) internal {
        IFactRegistry.IncomeRecord memory r = _income(subj, year, amountCents);
        facts.recordIncome(r, _sign(INPS_KEY, facts.incomeDigest(r)));
    }

    function _recordStay(bytes32 subj, uint32 admission, uint32 discharge) internal {
        IFactRegistry.HospitalStayRecord memory r = _stay(subj, admission, discharge);
        facts.recordHospitalStay(r, _sign(ASL_KEY, facts.hospitalStayDigest(r)));
    }

    /// @dev Mario: born 1970-05-10 in Roma, civil invalidity 100% needing continuous assistance since
    /// 2024-01-01, income 2025 of 10,000.00 euro. Eligible to INV_PENSIONE_INABILITA and
    /// INV_INDENNITA_ACCOMPAGNAMENTO, not to INV_ASSEGNO_MENSILE (74-99%).
    function _seedMario() internal returns (bytes32 assessmentId) {
        _recordCivil(MARIO, MARIO_BIRTH, ROMA);
        assessmentId =
            _recordAssessment(MARIO, Category.CIVIL_INVALIDITY, 100, Flags.NEEDS_CONTINUOUS_ASSISTANCE, 20240101);
        _recordIncome(MARIO, 2025, 1_000_000);
    }
}
