// SPDX-License-Identifier: EUPL-1.2
pragma solidity ^0.8.28;

import {IAccessManaged} from "@openzeppelin/contracts/access/manager/IAccessManaged.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Roles} from "../../../contracts/access/Roles.sol";
import {IBenefitLedger} from "../../../contracts/interfaces/IBenefitLedger.sol";
import {IFactRegistry} from "../../../contracts/interfaces/IFactRegistry.sol";
import {DateLib} from "../../../contracts/libraries/DateLib.sol";
import {BenefitTerms, Category, Flags, Reason, WavePhase} from "../../../contracts/types/PATypes.sol";
import {PAChainFixture} from "../utils/PAChainFixture.sol";
import {vm} from "../utils/Vm.sol";

/// @notice The log cheatcodes (Foundry-compatible, implemented by Hardhat's EDR) that let the
/// handler read the events a call emitted: the ledger's totals are checked against the
/// PaymentRecorded events, not against the handler's own arithmetic.
interface VmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}

VmLogs constant vmLogs = VmLogs(address(uint160(uint256(keccak256("hevm cheat code")))));

/// @notice Drives the whole PA Chain through random sequences of facts, revocations, wave changes,
/// payments, pauses, time passing and calls by the wrong accounts. It deploys the system itself
/// (it is the fixture), so it holds every role; the single-role accounts below are the intruders.
/// A handler call that breaks a rule does not revert (the invariant runner would discard it): it
/// appends to `violations`, which the invariants read.
/// @dev Only the external ABI and events of the contracts are used, so internal gas work on them
/// cannot break these tests unless it changes behaviour.
contract PAChainHandler is PAChainFixture {
    /// @dev Periods the handler pays and the invariants sweep: 2025-07 .. 2027-12 (YYYYMM).
    uint32 internal constant FIRST_PERIOD = 202507;
    uint256 internal constant PERIODS = 30;
    /// @dev How far time may run: 2027-12-31, unix seconds.
    uint256 internal constant LAST_TS = 1830211200;

    bytes32 internal constant CARLA = keccak256("subject:carla");
    bytes32 internal constant DARIO = keccak256("subject:dario");

    /// @dev One account per operational role, holding only that role, plus one holding none.
    address[8] internal actors;
    uint64[8] internal actorRoles;

    bytes32[] internal _subjects;
    bytes32[] internal _benefits;
    bytes32[] internal _assessments;

    bool public paused;
    string[] public violations;
    mapping(bytes4 selector => uint256 calls) public calls;

    /// @dev What the PaymentRecorded events add up to, per benefit and period, and which
    /// (subject, benefit, period) they paid.
    mapping(bytes32 benefitId => mapping(uint32 period => uint256 cents)) public eventCents;
    mapping(bytes32 benefitId => mapping(uint32 period => uint256 count)) public eventCount;
    mapping(bytes32 subjectBenefitPeriod => bool) public eventPaid;
    uint256 public paymentsRecorded;
    uint256 public paymentsRefused;

    function setUp() public override {
        super.setUp();
        uint64[8] memory roles = [
            Roles.GOVERNANCE,
            Roles.REGISTRAR,
            Roles.CIVIL_RELAYER,
            Roles.HEALTH_RELAYER,
            Roles.INCOME_RELAYER,
            Roles.INPS_PAYER,
            Roles.GUARDIAN,
            type(uint64).max // none
        ];
        for (uint256 i = 0; i < roles.length; ++i) {
            actors[i] = address(uint160(0xA11CE000 + i));
            actorRoles[i] = roles[i];
            if (roles[i] != type(uint64).max) manager.grantRole(roles[i], actors[i], 0);
        }
        // recordDecisions belongs to INPS_DECIDER like recordDecision (src/chain/roles.ts).
        manager.setTargetFunctionRole(address(ledger), _selectors(ledger.recordDecisions.selector), Roles.INPS_DECIDER);

        _subjects.push(MARIO);
        _subjects.push(LUCIA);
        _subjects.push(CARLA);
        _subjects.push(DARIO);
        _benefits.push(PENSIONE);
        _benefits.push(ASSEGNO);
        _benefits.push(ACCOMPAGNAMENTO);
        _benefits.push(COLLOCAMENTO);

        // Start from people who are eligible to something, so random sequences pay and refuse.
        _assessments.push(_seedMario());
        _recordCivil(LUCIA, 19800320, MILANO);
        _assessments.push(_recordAssessment(LUCIA, Category.CIVIL_INVALIDITY, 80, 0, 20250101));
        _recordIncome(LUCIA, 2025, 400_000);
    }

    // ------------------------------------------------------------ views for the invariants

    function subjects() external view returns (bytes32[] memory) {
        return _subjects;
    }

    function benefits() external view returns (bytes32[] memory) {
        return _benefits;
    }

    function violationCount() external view returns (uint256) {
        return violations.length;
    }

    function ledgerAddress() external view returns (IBenefitLedger) {
        return ledger;
    }

    function periodAt(uint256 i) public pure returns (uint32) {
        uint256 month = (FIRST_PERIOD / 100) * 12 + (FIRST_PERIOD % 100) - 1 + i;
        return uint32((month / 12) * 100 + (month % 12) + 1);
    }

    // ------------------------------------------------------------ actions (fuzzed)

    function recordCivil(uint256 who, bool milano, uint256 birthYear) external {
        bytes32 subj = _subject(who);
        uint32 residence = milano ? MILANO : ROMA;
        IFactRegistry.CivilRecord memory r = _civil(subj, uint32(bound(birthYear, 1940, 2012)) * 10000 + 515, residence);
        bytes memory sig = _sign(_municipalityKey(residence), facts.civilDigest(r));
        _expectRecorded(abi.encodeCall(facts.recordCivil, (r, sig)), facts.recordCivil.selector);
    }

    function recordDeath(uint256 who, uint256 monthsBack) external {
        IFactRegistry.DeathRecord memory r = _death(_subject(who), _pastMonthDay(monthsBack, 10));
        bytes memory sig = _sign(ROMA_KEY, facts.deathDigest(r));
        _expectRecorded(abi.encodeCall(facts.recordDeath, (r, sig)), facts.recordDeath.selector);
    }

    function recordAssessment(uint256 who, uint256 percentageSeed, bool assistance, uint256 monthsBack) external {
        uint8[5] memory percentages = [46, 74, 80, 100, 100];
        IFactRegistry.AssessmentRecord memory r = _assessment(
            _subject(who),
            Category.CIVIL_INVALIDITY,
            percentages[percentageSeed % 5],
            assistance ? Flags.NEEDS_CONTINUOUS_ASSISTANCE : 0,
            _pastMonthDay(monthsBack, 1)
        );
        bytes[] memory sigs = _signatures(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, MEMBER_B_KEY));
        if (_expectRecorded(abi.encodeCall(facts.recordAssessment, (r, sigs)), facts.recordAssessment.selector)) {
            _assessments.push(facts.assessmentKey(r.commissionId, r.assessmentId));
        }
    }

    function recordRevocation(uint256 which, bool byInps) external {
        bytes32 assessmentId = _assessments[which % _assessments.length];
        IFactRegistry.RevocationRecord memory r = _revocation(assessmentId, 2);
        bytes memory sig = _sign(byInps ? INPS_KEY : MEMBER_C_KEY, facts.revocationDigest(r));
        bytes memory call = abi.encodeCall(facts.recordRevocation, (r, sig));
        if (paused) {
            _expectPaused(address(facts), call, "revocation while paused");
            return;
        }
        // A second revocation of the same assessment is refused: that is not a violation.
        (bool ok,) = address(facts).call(call);
        if (ok) ++calls[facts.recordRevocation.selector];
    }

    function recordIncome(uint256 who, uint256 yearSeed, uint256 amountCents) external {
        IFactRegistry.IncomeRecord memory r =
            _income(_subject(who), uint16(bound(yearSeed, 2024, 2027)), uint64(bound(amountCents, 0, 2_500_000)));
        bytes memory sig = _sign(INPS_KEY, facts.incomeDigest(r));
        _expectRecorded(abi.encodeCall(facts.recordIncome, (r, sig)), facts.recordIncome.selector);
    }

    function recordHospitalStay(uint256 who, uint256 monthsBack, bool open) external {
        uint32 admission = _pastMonthDay(monthsBack, 2);
        IFactRegistry.HospitalStayRecord memory r =
            _stay(_subject(who), admission, open ? 0 : admission + 20); // day 2 + 20 = day 22 of the month
        bytes memory sig = _sign(ASL_KEY, facts.hospitalStayDigest(r));
        _expectRecorded(abi.encodeCall(facts.recordHospitalStay, (r, sig)), facts.recordHospitalStay.selector);
    }

    function setWavePhase(uint256 waveSeed, uint256 phaseSeed, bool pilotInRome) external {
        uint8 wave = uint8(bound(waveSeed, 1, 3));
        WavePhase phase = WavePhase(phaseSeed % 3);
        uint16[] memory provinces = new uint16[](phase == WavePhase.PILOT ? 1 : 0);
        if (phase == WavePhase.PILOT) provinces[0] = pilotInRome ? PROVINCE_ROMA : PROVINCE_MILANO;
        // Governance is not paused by the guardian: the catalog has no pause.
        catalog.setWavePhase(wave, phase, provinces);
        ++calls[catalog.setWavePhase.selector];
    }

    function recordPayment(uint256 who, uint256 benefitSeed, uint256 periodSeed) external {
        IBenefitLedger.PaymentOrder[] memory orders = new IBenefitLedger.PaymentOrder[](1);
        orders[0] = _order(who, benefitSeed, periodSeed);
        _pay(orders, false);
    }

    function recordPayments(uint256 seed, uint256 count) external {
        IBenefitLedger.PaymentOrder[] memory orders = new IBenefitLedger.PaymentOrder[](bound(count, 1, 6));
        for (uint256 i = 0; i < orders.length; ++i) {
            // Few distinct values, so a batch often repeats an order (the second must be ALREADY_PAID).
            uint256 s = uint256(keccak256(abi.encode(seed, i)));
            orders[i] = _order(s, s >> 8, (s >> 16) % 4);
        }
        _pay(orders, true);
    }

    function togglePause() external {
        if (paused) {
            facts.unpause();
            ledger.unpause();
        } else {
            facts.pause();
            ledger.pause();
        }
        paused = !paused;
    }

    function passTime(uint256 daysSeed) external {
        uint256 next = block.timestamp + bound(daysSeed, 1, 45) * 1 days;
        if (next <= LAST_TS) vm.warp(next);
    }

    /// @dev An account holding some other role (or none) calls a restricted function with input
    /// that would otherwise succeed: the AccessManager refuses it, naming the caller.
    function intrude(uint256 actorSeed, uint256 functionSeed) external {
        uint256 a = actorSeed % actors.length;
        (address target, bytes memory call, uint64 role) = _restrictedCall(functionSeed % 10);
        if (actorRoles[a] == role) return; // the right account: not an intrusion
        vm.prank(actors[a]);
        (bool ok, bytes memory revertData) = target.call(call);
        if (ok) {
            violations.push("an account without the role changed something");
        } else if (keccak256(revertData)
                != keccak256(abi.encodeWithSelector(IAccessManaged.AccessManagedUnauthorized.selector, actors[a]))) {
            violations.push("an intrusion was refused for another reason than the missing role");
        }
        ++calls[bytes4(keccak256("intrude"))];
    }

    // ------------------------------------------------------------ checks behind the actions

    /// @dev Records a fact when not paused (a refusal is then a violation: the inputs are valid);
    /// when paused, the call must revert with EnforcedPause.
    function _expectRecorded(bytes memory call, bytes4 selector) private returns (bool recorded) {
        if (paused) {
            _expectPaused(address(facts), call, "a fact was recorded while paused");
            return false;
        }
        (bool ok,) = address(facts).call(call);
        if (!ok) violations.push("a valid signed fact was refused");
        ++calls[selector];
        return ok;
    }

    function _expectPaused(address target, bytes memory call, string memory what) private {
        (bool ok, bytes memory revertData) = target.call(call);
        if (ok || keccak256(revertData) != keccak256(abi.encodeWithSelector(Pausable.EnforcedPause.selector))) {
            violations.push(what);
        }
        ++calls[bytes4(keccak256("paused"))];
    }

    /// @dev Pays through the ledger and checks every order against the rules as they stood just
    /// before: recorded exactly when the benefit is monetary, the period has started, the check on
    /// its first day is ELIGIBLE and it was not paid before (earlier in the batch included), with
    /// the monthly amount (doubled in December for 13 payments a year). Event sums feed the totals.
    function _pay(IBenefitLedger.PaymentOrder[] memory orders, bool batch) private {
        bool[] memory expected = new bool[](orders.length);
        uint64[] memory amounts = new uint64[](orders.length);
        for (uint256 i = 0; i < orders.length; ++i) {
            (expected[i], amounts[i]) = _backed(orders[i]);
            for (uint256 j = 0; j < i; ++j) {
                if (
                    expected[j] && orders[j].subject == orders[i].subject && orders[j].benefitId == orders[i].benefitId
                        && orders[j].period == orders[i].period
                ) expected[i] = false;
            }
        }
        bytes memory call = batch
            ? abi.encodeCall(ledger.recordPayments, (orders))
            : abi.encodeCall(ledger.recordPayment, (orders[0].subject, orders[0].benefitId, orders[0].period));
        if (paused) {
            _expectPaused(address(ledger), call, "a payment was recorded while paused");
            return;
        }
        vmLogs.recordLogs();
        (bool ok,) = address(ledger).call(call);
        VmLogs.Log[] memory logs = vmLogs.getRecordedLogs();
        if (!ok) {
            violations.push("a well-formed payment order reverted");
            return;
        }
        uint256 item = 0;
        for (uint256 k = 0; k < logs.length; ++k) {
            if (logs[k].emitter != address(ledger)) continue;
            bytes32 topic = logs[k].topics[0];
            bool recorded = topic == IBenefitLedger.PaymentRecorded.selector;
            if (!recorded && topic != IBenefitLedger.PaymentRefused.selector) continue;
            if (item >= orders.length) {
                violations.push("more payment events than orders");
                return;
            }
            IBenefitLedger.PaymentOrder memory o = orders[item];
            if (
                logs[k].topics[1] != o.subject || logs[k].topics[2] != o.benefitId
                    || uint256(logs[k].topics[3]) != o.period
            ) violations.push("a payment event names another order");
            if (recorded != expected[item]) {
                violations.push(recorded ? "a payment the rules do not back was recorded" : "a backed payment was refused");
            }
            if (recorded) {
                uint64 cents = abi.decode(logs[k].data, (uint64));
                if (cents != amounts[item]) violations.push("a payment of another amount than the rules say");
                bytes32 key = keccak256(abi.encode(o.subject, o.benefitId, o.period));
                if (eventPaid[key]) violations.push("a second PaymentRecorded for one subject, benefit and period");
                eventPaid[key] = true;
                eventCents[o.benefitId][o.period] += cents;
                eventCount[o.benefitId][o.period] += 1;
                ++paymentsRecorded;
            } else {
                ++paymentsRefused;
            }
            ++item;
        }
        if (item != orders.length) violations.push("an order without its payment event");
        ++calls[batch ? ledger.recordPayments.selector : ledger.recordPayment.selector];
    }

    /// @dev Whether RULES.md's pay() backs the order now, and the amount, from the public views.
    function _backed(IBenefitLedger.PaymentOrder memory o) private view returns (bool, uint64) {
        uint32 firstDay = o.period * 100 + 1;
        BenefitTerms memory t = catalog.terms(o.benefitId, firstDay);
        if (!t.monetary || firstDay > DateLib.fromTimestamp(block.timestamp)) return (false, 0);
        (bool eligible,, uint64 monthly) = ledger.check(o.subject, o.benefitId, firstDay);
        if (!eligible || ledger.isPaid(o.subject, o.benefitId, o.period)) return (false, 0);
        return (true, (t.paymentsPerYear == 13 && o.period % 100 == 12) ? monthly * 2 : monthly);
    }

    // ------------------------------------------------------------ building blocks

    function _subject(uint256 seed) private view returns (bytes32) {
        return _subjects[seed % _subjects.length];
    }

    function _order(uint256 who, uint256 benefitSeed, uint256 periodSeed)
        private
        view
        returns (IBenefitLedger.PaymentOrder memory)
    {
        return IBenefitLedger.PaymentOrder(
            _subject(who), _benefits[benefitSeed % _benefits.length], periodAt(periodSeed % PERIODS)
        );
    }

    /// @dev Day `day` of a month 0-35 months before the current one (never in the future).
    function _pastMonthDay(uint256 monthsBack, uint32 day) private view returns (uint32) {
        uint32 today = DateLib.fromTimestamp(block.timestamp);
        uint256 month = (today / 10000) * 12 + (today / 100) % 100 - 1 - (monthsBack % 36);
        uint32 date = uint32((month / 12) * 10000 + (month % 12 + 1) * 100 + day);
        return date > today ? today : date;
    }

    /// @dev Restricted calls with input that the right role would get recorded, and that role.
    function _restrictedCall(uint256 which) private returns (address, bytes memory, uint64) {
        if (which == 0) {
            IFactRegistry.CivilRecord memory r = _civil(CARLA, 19900101, ROMA);
            return (address(facts), abi.encodeCall(facts.recordCivil, (r, _sign(ROMA_KEY, facts.civilDigest(r)))), Roles.CIVIL_RELAYER);
        }
        if (which == 1) {
            IFactRegistry.IncomeRecord memory r = _income(CARLA, 2026, 1);
            return (address(facts), abi.encodeCall(facts.recordIncome, (r, _sign(INPS_KEY, facts.incomeDigest(r)))), Roles.INCOME_RELAYER);
        }
        if (which == 2) {
            IFactRegistry.AssessmentRecord memory r = _assessment(CARLA, Category.CIVIL_INVALIDITY, 100, 0, 20250101);
            bytes[] memory sigs = _signatures(facts.assessmentDigest(r), _keys(MEMBER_A_KEY, MEMBER_B_KEY));
            return (address(facts), abi.encodeCall(facts.recordAssessment, (r, sigs)), Roles.HEALTH_RELAYER);
        }
        if (which == 3) return (address(facts), abi.encodeCall(facts.pause, ()), Roles.GUARDIAN);
        if (which == 4) {
            return (address(ledger), abi.encodeCall(ledger.recordPayment, (MARIO, PENSIONE, periodAt(0))), Roles.INPS_PAYER);
        }
        if (which == 5) return (address(ledger), abi.encodeCall(ledger.pause, ()), Roles.GUARDIAN);
        if (which == 6) {
            return (address(catalog), abi.encodeCall(catalog.setWavePhase, (2, WavePhase.LIVE, new uint16[](0))), Roles.GOVERNANCE);
        }
        if (which == 7) {
            return (address(catalog), abi.encodeCall(catalog.setYearTerms, (PENSIONE, 2027, 1, 1)), Roles.GOVERNANCE);
        }
        if (which == 8) return (address(orgs), abi.encodeCall(orgs.addSigner, (romaId, address(0xBAD))), Roles.REGISTRAR);
        return (address(orgs), abi.encodeCall(orgs.retireSigner, (vm.addr(INPS_KEY))), Roles.REGISTRAR);
    }
}

