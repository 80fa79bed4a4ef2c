// Reads compiled contract ABIs from Hardhat's artifacts folder (after `hardhat build`).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Interface, type InterfaceAbi } from "ethers";
import { misconfigured } from "../errors.ts";

const ARTIFACTS_DIR = fileURLToPath(new URL("../../artifacts/contracts", import.meta.url));

function findArtifact(dir: string, contractName: string): string | undefined {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = entry.name === `${contractName}.sol`
        ? join(path, `${contractName}.json`)
        : findArtifact(path, contractName);
      if (found) return found;
    }
  }
  return undefined;
}

function readArtifact(contractName: string): { abi: InterfaceAbi; deployedBytecode: string } {
  const path = findArtifact(ARTIFACTS_DIR, contractName);
  if (!path) throw misconfigured(`No artifact for ${contractName} under ${ARTIFACTS_DIR}: run "hardhat build" first`);
  return JSON.parse(readFileSync(path, "utf8")) as { abi: InterfaceAbi; deployedBytecode: string };
}

export function readAbi(contractName: string): InterfaceAbi {
  return readArtifact(contractName).abi;
}

/** The contract's runtime bytecode (hex), e.g. to find a constant it was compiled with. */
export function readDeployedBytecode(contractName: string): string {
  return readArtifact(contractName).deployedBytecode;
}

/** Function selectors of `functions` in the contract's ABI; an unknown name is an error. */
export function selectorsOf(contractName: string, functions: readonly string[]): string[] {
  const iface = new Interface(readAbi(contractName));
  return functions.map((name) => {
    const fragment = iface.getFunction(name);
    if (!fragment) throw misconfigured(`${contractName} has no function ${name}`);
    return fragment.selector;
  });
}
