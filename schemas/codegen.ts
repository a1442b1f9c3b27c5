/**
 * Generates TypeScript declarations from the Avro contracts in ./avro, so the types the code uses
 * cannot drift from the schemas on the wire. `npm run gen:types` rewrites types.generated.ts;
 * test/schemas/types.test.ts fails when the committed file differs from a fresh generation.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CONTRACT_NAMES } from "./contracts.js";

type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

const PRIMITIVES: Record<string, string> = {
  null: "null",
  boolean: "boolean",
  int: "number",
  long: "number",
  float: "number",
  double: "number",
  bytes: "Buffer",
  string: "string",
};

function shortName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

class DeclarationWriter {
  private readonly declared = new Set<string>();
  private readonly out: string[] = [];

  typeOf(schema: AvroSchema): string {
    if (typeof schema === "string") return PRIMITIVES[schema] ?? shortName(schema);
    if (Array.isArray(schema)) return schema.map((branch) => this.typeOf(branch)).join(" | ");
    const type = schema.type as AvroSchema;
    if (type === "record") return this.record(schema);
    if (type === "enum") return this.enumeration(schema);
    if (type === "array") return `${this.wrap(this.typeOf(schema.items as AvroSchema))}[]`;
    if (type === "map") return `Record<string, ${this.typeOf(schema.values as AvroSchema)}>`;
    if (type === "fixed") return "Buffer";
    return this.typeOf(type);
  }

  private wrap(type: string): string {
    return type.includes("|") ? `(${type})` : type;
  }

  private doc(text: unknown, indent: string): void {
    if (typeof text === "string") this.out.push(`${indent}/** ${text} */`);
  }

  private record(schema: { [key: string]: unknown }): string {
    const name = shortName(schema.name as string);
    if (this.declared.has(name)) return name;
    this.declared.add(name);
    const fields = (schema.fields as { name: string; type: AvroSchema; doc?: string }[]).map((field) => ({
      field,
      type: this.typeOf(field.type),
    }));
    this.doc(schema.doc, "");
    this.out.push(`export interface ${name} {`);
    for (const { field, type } of fields) {
      this.doc(field.doc, "  ");
      this.out.push(`  ${field.name}: ${type};`);
    }
    this.out.push("}", "");
    return name;
  }

  private enumeration(schema: { [key: string]: unknown }): string {
    const name = shortName(schema.name as string);
    if (this.declared.has(name)) return name;
    this.declared.add(name);
    const symbols = (schema.symbols as string[]).map((symbol) => JSON.stringify(symbol)).join(" | ");
    this.out.push(`export type ${name} = ${symbols};`, "");
    return name;
  }

  text(): string {
    return this.out.join("\n");
  }
}

export function generateDeclarations(): string {
  const writer = new DeclarationWriter();
  for (const name of CONTRACT_NAMES) {
    const file = new URL(`./avro/${name}.avsc`, import.meta.url);
    writer.typeOf(JSON.parse(readFileSync(file, "utf8")) as AvroSchema);
  }
  return `// Generated from schemas/avro/*.avsc by \`npm run gen:types\`. Do not edit.\n\n${writer.text()}`;
}

export const GENERATED_FILE = new URL("./types.generated.ts", import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(GENERATED_FILE, generateDeclarations());
}
