// A run that leaves something open (a child process left running by a failed before-hook, a
// server a test forgot to close) would keep the runner alive after the last test: in CI that
// shows as a silent hang until the job's time limit instead of a red run. This root hook lets
// the runner finish its report, then ends the process with the code Hardhat set, naming what
// was still open so the leak can be found.
const GRACE_MS = 60_000;

after(function exitGuard() {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== "Timeout");
    process.stderr.write(
      `exit guard: the test run was still alive ${GRACE_MS / 1000} s after its last test; ` +
        `open resources: ${open.join(", ") || "none"}\n`,
    );
    process.exit(process.exitCode ?? 0);
  }, GRACE_MS).unref();
});
