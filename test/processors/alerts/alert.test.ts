import avro from "avsc";
import { describe, expect, it } from "vitest";
import { runDetector } from "../../../processors/alerts/detector.js";
import { MINUTE_MS } from "../../../processors/alerts/series.js";
import { contracts } from "../../../schemas/contracts.js";
import type { Alert } from "../../../schemas/types.generated.js";
import { extraNegatives, rule, SCOPE, START, series } from "./helpers.js";

/** The fields this work added to Alert.avsc, each with a default. */
const ADDED = ["incidentId", "z", "baselineMethod", "volume", "notifyAt", "channels"];

function detectorAlerts(): Alert[] {
  const spike = START + 30 * MINUTE_MS;
  const floored = rule("floored", {
    signal: "negative-count",
    baseline: { floor: 5 },
    quietHours: { from: "00:00", to: "06:00" },
    channels: [],
  });
  const inputs = series(START, START + 60 * MINUTE_MS, [[spike, spike + 10 * MINUTE_MS, extraNegatives(60)]]);
  return runDetector(floored, { ...SCOPE, platform: "x" }, inputs).alerts;
}

describe("Alert records", () => {
  it("the detector's alerts are valid for the Avro contract and round-trip", () => {
    const alerts = detectorAlerts();
    expect(alerts.map((alert) => alert.status)).toEqual(["firing", "resolved"]);
    for (const alert of alerts) {
      const invalid: string[] = [];
      expect(contracts.Alert.type.isValid(alert, { errorHook: (path) => invalid.push(path.join(".")) })).toBe(true);
      expect(invalid).toEqual([]);
      expect(contracts.Alert.type.fromBuffer(contracts.Alert.type.toBuffer(alert))).toEqual(alert);
    }
    // Held by the quiet hours (00:00-06:00 WIB) until their end.
    expect(alerts.map((alert) => alert.notifyAt)).toEqual([START + 6 * 60 * MINUTE_MS, START + 6 * 60 * MINUTE_MS]);
  });

  it("the contract evolved backward-compatibly: records written without the added fields read with defaults", () => {
    const current = JSON.parse(contracts.Alert.schemaText) as avro.schema.RecordType;
    const previous = avro.Type.forSchema({
      ...current,
      fields: current.fields.filter((field) => !ADDED.includes(field.name)),
    });
    const [alert] = detectorAlerts() as [Alert];
    const old = Object.fromEntries(Object.entries(alert).filter(([name]) => !ADDED.includes(name)));
    const resolver = contracts.Alert.type.createResolver(previous);
    expect(contracts.Alert.type.fromBuffer(previous.toBuffer(old), resolver)).toEqual({
      ...old,
      incidentId: null,
      z: null,
      baselineMethod: null,
      volume: null,
      notifyAt: null,
      channels: [],
    });
  });
});