/// @notice Invariants of issue 6 over the handler's random sequences (Hardhat 3's invariant
/// runner, Foundry-compatible: `targetContracts`/`targetSelectors` are read from this contract).
contract PAChainInvariantsTest {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    PAChainHandler internal handler;

    function setUp() public {
        handler = new PAChainHandler();
        handler.setUp();
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @dev Only the actions: never setUp or the views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        bytes4[] memory selectors = new bytes4[](12);
        selectors[0] = handler.recordCivil.selector;
        selectors[1] = handler.recordDeath.selector;
        selectors[2] = handler.recordAssessment.selector;
        selectors[3] = handler.recordRevocation.selector;
        selectors[4] = handler.recordIncome.selector;
        selectors[5] = handler.recordHospitalStay.selector;
        selectors[6] = handler.setWavePhase.selector;
        selectors[7] = handler.recordPayment.selector;
        selectors[8] = handler.recordPayments.selector;
        selectors[9] = handler.togglePause.selector;
        selectors[10] = handler.passTime.selector;
        selectors[11] = handler.intrude.selector;
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector(address(handler), selectors);
    }

    /// @notice No action broke a rule: no payment without an eligible check on the period's first
    /// day, none twice, none while paused, no fact while paused, no change by the wrong role.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 40
    function invariant_noRuleBroken() public view {
        if (handler.violationCount() > 0) revert(handler.violations(0));
    }

    /// @notice For every benefit and period, the ledger's totals equal the sum and the count of
    /// the PaymentRecorded events, and each paid bit is set exactly when an event paid it.
    /// hardhat-config: invariant.runs = 24
    /// hardhat-config: invariant.depth = 40
    function invariant_totalsEqualThePaymentEvents() public view {
        IBenefitLedger ledger = handler.ledgerAddress();
        bytes32[] memory benefits = handler.benefits();
        bytes32[] memory subjects = handler.subjects();
        for (uint256 p = 0; p < 30; ++p) {
            uint32 period = handler.periodAt(p);
            for (uint256 b = 0; b < benefits.length; ++b) {
                IBenefitLedger.PeriodTotal memory total = ledger.periodTotal(benefits[b], period);
                require(total.amountCents == handler.eventCents(benefits[b], period), "total cents != sum of events");
                require(total.payments == handler.eventCount(benefits[b], period), "total count != number of events");
                for (uint256 s = 0; s < subjects.length; ++s) {
                    require(
                        ledger.isPaid(subjects[s], benefits[b], period)
                            == handler.eventPaid(keccak256(abi.encode(subjects[s], benefits[b], period))),
                        "paid bit without its event, or an event without its bit"
                    );
                }
            }
        }
    }

    /// @notice A sequence that never pays anything proves nothing: the seeded people get paid.
    function test_handler_paysAndRefusesFromTheSeededState() public {
        handler.recordPayment(0, 0, 11); // Mario, INV_PENSIONE_INABILITA, 2026-06
        handler.recordPayment(0, 0, 11); // again: ALREADY_PAID
        handler.recordPayment(1, 1, 11); // Lucia, INV_ASSEGNO_MENSILE
        handler.recordPayment(0, 3, 11); // L68_COLLOCAMENTO_MIRATO: not monetary
        handler.recordPayment(0, 0, 29); // 2027-12: in the future
        require(handler.paymentsRecorded() == 2, "two payments recorded");
        require(handler.paymentsRefused() == 3, "three refused");
        handler.togglePause();
        handler.recordPayment(0, 0, 10);
        handler.recordIncome(0, 2026, 1);
        handler.intrude(2, 4); // the civil relayer tries to pay
        handler.togglePause();
        invariant_noRuleBroken();
        invariant_totalsEqualThePaymentEvents();
    }
}
