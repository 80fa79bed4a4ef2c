// Decodes the logs of the five PA Chain contracts with their compiled ABIs into indexed events:
// where the log is (block, transaction, log index), which contract and event, and its arguments
// as JSON — integers as decimal strings (uint64 and uint256 do not fit a JS number), structs as
// objects keyed by field name, arrays as arrays.
import { Indexed, Interface, type Log, type ParamType } from "ethers";
import { readAbi } from "../chain/artifacts.ts";
import type { DeploymentAddresses } from "../chain/contracts.ts";

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

/** Name of a log whose first topic is no event of the contract's ABI (args: `{ topics, data }`). */
export const UNKNOWN_EVENT = "UnknownEvent";

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
  decode(log: Log, blockTime: number): IndexedEvent;
}

export function createEventDecoder(addresses: DeploymentAddresses): EventDecoder {
  const byAddress = new Map<string, { contract: ContractName; iface: Interface }>();
  for (const [key, contract] of Object.entries(CONTRACT_NAMES) as Array<[keyof DeploymentAddresses, ContractName]>) {
    byAddress.set(addresses[key].toLowerCase(), { contract, iface: new Interface(readAbi(contract)) });
  }
  return {
    addresses: Object.keys(CONTRACT_NAMES).map((key) => addresses[key as keyof DeploymentAddresses]),
    decode(log, blockTime) {
      const known = byAddress.get(log.address.toLowerCase());
      if (!known) throw new Error(`log of ${log.address} is not from a PA Chain contract`);
      const where = {
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        blockTime,
        txHash: log.transactionHash,
        txIndex: log.transactionIndex,
        logIndex: log.index,
        contract: known.contract,
        address: log.address,
      };
      const parsed = known.iface.parseLog({ topics: [...log.topics], data: log.data });
      // An event the ABI does not know (a newer contract version) is kept raw rather than stopping the index.
      if (!parsed) return { ...where, event: UNKNOWN_EVENT, args: { topics: [...log.topics], data: log.data } };
      const args: JsonObject = {};
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name || `arg${i}`] = toJson(parsed.args[i], input);
      });
      return { ...where, event: parsed.name, args };
    },
  };
}

function toJson(value: unknown, type: ParamType): Json {
  // An indexed string, bytes or array topic holds only the hash of the value.
  if (value instanceof Indexed) return value.hash;
  if (type.isArray()) return (value as unknown[]).map((item) => toJson(item, type.arrayChildren));
  if (type.isTuple()) {
    const object: JsonObject = {};
    type.components.forEach((component, i) => {
      object[component.name || `field${i}`] = toJson((value as unknown[])[i], component);
    });
    return object;
  }
  if (typeof value === "bigint") return value.toString();
  return value as Json;
}
