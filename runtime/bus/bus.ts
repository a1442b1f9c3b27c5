/**
 * The bus between stages: Kafka in production, an in-process log for the embedded default. Both
 * keep records of one key on one partition and commit a consumer's offsets only after its batch
 * handler resolves, i.e. after the stage's downstream write was acknowledged.
 */

export interface OutgoingRecord {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface IncomingRecord {
  key: Buffer | null;
  value: Buffer | null;
  offset: string;
  timestamp: string;
  headers: Record<string, string | undefined>;
}

export interface RecordBatch {
  topic: string;
  partition: number;
  records: IncomingRecord[];
  /** Offset of the next record the partition will receive; for lag. */
  highWatermark: string;
}

export interface ProducerHandle {
  /** Resolves once every record is acknowledged by the bus. */
  send(topic: string, records: OutgoingRecord[]): Promise<void>;
  /** Resolves once every record of every topic is acknowledged. */
  sendMany(batches: { topic: string; records: OutgoingRecord[] }[]): Promise<void>;
  close(): Promise<void>;
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Handles one partition's batch; offsets are committed only after it resolves. */
  onBatch: (batch: RecordBatch) => Promise<void>;
  /** How many partitions are handled at once; defaults to all assigned. */
  concurrency?: number;
  /**
   * Where to start reading, by `topic/partition`, instead of the group's committed offsets, the
   * first time this consumer is assigned the partition (a stage whose state is a snapshot taken at
   * these offsets replays from there). An offset the log no longer holds starts at its earliest.
   */
  startOffsets?: ReadonlyMap<string, string>;
  /**
   * The least data a Kafka fetch waits for at the broker (up to the bus's fetch wait); default the
   * bus's. 1 for a consumer whose batches already wait for something else.
   */
  fetchMinBytes?: number;
}

export interface ConsumerHandle {
  /** Stops fetching, waits for in-flight batches to finish and commit, then leaves the group. */
  stop(): Promise<void>;
  healthy(): boolean;
}

export interface TopicDeclaration {
  name: string;
  partitions: number;
  retentionMs: number;
}

/** Where a consumer group stands on one partition of a topic. */
export interface PartitionProgress {
  partition: number;
  /** The next offset the group will read (what it committed); -1 when it committed nothing. */
  committed: number;
  /** The offset the partition's next record will get. */
  end: number;
}

export interface Bus {
  readonly kind: "kafka" | "memory";
  ensureTopics(topics: TopicDeclaration[]): Promise<void>;
  /** The group's committed offset and the log's end on every partition of `topic`, by partition. */
  progress(groupId: string, topic: string): Promise<PartitionProgress[]>;
  producer(): Promise<ProducerHandle>;
  consume(options: ConsumeOptions): Promise<ConsumerHandle>;
  close(): Promise<void>;
}
