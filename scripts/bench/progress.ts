// Progress bars on standard error (standard output may carry the JSON): redrawn in place on a
// terminal, one line per 10 % otherwise (CI logs).
const WIDTH = 28;

export interface Progress {
  /** Sets how much is done (of `total`). */
  update(done: number, note?: string): void;
  /** Completes the bar with a closing note (e.g. the rate measured). */
  done(note?: string): void;
}

export function progress(label: string, total: number): Progress {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  let lastDecile = -1;
  let lastDraw = 0;
  const line = (done: number, note = "") => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * WIDTH);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    return `${label.padEnd(34)} [${"#".repeat(filled)}${".".repeat(WIDTH - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ${done}/${total} ${seconds}s ${note}`;
  };
  return {
    update(done, note) {
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100) return;
        lastDraw = now;
        process.stderr.write(`\r${line(done, note)}\x1b[K`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${line(done, note)}\n`);
      }
    },
    done(note) {
      process.stderr.write(`${tty ? "\r" : ""}${line(total, note)}${tty ? "\x1b[K" : ""}\n`);
    },
  };
}

/** A one-line step without a measurable fraction (deploying, starting a process). */
export async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  process.stderr.write(`${label} …\n`);
  const result = await work();
  process.stderr.write(`${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}
