// A small ABI decoder for event logs, straight from the hex to JSON values: integers as decimal
// strings, addresses checksummed, bytes as 0x hex, structs as objects keyed by field name.
// Why not ethers' decoder: it costs about half a millisecond per log (a keccak checksum per
// address, a Result proxy and coder objects per call), which made decoding most of a backfill's
// time; this one reads the words in place and remembers checksums. It covers every ABI type
// (uintN, intN, bool, address, bytesN, bytes, string, T[], T[k], tuples); test/indexer/abi.test.ts
// checks it against ethers on random values of every event of the five contracts.
import { getAddress, toUtf8String, type ParamType } from "ethers";
import type { Json, JsonObject } from "./events.ts";
import { PaChainError } from "../errors.ts";

const WORD = 64; // hex characters in a 32-byte word
const TWO_256 = 1n << 256n;
const CHECKSUM_CACHE_MAX = 100_000;

export class AbiDecodingError extends PaChainError {
  constructor(message: string) {
    super("ABI_DECODING_FAILED", message, { status: 500 });
  }
}

const checksums = new Map<string, string>();

/** EIP-55 checksummed address, computed once per address (signer keys and contracts repeat in every batch). */
export function checksumAddress(address: string): string {
  const lower = address.toLowerCase();
  let checksummed = checksums.get(lower);
  if (checksummed === undefined) {
    if (checksums.size >= CHECKSUM_CACHE_MAX) checksums.clear();
    checksums.set(lower, (checksummed = getAddress(lower)));
  }
  return checksummed;
}

function isDynamic(type: ParamType): boolean {
  if (type.baseType === "string" || type.baseType === "bytes") return true;
  if (type.isArray()) return type.arrayLength === -1 || isDynamic(type.arrayChildren);
  if (type.isTuple()) return type.components.some(isDynamic);
  return false;
}

/** Words a static type occupies in place. */
function staticWords(type: ParamType): number {
  if (type.isTuple()) return type.components.reduce((sum, c) => sum + staticWords(c), 0);
  if (type.isArray()) return type.arrayLength * staticWords(type.arrayChildren);
  return 1;
}

function word(hex: string, at: number): string {
  const w = hex.slice(at, at + WORD);
  if (w.length !== WORD) throw new AbiDecodingError(`data ends at ${hex.length / 2} bytes, a word was expected at byte ${at / 2}`);
  return w;
}

function smallNumber(hex: string, at: number): number {
  const value = Number.parseInt(word(hex, at), 16);
  if (!Number.isSafeInteger(value) || value > hex.length) throw new AbiDecodingError(`offset or length ${value} at byte ${at / 2} is out of range`);
  return value;
}

/** Decodes the head/tail encoding of `types` starting at hex index `start`. */
function decodeSequence(types: readonly ParamType[], hex: string, start: number): Json[] {
  const values: Json[] = [];
  let head = start;
  for (const type of types) {
    if (isDynamic(type)) {
      values.push(decodeAt(type, hex, start + smallNumber(hex, head) * 2));
      head += WORD;
    } else {
      values.push(decodeAt(type, hex, head));
      head += staticWords(type) * WORD;
    }
  }
  return values;
}

function decodeAt(type: ParamType, hex: string, at: number): Json {
  if (type.isTuple()) {
    const values = decodeSequence(type.components, hex, at);
    const object: JsonObject = {};
    type.components.forEach((component, i) => {
      object[component.name || `field${i}`] = values[i];
    });
    return object;
  }
  if (type.isArray()) {
    const dynamicLength = type.arrayLength === -1;
    const length = dynamicLength ? smallNumber(hex, at) : type.arrayLength;
    return decodeSequence(new Array<ParamType>(length).fill(type.arrayChildren), hex, dynamicLength ? at + WORD : at);
  }
  const base = type.baseType;
  if (base === "string" || base === "bytes") {
    const length = smallNumber(hex, at);
    const content = hex.slice(at + WORD, at + WORD + length * 2);
    if (content.length !== length * 2) throw new AbiDecodingError(`${base} of ${length} bytes runs past the data`);
    return base === "string" ? toUtf8String(`0x${content}`) : `0x${content}`;
  }
  const w = word(hex, at);
  if (base === "address") return checksumAddress(`0x${w.slice(24)}`);
  if (base === "bool") return BigInt(`0x${w}`) !== 0n;
  if (base.startsWith("uint")) return BigInt(`0x${w}`).toString();
  if (base.startsWith("int")) {
    const value = BigInt(`0x${w}`);
    return (value >= TWO_256 / 2n ? value - TWO_256 : value).toString();
  }
  if (base.startsWith("bytes")) return `0x${w.slice(0, Number(base.slice(5)) * 2)}`;
  throw new AbiDecodingError(`unsupported ABI type ${type.type}`);
}

/**
 * Decodes an event's arguments from its topics (after the signature topic) and data. An indexed
 * argument of a dynamic type (string, bytes, array, struct) is only its keccak hash in the topic.
 */
export function decodeEventArgs(inputs: readonly ParamType[], topics: readonly string[], data: string): JsonObject {
  const indexed = inputs.filter((input) => input.indexed);
  if (topics.length !== indexed.length) throw new AbiDecodingError(`${topics.length} topics for ${indexed.length} indexed arguments`);
  const hex = data.startsWith("0x") ? data.slice(2).toLowerCase() : data.toLowerCase();
  const values = decodeSequence(inputs.filter((input) => !input.indexed), hex, 0);
  const args: JsonObject = {};
  let topic = 0;
  let value = 0;
  inputs.forEach((input, i) => {
    const name = input.name || `arg${i}`;
    if (input.indexed) {
      const t = topics[topic++].toLowerCase();
      args[name] = isDynamic(input) ? t : decodeAt(input, t.slice(2), 0);
    } else {
      args[name] = values[value++];
    }
  });
  return args;
}
