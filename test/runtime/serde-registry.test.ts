/**
 * Schema lookups against a small fake registry on 127.0.0.1 that fails the way a real one does: a
 * 5xx or a hung request fails the batch (REGISTRY_UNAVAILABLE, so the bus redelivers it) and the
 * next attempt decodes; only the registry's definitive 404 / 40403 makes a value undecodable.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../runtime/config.js";
import { ErrorCode, SimakError } from "../../runtime/errors.js";
import { AvroCodec, createRegistryClient, type RegistryClientOptions } from "../../runtime/serde.js";
import { contracts } from "../../schemas/contracts.js";
import type { Mention } from "../../schemas/types.generated.js";
import { sampleMention } from "../fixtures/mentions.js";

type Answer = "ok" | "unavailable" | "hang" | "not-found";

/** Answers schema lookups with the next of `script` (then "ok"); counts requests. */
let script: Answer[] = [];
let requests = 0;
const hung: ServerResponse[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    const answer = script.shift() ?? "ok";
    if (answer === "hang") {
      hung.push(res);
      return;
    }
    res.setHeader("content-type", "application/json");
    if (answer === "unavailable") {
      res.writeHead(503).end(JSON.stringify({ error_code: 50003, message: "Error while forwarding the request" }));
    } else if (answer === "not-found" || !req.url?.startsWith("/schemas/ids/7")) {
      res.writeHead(404).end(JSON.stringify({ error_code: 40403, message: "Schema not found" }));
    } else {
      res.writeHead(200).end(JSON.stringify({ schema: contracts.Mention.schemaText }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hung) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function reader(options: RegistryClientOptions): AvroCodec {
  return new AvroCodec(createRegistryClient(loadConfig({ SCHEMA_REGISTRY_URL: url }), options));
}

/** A value written with schema id `id`. */
function valueWithId(id: number): Buffer {
  const body = contracts.Mention.type.toBuffer(sampleMention);
  const bytes = Buffer.alloc(5 + body.length);
  bytes.writeUInt32BE(id, 1);
  body.copy(bytes, 5);
  return bytes;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SimakError) return error.code;
    throw error;
  }
  return "no error";
}

describe("schema registry lookups", () => {
  it("a 5xx is retried; when the retries run out the batch fails, and a later attempt decodes", async () => {
    const value = valueWithId(7);
    script = ["unavailable", "unavailable"];
    requests = 0;
    const retrying = reader({ maxRetries: 2, retriesWaitMs: 10 });
    await retrying.prepare([value]);
    expect(requests).toBe(3);
    expect(retrying.decode<Mention>(value, contracts.Mention)).toEqual(sampleMention);

    script = ["unavailable", "unavailable"];
    requests = 0;
    const once = reader({ maxRetries: 0 });
    expect(await codeOf(once.prepare([value]))).toBe(ErrorCode.RegistryUnavailable);
    expect(await codeOf(once.prepare([value]))).toBe(ErrorCode.RegistryUnavailable);
    await once.prepare([value]);
    expect(once.decode<Mention>(value, contracts.Mention)).toEqual(sampleMention);
    expect(requests).toBe(3);
  });

  it("a hung request times out and fails the batch; the retried batch decodes", async () => {
    const value = valueWithId(7);
    script = ["hang"];
    requests = 0;
    const codec = reader({ timeoutMs: 300, maxRetries: 0 });
    const started = Date.now();
    expect(await codeOf(codec.prepare([value]))).toBe(ErrorCode.RegistryUnavailable);
    expect(Date.now() - started).toBeLessThan(10_000);
    await codec.prepare([value]);
    expect(codec.decode<Mention>(value, contracts.Mention)).toEqual(sampleMention);

    expect(requests).toBe(2);
  });

  it("only a definitive 404 (40403) leaves the value undecodable, as a dead letter", async () => {
    script = [];
    const codec = reader({ maxRetries: 3, retriesWaitMs: 10 });
    const unknown = valueWithId(99);
    const known = valueWithId(7);
    requests = 0;
    await codec.prepare([unknown, known]);
    expect(requests).toBe(2);
    expect(() => codec.decode(unknown, contracts.Mention)).toThrow(/schema id 99 is not known to the registry/);
    expect(codec.decode<Mention>(known, contracts.Mention)).toEqual(sampleMention);
  });
});
