// Replays the whole outbox onto a fresh chain in the exact order it was first recorded. The
// embedded chain keeps no state across restarts; the outbox does, and the deployment is reproduced
// at the same addresses, so every signature still verifies and every answer comes out the same.
import type { Logger } from "../logger.ts";
import type { Relayer } from "./relayer.ts";
import type { OracleStore } from "./store.ts";
import { misconfigured } from "../errors.ts";

/**
 * Relays every pending item in global arrival order: each step lets the relayer of the oldest
 * pending item send its items up to the oldest pending item of any other relayer, so a decision
 * never overtakes the facts it rests on, nor a payment the death that stops it.
 */
export async function replayInOrder(store: OracleStore, relayers: readonly Relayer[], logger: Logger): Promise<number> {
  const byName = new Map(relayers.map((r) => [r.name, r]));
  let settled = 0;
  for (let next = store.oldestPending(); next; next = store.oldestPending()) {
    const relayer = byName.get(next.relayer);
    if (!relayer) throw misconfigured(`no relayer "${next.relayer}" configured to replay item ${next.id}`);
    const others = relayers.filter((r) => r !== relayer).map((r) => store.nextPending(r.name, 1)[0]?.id ?? Infinity);
    const outcome = await relayer.relayOnce(Math.min(...others));
    if (outcome.type === "settled") settled += outcome.items;
    if (outcome.type === "waiting") throw new Error(`replay stopped: ${outcome.reason}`);
    if (settled % 1000 < (outcome.type === "settled" ? outcome.items : 0)) logger.info({ settled }, "replaying the outbox");
  }
  return settled;
}
