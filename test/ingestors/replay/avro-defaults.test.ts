import avro from "avsc";
import { describe, expect, it } from "vitest";
import { invalidPaths, withAvroDefaults } from "../../../ingestors/replay/avro-defaults.js";

const Order = avro.Type.forSchema({
  type: "record",
  name: "Order",
  fields: [
    { name: "id", type: "string" },
    { name: "note", type: ["null", "string"], default: null },
    {
      name: "lines",
      type: {
        type: "array",
        items: {
          type: "record",
          name: "Line",
          fields: [
            { name: "sku", type: "string" },
            { name: "quantity", type: "int", default: 1 },
          ],
        },
      },
      default: [],
    },
    {
      name: "totals",
      type: { type: "record", name: "Totals", fields: [{ name: "net", type: "long", default: 0 }] },
    },
    {
      name: "buyer",
      type: { type: "record", name: "Buyer", fields: [{ name: "name", type: "string" }] },
    },
  ],
});

describe("withAvroDefaults", () => {
  it("fills defaults in nested records and array items, and builds records that are all defaults", () => {
    const undeclared: string[] = [];
    const value = withAvroDefaults(
      Order,
      { buyer: { name: "Siti" }, id: "o1", lines: [{ sku: "a" }, { sku: "b", quantity: 3 }] },
      undeclared,
    );
    expect(value).toEqual({
      id: "o1",
      note: null,
      lines: [
        { sku: "a", quantity: 1 },
        { sku: "b", quantity: 3 },
      ],
      totals: { net: 0 },
      buyer: { name: "Siti" },
    });
    expect(Object.keys(value as object)).toEqual(["id", "note", "lines", "totals", "buyer"]);
    expect(undeclared).toEqual([]);
    expect(invalidPaths(Order, value)).toEqual([]);
  });

  it("leaves fields without a default missing, and lists undeclared fields", () => {
    const undeclared: string[] = [];
    const value = withAvroDefaults(Order, { id: "o1", lines: [{ skU: "a" }], buyer: {}, coupon: "X" }, undeclared);
    expect(undeclared).toEqual(["lines[0].skU", "coupon"]);
    expect(invalidPaths(Order, value)).toEqual(["lines[0].sku", "buyer.name"]);
  });

  it("keeps values of the wrong shape as they are, for validation to report", () => {
    const undeclared: string[] = [];
    const value = withAvroDefaults(Order, { id: 5, lines: "none", totals: null, buyer: { name: "B" } }, undeclared);
    expect(value).toEqual({ id: 5, note: null, lines: "none", totals: null, buyer: { name: "B" } });
    expect(invalidPaths(Order, value)).toEqual(["id", "lines", "totals"]);
    expect(withAvroDefaults(Order, "text", undeclared)).toBe("text");
  });
});
