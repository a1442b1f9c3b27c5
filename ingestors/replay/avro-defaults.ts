/**
 * Completing and checking JSON values against an Avro type, driven by the schema itself so that
 * a field added to a contract with a default needs no change here.
 */
import avro from "avsc";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldPath(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

/** A record every field of which has a default (or is such a record itself) can be built from nothing. */
function isDefaultConstructible(type: avro.Type): boolean {
  return (
    type instanceof avro.types.RecordType &&
    type.fields.every((field) => field.defaultValue() !== undefined || isDefaultConstructible(field.type))
  );
}

/**
 * A copy of `value` shaped by `type`: each record with its declared fields in schema order, a
 * missing field set to its Avro default (a missing record whose fields all have defaults is built
 * from them), and fields the schema does not declare left out, their paths appended to
 * `undeclared`. Fields missing without a default stay missing, for validation to report. Records
 * and arrays are walked; other values, unions included, are kept as they are.
 */
export function withAvroDefaults(type: avro.Type, value: unknown, undeclared: string[], path = ""): unknown {
  if (type instanceof avro.types.ArrayType && Array.isArray(value)) {
    return value.map((item, i) => withAvroDefaults(type.itemsType, item, undeclared, `${path}[${i}]`));
  }
  if (!(type instanceof avro.types.RecordType) || !isPlainObject(value)) return value;
  const shaped: Record<string, unknown> = {};
  for (const field of type.fields) {
    const given = value[field.name];
    const childPath = fieldPath(path, field.name);
    if (given !== undefined) shaped[field.name] = withAvroDefaults(field.type, given, undeclared, childPath);
    else if (field.defaultValue() !== undefined) shaped[field.name] = field.defaultValue();
    else if (isDefaultConstructible(field.type))
      shaped[field.name] = withAvroDefaults(field.type, {}, undeclared, childPath);
  }
  for (const name of Object.keys(value)) {
    if (!type.fields.some((field) => field.name === name)) undeclared.push(fieldPath(path, name));
  }
  return shaped;
}

/** Paths of the missing or invalid values in `value`, e.g. ["author.followers", "hashtags[2]"]. */
export function invalidPaths(type: avro.Type, value: unknown): string[] {
  const paths = new Set<string>();
  type.isValid(value, {
    noUndeclaredFields: false,
    errorHook: (segments) => {
      paths.add(
        segments.reduce(
          (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : fieldPath(path, segment)),
          "",
        ),
      );
    },
  });
  return [...paths];
}
