/**
 * The model file: processors/sentiment/model/sentiment.model.
 *
 *   "SMKSENT1" | uint32 LE header length | header JSON (UTF-8) | uint32 LE count |
 *   count bucket deltas (LEB128 varints, ascending) | float32 LE scale | count x 3 int16 LE weights
 *
 * Weights are quantised to int16 (weight = q * scale); buckets without a weight are absent.
 * Dense features sit after the hash buckets and are stored the same way.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FeatureConfig } from "./features.js";
import { DENSE_COUNT } from "./features.js";

export const MODEL_PATH = fileURLToPath(new URL("./model/sentiment.model", import.meta.url));
export const REPORT_PATH = fileURLToPath(new URL("./model/report.json", import.meta.url));
const MAGIC = "SMKSENT1";
const CLASSES = 3;

export interface ModelHeader {
  format: 1;
  /** Filled in by encodeModel: "smsa-lr-" + the first 10 hex digits of the payload's SHA-256. */
  modelVersion: string;
  labels: string[];
  features: FeatureConfig;
  /** Per-class bias including the tuned class offsets. */
  bias: number[];
  /** Words that occur in 2+ training texts (after normalisation). */
  vocabulary: string[];
  training: Record<string, unknown>;
}

export interface LoadedModel {
  header: ModelHeader;
  /** (2^hashBits + dense) x 3, row-major. */
  weights: Float32Array;
  bytes: number;
}

function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Serialises a trained model; `featureOf[k]` is the feature index of compact weight row k. */
export function encodeModel(header: ModelHeader, featureOf: Int32Array, weights: Float64Array): Buffer {
  const order = Array.from(featureOf.keys()).sort((a, b) => (featureOf[a] as number) - (featureOf[b] as number));
  let maxAbs = 0;
  for (const w of weights) maxAbs = Math.max(maxAbs, Math.abs(w));
  const scale = maxAbs / 32767 || 1;
  const kept: number[] = [];
  for (const k of order) {
    const base = k * CLASSES;
    // A row whose three weights all round to zero carries nothing.
    if ([0, 1, 2].some((c) => Math.round((weights[base + c] as number) / scale) !== 0)) kept.push(k);
  }
  const deltas: number[] = [];
  let previous = 0;
  for (const k of kept) {
    const feature = featureOf[k] as number;
    writeVarint(deltas, feature - previous);
    previous = feature;
  }
  const quantised = Buffer.alloc(kept.length * CLASSES * 2);
  kept.forEach((k, i) => {
    for (let c = 0; c < CLASSES; c++) {
      quantised.writeInt16LE(Math.round((weights[k * CLASSES + c] as number) / scale), (i * CLASSES + c) * 2);
    }
  });
  const count = Buffer.alloc(4);
  count.writeUInt32LE(kept.length);
  const scaleBytes = Buffer.alloc(4);
  scaleBytes.writeFloatLE(scale);
  const payload = Buffer.concat([count, Buffer.from(deltas), scaleBytes, quantised]);
  const digest = createHash("sha256")
    .update(JSON.stringify({ ...header, modelVersion: "" }))
    .update(payload)
    .digest("hex");
  const json = Buffer.from(JSON.stringify({ ...header, modelVersion: `smsa-lr-${digest.slice(0, 10)}` }), "utf8");
  header.modelVersion = `smsa-lr-${digest.slice(0, 10)}`;
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  return Buffer.concat([Buffer.from(MAGIC, "ascii"), length, json, payload]);
}

export function decodeModel(bytes: Buffer): LoadedModel {
  if (bytes.subarray(0, 8).toString("ascii") !== MAGIC) throw new Error("not a Simak sentiment model file");
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString("utf8")) as ModelHeader;
  if (header.format !== 1) throw new Error(`unsupported sentiment model format ${header.format}`);
  let offset = 12 + headerLength;
  const count = bytes.readUInt32LE(offset);
  offset += 4;
  const features = new Int32Array(count);
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let value = 0;
    let shift = 1;
    for (;;) {
      const byte = bytes[offset++] as number;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) break;
      shift *= 128;
    }
    previous += value;
    features[i] = previous;
  }
  const scale = bytes.readFloatLE(offset);
  offset += 4;
  const dimension = (1 << header.features.hashBits) + DENSE_COUNT;
  const weights = new Float32Array(dimension * CLASSES);
  for (let i = 0; i < count; i++) {
    const base = (features[i] as number) * CLASSES;
    for (let c = 0; c < CLASSES; c++) {
      weights[base + c] = bytes.readInt16LE(offset) * scale;
      offset += 2;
    }
  }
  return { header, weights, bytes: bytes.length };
}

export function readModel(path = MODEL_PATH): LoadedModel {
  return decodeModel(readFileSync(path));
}
