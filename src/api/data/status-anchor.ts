// The chain side of status lists: the StatusListAnchor contract, read by verifiers (the latest
// anchored hash of a list) and written by the issuer's anchoring account. The transaction is signed
// here first, so its hash can be stored before it is broadcast (src/api/data/credential-store.ts).
import { Contract, Transaction, type JsonRpcProvider, type Wallet } from "ethers";
import { readAbi } from "../../chain/artifacts.ts";

export interface AnchoredList {
  listHash: string;
  /** 0 when nothing was anchored for the list yet. */
  version: number;
  /** unix seconds */
  issuedAt: number;
  anchoredAt: number;
}

export interface StatusAnchorReader {
  address: string;
  latest(listId: number): Promise<AnchoredList>;
}

export interface StatusAnchorWriter extends StatusAnchorReader {
  /** Signs the anchoring transaction without sending it. */
  prepare(listId: number, listHash: string, issuedAt: number): Promise<{ txHash: string; raw: string }>;
  broadcast(raw: string): Promise<void>;
  /** The transaction's outcome once mined (polls up to `timeoutMs`); null when not mined by then. */
  settle(txHash: string, timeoutMs: number): Promise<{ block: number; ok: boolean } | null>;
}

export function statusAnchorReader(address: string, provider: JsonRpcProvider): StatusAnchorReader {
  const contract = new Contract(address, readAbi("StatusListAnchor"), provider);
  return {
    address,
    async latest(listId) {
      const a = await contract.latest(listId);
      return { listHash: String(a.listHash), version: Number(a.version), issuedAt: Number(a.issuedAt), anchoredAt: Number(a.anchoredAt) };
    },
  };
}

/** `gasPrice`: a legacy price in wei for free-gas networks (Besu QBFT: 0), as PACHAIN_GAS_PRICE; unset = the node's fee data. */
export function statusAnchorWriter(address: string, wallet: Wallet & { provider: JsonRpcProvider }, gasPrice?: bigint): StatusAnchorWriter {
  const reader = statusAnchorReader(address, wallet.provider);
  const contract = new Contract(address, readAbi("StatusListAnchor"), wallet);
  const provider = wallet.provider;
  return {
    ...reader,
    async prepare(listId, listHash, issuedAt) {
      const unsigned = await contract.anchor.populateTransaction(listId, listHash, issuedAt);
      const price = gasPrice === undefined ? {} : { gasPrice, type: 0 };
      const populated = await wallet.populateTransaction({ ...unsigned, ...price, nonce: await provider.getTransactionCount(wallet.address, "pending") });
      const raw = await wallet.signTransaction(populated);
      return { txHash: Transaction.from(raw).hash!, raw };
    },
    async broadcast(raw) {
      await provider.broadcastTransaction(raw);
    },
    async settle(txHash, timeoutMs) {
      for (const deadline = Date.now() + timeoutMs; ;) {
        const receipt = await provider.getTransactionReceipt(txHash);
        if (receipt) return { block: receipt.blockNumber, ok: receipt.status === 1 };
        if (Date.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}
