/**
 * What the restart tests on the real services share: stage processes (`simak run <stage>`, each on
 * a free port, SIGKILLed when the test file ends) and a producer of the tagged stream a stage reads.
 */
import { KafkaBus } from "../../runtime/bus/kafka-bus.js";
import { topicName } from "../../runtime/context.js";
import { createLogger } from "../../runtime/logger.js";
import { AvroCodec, createRegistryClient } from "../../runtime/serde.js";
import { contracts } from "../../schemas/contracts.js";
import { TOPICS } from "../../schemas/topics.js";
import type { TaggedMention } from "../../schemas/types.generated.js";
import { freePort, type SimakProcess, serviceConfig, spawnSimak, waitFor } from "./services.js";

/** A running `simak` process and the port of its HTTP endpoint. */
export interface Stage extends SimakProcess {
  port: number;
}

/** The processes and producers a test file starts; `stop` in its afterAll. */
export class RestartHarness {
  private readonly running: SimakProcess[] = [];
  private readonly buses: KafkaBus[] = [];

  /** Starts `simak <args>` with `env` on a free port; its output goes to test-artifacts/logs/<label>.log. */
  async start(label: string, args: string[], env: Record<string, string>): Promise<Stage> {
    const port = await freePort();
    const process = spawnSimak(label, args, { ...env, SIMAK_HTTP_PORT: String(port) });
    this.running.push(process);
    return { ...process, port };
  }

  /** Waits until every one of `stages` serves /healthz. */
  async healthy(...stages: Stage[]): Promise<void> {
    await waitFor(
      `${stages.length} stage(s) to serve /healthz`,
      async () => {
        const ok = await Promise.all(
          stages.map(({ port }) =>
            fetch(`http://127.0.0.1:${port}/healthz`).then(
              (response) => response.ok,
              () => false,
            ),
          ),
        );
        return ok.every(Boolean) || undefined;
      },
      60_000,
    );
  }

  /**
   * A producer onto the tagged-mentions topic of `prefix` (declared if no stage has yet), with the
   * contract registered: the restart tests feed a stage's input themselves.
   */
  async taggedProducer(prefix: string, clientId: string): Promise<TaggedProducer> {
    const config = serviceConfig(prefix);
    const codec = new AvroCodec(createRegistryClient(config));
    const topic = topicName(config, "mentionsTagged");
    const schemaId = await codec.register(topic, contracts.TaggedMention);
    const bus = new KafkaBus({
      brokers: config.kafka?.brokers ?? [],
      clientId,
      logger: createLogger("warn"),
      unhealthyAfterFailures: config.consumer.unhealthyAfterFailures,
    });
    this.buses.push(bus);
    await bus.ensureTopics([
      { name: topic, partitions: TOPICS.mentionsTagged.partitions, retentionMs: TOPICS.mentionsTagged.retentionMs },
    ]);
    const producer = await bus.producer();
    return {
      send: (values) =>
        producer.send(
          topic,
          values.map((value) => ({
            key: value.mention.id,
            value: codec.encode(schemaId, contracts.TaggedMention, value),
          })),
        ),
    };
  }

  /** SIGKILLs the processes still running, closes the producers. */
  async stop(): Promise<void> {
    for (const process of this.running) process.child.kill("SIGKILL");
    for (const bus of this.buses) await bus.close();
  }
}

export interface TaggedProducer {
  /** Produces `values` onto the tagged topic, keyed by mention id, once acknowledged. */
  send(values: TaggedMention[]): Promise<void>;
}
