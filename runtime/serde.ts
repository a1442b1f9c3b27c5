/**
 * Avro values in the Confluent wire format (byte 0 = 0, 4-byte big-endian schema id, Avro body).
 * Schemas are registered and resolved through @confluentinc/schemaregistry's client, with the
 * subject's compatibility set to BACKWARD first; on the hot path values are encoded and decoded
 * with a compiled avsc type cached per schema id, ~50x faster than the library's serializers.
 *
 * Every registry request times out (REGISTRY_TIMEOUT_MS) and is retried by the client on network
 * errors, timeouts and 5xx. A lookup that still fails fails the batch (REGISTRY_UNAVAILABLE), which
 * the bus redelivers: only the registry's definitive "no such schema" makes a value a dead letter.
 */
// The client's own modules: the package's index also loads every serde it offers and the KMS drivers
// of its encryption rules (AWS, Azure, Google Cloud, Vault), most of a second of CPU at every start.
import { MockClient } from "@confluentinc/schemaregistry/dist/mock-schemaregistry-client.js";
import { RestError } from "@confluentinc/schemaregistry/dist/rest-error.js";
import {
  type Client,
  Compatibility,
  SchemaRegistryClient,
} from "@confluentinc/schemaregistry/dist/schemaregistry-client.js";
import avro from "avsc";
import type { Contract } from "../schemas/contracts.js";
import type { SimakConfig } from "./config.js";
import { ErrorCode, SimakError } from "./errors.js";

const MAGIC_BYTE = 0;
const HEADER_BYTES = 5;
/** Longest wait for one registry call, its retries included (the client's retries share the budget). */
export const REGISTRY_TIMEOUT_MS = 10_000;
/**
 * The registry's error codes for "no such schema": 40403 (Confluent, Apicurio's ccompat API) and
 * 40400 (the in-process MockClient of the embedded mode).
 */
const SCHEMA_NOT_FOUND = new Set([40403, 40400]);

export interface RegistryClientOptions {
  timeoutMs?: number;
  /** Retries of a request failing on the network, by timeout or with a 5xx. Default 3. */
  maxRetries?: number;
  /** Base of the retries' full-jitter backoff, ms. Default 1000. */
  retriesWaitMs?: number;
}

export function createRegistryClient(config: SimakConfig, options: RegistryClientOptions = {}): Client {
  if (!config.registry) return new MockClient({ baseURLs: ["mock://embedded"] });
  const { url, username, password } = config.registry;
  return new SchemaRegistryClient({
    baseURLs: [url],
    ...(username
      ? { basicAuthCredentials: { credentialsSource: "USER_INFO", userInfo: `${username}:${password}` } }
      : {}),
    createAxiosDefaults: { timeout: options.timeoutMs ?? REGISTRY_TIMEOUT_MS },
    maxRetries: options.maxRetries ?? 3,
    retriesWaitMs: options.retriesWaitMs ?? 1000,
  });
}

function isSchemaNotFound(error: unknown): boolean {
  return error instanceof RestError && error.status === 404 && SCHEMA_NOT_FOUND.has(error.errorCode);
}

/** Subject name under the TopicNameStrategy that Confluent's clients default to. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

interface WriterEntry {
  writer: avro.Type;
  /** Resolvers from this writer to each reader contract, created on first use. */
  resolvers: Map<avro.Type, avro.Resolver>;
}

export class AvroCodec {
  private readonly writers = new Map<number, WriterEntry>();
  private readonly pendingLookups = new Map<number, Promise<WriterEntry>>();
  private scratch = Buffer.allocUnsafeSlow(64 * 1024);

  constructor(private readonly client: Client) {}

  /**
   * Registers `contract` under the subject of `topic` with BACKWARD compatibility and returns its
   * schema id. A schema the registry refuses as incompatible fails with the subject and reason.
   */
  async register(topic: string, contract: Contract): Promise<number> {
    const subject = valueSubject(topic);
    await this.requireBackward(subject);
    try {
      const id = await this.client.register(subject, { schemaType: "AVRO", schema: contract.schemaText }, false);
      this.writers.set(id, { writer: contract.type, resolvers: new Map() });
      return id;
    } catch (error) {
      if (error instanceof RestError && (error.status === 409 || error.status === 422)) {
        throw new SimakError(
          ErrorCode.SchemaRegistrationRefused,
          `schema registry refused ${contract.name} for subject ${subject} as not BACKWARD compatible ` +
            `with its earlier versions (HTTP ${error.status}): ${error.message}`,
        );
      }
      throw error;
    }
  }

