// The fact kinds' single declaration (src/domain/facts.ts) against the compiled contracts: what
// cannot be derived from it (the ABI, the EIP-712 type strings) is checked here, so the table and
// FactRegistry cannot drift apart.
import { expect } from "chai";
import { Interface, keccak256, toUtf8Bytes } from "ethers";
import { readAbi, readDeployedBytecode } from "../../src/chain/artifacts.ts";
import { FACT_TYPES } from "../../src/chain/signing.ts";
import { FACT_KIND_NAMES, FACT_KIND_OF_EVENT, FACT_KINDS, recordSchema, solidityType, typeString } from "../../src/domain/facts.ts";
import { FACT_COLUMNS } from "../../src/indexer/rows.ts";

describe("fact kinds (src/domain/facts.ts)", function () {
  const registry = new Interface(readAbi("FactRegistry"));
  const bytecode = readDeployedBytecode("FactRegistry").toLowerCase();

  for (const kind of FACT_KIND_NAMES) {
    const spec = FACT_KINDS[kind];
    describe(kind, function () {
      it(`matches FactRegistry.${spec.function}'s record struct, field by field, and its signature argument`, function () {
        const fn = registry.getFunction(spec.function);
        expect(fn, spec.function).to.not.equal(null);
        const [record, signatures] = fn!.inputs;
        expect(record.components!.map((c) => c.name)).to.deep.equal(spec.fields.map((field) => field.name));
        // Enums (Category) are uint8 in the ABI, as in the EIP-712 type.
        expect(record.components!.map((c) => c.type)).to.deep.equal(spec.fields.map((field) => solidityType(field.kind)));
        expect(signatures.type).to.equal(spec.signatures === "members" ? "bytes[]" : "bytes");
      });

      it(`has the EIP-712 type string FactRegistry hashes, and the event ${spec.event}`, function () {
        expect(bytecode, typeString(kind)).to.contain(keccak256(toUtf8Bytes(typeString(kind))).slice(2));
        expect(registry.getEvent(spec.event), spec.event).to.not.equal(null);
        expect(FACT_TYPES[spec.record]).to.deep.equal(spec.fields.map((field) => ({ name: field.name, type: solidityType(field.kind) })));
      });

      it(`maps ${spec.event}'s arguments to the indexer's facts columns (each argument exists, each column is a facts column)`, function () {
        const args = registry.getEvent(spec.event)!.inputs.map((input) => input.name);
        const row = spec.row as { recordIdArg: string; orgArg: string | null; columns: Record<string, readonly [string, string]> };
        expect(args, "record id").to.include(row.recordIdArg);
        if (row.orgArg !== null) expect(args, "organisation").to.include(row.orgArg);
        for (const [column, [arg]] of Object.entries(row.columns)) {
          expect(args, `${column} ← ${arg}`).to.include(arg);
          expect(FACT_COLUMNS, column).to.include(column);
        }
        expect(FACT_KIND_OF_EVENT.get(spec.event)).to.equal(kind);
      });

      it("refuses a record with an unknown field or a value out of range", function () {
        const schema = recordSchema(kind);
        expect(schema.safeParse({}).success).to.equal(false);
        const [first] = spec.fields;
        expect(schema.safeParse({ [first.name]: "nope" }).success).to.equal(false);
      });
    });
  }
});
