/**
 * Migrated ClickHouse for tests: the engine embedded by chdb in a data folder of the test's own (or
 * a ClickHouse server, given its url), with the schema the stages expect, migrated silently.
 */
import { rmSync } from "node:fs";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import type { SimakConfig } from "../../runtime/config.js";
import { createStorage, type Storage } from "../../runtime/storage/clickhouse.js";
import { type Migration, migrate } from "../../runtime/storage/migrations.js";
import { tempDir } from "./services.js";

export interface TestStorageOptions extends Partial<SimakConfig["clickhouse"]> {
  /**
   * The migrations applied: all of them unless given. A test of a migration applies those before it;
   * `[]` creates only the database and its ledger, leaving the test to run (and check) the migrations.
   */
  migrations?: Migration[];
}

const logger = pino({ level: "silent" });

/** Database `simak` (the name the stages and the docs use) unless `options` names another. */
function openStorage(options: TestStorageOptions & { dataDir: string }): Storage {
  return createStorage({
    url: options.url,
    username: options.username ?? "default",
    password: options.password ?? "",
    database: options.database ?? "simak",
    dataDir: options.dataDir,
  });
}

/**
 * Storage in `options.dataDir` (or on the server at `options.url`), migrated; the caller closes it
 * and owns the folder.
 */
export async function migratedStorage(options: TestStorageOptions & { dataDir: string }): Promise<Storage> {
  const storage = openStorage(options);
  await migrate(storage, logger, undefined, options.migrations);
  return storage;
}

/**
 * Embedded storage for the tests of the calling file, opened now so the tests can name it, migrated
 * in a beforeAll registered before theirs (vitest runs them in order), closed after their afterAll
 * hooks (run in reverse order), its temporary data folder removed then.
 */
export function useMigratedStorage(options: Pick<TestStorageOptions, "database" | "migrations"> = {}): Storage {
  const dataDir = tempDir("chdb");
  const storage = openStorage({ ...options, dataDir });
  beforeAll(() => migrate(storage, logger, undefined, options.migrations));
  afterAll(async () => {
    await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return storage;
}

/**
 * Migrated embedded databases, opened on demand by name, in one temporary data folder of the
 * calling file: all closed, and the folder removed, after its tests.
 */
export function useEmbeddedDatabases(): (database: string) => Promise<Storage> {
  const dataDir = tempDir("chdb");
  const storages: Storage[] = [];
  afterAll(async () => {
    for (const storage of storages) await storage.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return async (database) => {
    const storage = await migratedStorage({ database, dataDir });
    storages.push(storage);
    return storage;
  };
}