  /**
   * Sets the subject's compatibility to BACKWARD. Instances starting together race to create the
   * rule; the registry answers the loser with 409, which is fine once the level reads BACKWARD.
   */
  private async requireBackward(subject: string): Promise<void> {
    try {
      await this.client.updateCompatibility(subject, Compatibility.BACKWARD);
    } catch (error) {
      if (!(error instanceof RestError && error.status === 409)) throw error;
      const level = await this.client.getCompatibility(subject);
      if (level !== Compatibility.BACKWARD) {
        throw new Error(`subject ${subject} has compatibility ${level}; expected ${Compatibility.BACKWARD}`);
      }
    }
  }

  /**
   * Written into a scratch buffer that grows to the largest value seen, then copied out once:
   * avsc's toBuffer writes a value over 1 KiB (a tagged mention) twice, and a body apart from its
   * header would be copied again.
   */
  encode(schemaId: number, contract: Contract, value: unknown): Buffer {
    let end = contract.type.encode(value, this.scratch, HEADER_BYTES);
    if (end < 0) {
      // encode() answers how many bytes were missing.
      this.scratch = Buffer.allocUnsafeSlow(2 * (this.scratch.length - end));
      end = contract.type.encode(value, this.scratch, HEADER_BYTES);
    }
    this.scratch.writeUInt8(MAGIC_BYTE, 0);
    this.scratch.writeUInt32BE(schemaId, 1);
    return Buffer.from(this.scratch.subarray(0, end));
  }

  /** Reads the schema id of a wire-format value, or fails with BAD_WIRE_FORMAT. */
  static schemaIdOf(bytes: Buffer | null): number {
    if (!bytes || bytes.length < HEADER_BYTES) {
      throw new SimakError(
        ErrorCode.BadWireFormat,
        `value of ${bytes?.length ?? 0} bytes is shorter than the wire header`,
      );
    }
    if (bytes[0] !== MAGIC_BYTE) {
      throw new SimakError(
        ErrorCode.BadWireFormat,
        `unknown magic byte ${bytes[0]}; expected 0 (Confluent wire format)`,
      );
    }
    return bytes.readUInt32BE(1);
  }

  /**
   * Makes sure the writer schemas of these values are cached, so decode() stays synchronous. An id
   * the registry definitively does not know is left out (decode() fails on it with
   * BAD_WIRE_FORMAT); any other lookup failure rejects with REGISTRY_UNAVAILABLE.
   */
  async prepare(values: (Buffer | null)[]): Promise<void> {
    const missing = new Set<number>();
    for (const bytes of values) {
      if (!bytes || bytes.length < HEADER_BYTES || bytes[0] !== MAGIC_BYTE) continue;
      const id = bytes.readUInt32BE(1);
      if (!this.writers.has(id)) missing.add(id);
    }
    const ids = [...missing];
    const lookups = await Promise.allSettled(ids.map((id) => this.lookup(id)));
    lookups.forEach((lookup, i) => {
      if (lookup.status === "fulfilled" || isSchemaNotFound(lookup.reason)) return;
      throw new SimakError(
        ErrorCode.RegistryUnavailable,
        `schema registry lookup of id ${ids[i]} failed: ${(lookup.reason as Error).message}`,
      );
    });
  }

  private lookup(id: number): Promise<WriterEntry> {
    let pending = this.pendingLookups.get(id);
    if (!pending) {
      pending = this.client.getBySubjectAndId("", id).then((info) => {
        const entry = { writer: avro.Type.forSchema(JSON.parse(info.schema)), resolvers: new Map() };
        this.writers.set(id, entry);
        return entry;
      });
      pending.finally(() => this.pendingLookups.delete(id)).catch(() => undefined);
      this.pendingLookups.set(id, pending);
    }
    return pending;
  }

  /** Decodes a wire-format value into `reader`'s shape; call prepare() on the batch first. */
  decode<T>(bytes: Buffer | null, reader: Contract): T {
    const id = AvroCodec.schemaIdOf(bytes);
    const entry = this.writers.get(id);
    if (!entry) throw new SimakError(ErrorCode.BadWireFormat, `schema id ${id} is not known to the registry`);
    let resolver = entry.resolvers.get(reader.type);
    if (!resolver) {
      try {
        resolver = reader.type.createResolver(entry.writer);
      } catch (error) {
        throw new SimakError(
          ErrorCode.IncompatibleSchema,
          `writer schema ${id} cannot be read as ${reader.name}: ${(error as Error).message}`,
        );
      }
      entry.resolvers.set(reader.type, resolver);
    }
    try {
      return reader.type.fromBuffer((bytes as Buffer).subarray(HEADER_BYTES), resolver, true) as T;
    } catch (error) {
      throw new SimakError(
        ErrorCode.SchemaViolation,
        `value does not decode as ${reader.name} with schema id ${id}: ${(error as Error).message}`,
      );
    }
  }
}
