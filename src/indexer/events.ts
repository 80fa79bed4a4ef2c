// Decodes the logs of the five PA Chain contracts, with their compiled ABIs, into indexed events:
// where the log is (block, transaction, log index), which contract and event, and its arguments
// as JSON — integers as decimal strings (uint64 and uint256 do not fit a JS number), structs as
// objects keyed by field name, arrays as arrays, addresses checksummed.
import { Interface, type EventFragment } from "ethers";
import { readAbi } from "../chain/artifacts.ts";
import type { DeploymentAddresses } from "../chain/contracts.ts";
import { checksumAddress, decodeEventArgs } from "./abi.ts";
import { chainError } from "../errors.ts";

export type ContractName = "PAAccessManager" | "OrganisationRegistry" | "FactRegistry" | "BenefitCatalog" | "BenefitLedger";

export const CONTRACT_NAMES: Record<keyof DeploymentAddresses, ContractName> = {
  manager: "PAAccessManager",
  organisations: "OrganisationRegistry",
  facts: "FactRegistry",
  catalog: "BenefitCatalog",
  ledger: "BenefitLedger",
};

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Name of a log that no event of the contract's ABI decodes (args: `{ topics, data, error }`). */
export const UNKNOWN_EVENT = "UnknownEvent";

/** A log as eth_getLogs returns it (quantities in hex). */
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  /** The block's time (hex unix seconds), where the node includes it in the log (Hardhat/EDR, geth ≥ 1.16). */
  blockTimestamp?: string;
  removed?: boolean;
}

/** One log of a PA Chain contract, decoded, with where and when it happened. */
export interface IndexedEvent {
  blockNumber: number;
  blockHash: string;
  /** unix seconds (the block's timestamp) */
  blockTime: number;
  txHash: string;
  txIndex: number;
  /** position of the log in its block */
  logIndex: number;
  contract: ContractName;
  /** checksummed contract address */
  address: string;
  /** event name as in the ABI, e.g. "PaymentRecorded" */
  event: string;
  args: JsonObject;
}

export interface EventDecoder {
  /** The contract addresses to ask eth_getLogs for. */
  addresses: string[];
  decode(log: RpcLog, blockTime: number): IndexedEvent;
}

export function createEventDecoder(addresses: DeploymentAddresses): EventDecoder {
  const byAddress = new Map<string, { contract: ContractName; events: Map<string, EventFragment> }>();
  for (const [key, contract] of Object.entries(CONTRACT_NAMES) as Array<[keyof DeploymentAddresses, ContractName]>) {
    const events = new Map<string, EventFragment>();
    new Interface(readAbi(contract)).forEachEvent((fragment) => events.set(fragment.topicHash, fragment));
    byAddress.set(addresses[key].toLowerCase(), { contract, events });
  }
  return {
    addresses: Object.keys(CONTRACT_NAMES).map((key) => addresses[key as keyof DeploymentAddresses]),
    decode(log, blockTime) {
      const known = byAddress.get(log.address.toLowerCase());
      if (!known) throw chainError("ABI_DECODING_FAILED", `log of ${log.address} is not from a PA Chain contract`);
      const where = {
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        blockTime,
        txHash: log.transactionHash,
        txIndex: Number(log.transactionIndex),
        logIndex: Number(log.logIndex),
        contract: known.contract,
        address: checksumAddress(log.address),
      };
      const fragment = log.topics.length > 0 ? known.events.get(log.topics[0].toLowerCase()) : undefined;
      try {
        if (fragment) return { ...where, event: fragment.name, args: decodeEventArgs(fragment.inputs, log.topics.slice(1), log.data) };
      } catch (error) {
        return { ...where, event: UNKNOWN_EVENT, args: { topics: log.topics, data: log.data, error: (error as Error).message } };
      }
      // An event the ABI does not know (a newer contract version) is kept raw rather than stopping the index.
      return { ...where, event: UNKNOWN_EVENT, args: { topics: log.topics, data: log.data, error: "no event of the ABI has this signature" } };
    },
  };
}
