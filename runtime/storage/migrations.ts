/**
 * Versioned, forward-only migrations of the ClickHouse schema, applied in order at start. Every
 * statement is idempotent (IF NOT EXISTS), so instances starting together may race safely; the
 * applied versions are recorded in schema_migrations.
 */
import type { Logger } from "../logger.js";
import type { Storage } from "./clickhouse.js";

export interface Migration {
  version: number;
  name: string;
  statements: (table: (name: string) => string) => string[];
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "tagged mentions and engagement snapshots",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("tagged_mentions")} (
        platform LowCardinality(String),
        id String,
        kind LowCardinality(String),
        url Nullable(String),
        author_id String,
        author_handle String,
        author_name Nullable(String),
        author_followers UInt64,
        author_verified Bool,
        text String,
        lang LowCardinality(Nullable(String)),
        event_time DateTime64(3, 'UTC'),
        ingest_time DateTime64(3, 'UTC'),
        processed_time DateTime64(3, 'UTC'),
        parent_id Nullable(String),
        root_id Nullable(String),
        hashtags Array(String),
        mentioned_handles Array(String),
        links Array(String),
        likes UInt64,
        shares UInt64,
        replies UInt64,
        views UInt64,
        clicks UInt64,
        source LowCardinality(String),
        sentiment_label LowCardinality(Nullable(String)),
        sentiment_score Nullable(Float32),
        sentiment_confidence Nullable(Float32),
        topic_query_ids Array(String),
        topic_agencies Array(String),
        virality_score Nullable(Float32),
        viral Nullable(Bool),
        influence_score Nullable(Float32),
        influence_tier LowCardinality(Nullable(String)),
        segment LowCardinality(Nullable(String)),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree(processed_time)
      PARTITION BY toYYYYMMDD(event_time)
      ORDER BY (platform, id)
      TTL toDateTime(event_time) + INTERVAL 90 DAY`,
      `CREATE TABLE IF NOT EXISTS ${t("engagement_events")} (
        platform LowCardinality(String),
        post_id String,
        event_time DateTime64(3, 'UTC'),
        likes UInt64,
        shares UInt64,
        replies UInt64,
        views UInt64,
        clicks UInt64,
        source LowCardinality(String),
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(event_time)
      ORDER BY (platform, post_id, event_time)
      TTL toDateTime(event_time) + INTERVAL 90 DAY`,
    ],
  },
  {
    version: 2,
    name: "account role of the author (official, audience response, impersonation suspect)",
    statements: (t) => [
      `ALTER TABLE ${t("tagged_mentions")}
        ADD COLUMN IF NOT EXISTS account_role LowCardinality(Nullable(String)) AFTER segment,
        ADD COLUMN IF NOT EXISTS account_agency LowCardinality(Nullable(String)) AFTER account_role,
        ADD COLUMN IF NOT EXISTS account_score Nullable(Float32) AFTER account_agency`,
    ],
  },
  {
    version: 3,
    name: "post virality assessments",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("post_virality")} (
        platform LowCardinality(String),
        post_id String,
        assessed_at DateTime64(3, 'UTC'),
        score Float32,
        velocity Float32,
        acceleration Float32,
        expected_velocity Float32,
        cascade_size UInt32,
        cascade_depth UInt16,
        cascade_velocity Float32,
        cascade_reach UInt64,
        viral Bool,
        reason String,
        kafka_topic LowCardinality(String),
        kafka_partition UInt16,
        kafka_offset UInt64
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(assessed_at)
      ORDER BY (platform, post_id, assessed_at)
      TTL toDateTime(assessed_at) + INTERVAL 90 DAY`,
    ],
  },
  {
    version: 4,
    name: "author PageRank runs (the top of each run)",
    statements: (t) => [
      `CREATE TABLE IF NOT EXISTS ${t("author_ranks")} (
        computed_for DateTime64(3, 'UTC'),
        author_key String,
        platform LowCardinality(String),
        position UInt32,
        normalised_rank Float32
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toYYYYMMDD(computed_for)
      ORDER BY (computed_for, author_key)
      TTL toDateTime(computed_for) + INTERVAL 90 DAY`,
    ],
  },
];

export async function migrate(storage: Storage, logger: Logger, migrations = MIGRATIONS): Promise<number[]> {
  const { client } = storage;
  const ledger = storage.table("schema_migrations");
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${storage.database}\`` });
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS ${ledger} (version UInt32, name String, applied_at DateTime64(3, 'UTC'))
            ENGINE = ReplacingMergeTree ORDER BY version`,
  });
  const result = await client.query({ query: `SELECT DISTINCT version FROM ${ledger}`, format: "JSONEachRow" });
  const applied = new Set((await result.json<{ version: number }>()).map((row) => Number(row.version)));
  const newlyApplied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements(storage.table)) await client.command({ query: statement });
    await client.insert({
      table: ledger,
      values: [{ version: migration.version, name: migration.name, applied_at: Date.now() }],
      format: "JSONEachRow",
    });
    logger.info({ version: migration.version, name: migration.name }, "applied ClickHouse migration");
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}
