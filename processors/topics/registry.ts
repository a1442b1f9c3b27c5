/**
 * The query file, loaded and compiled, reloaded at run time without a restart (see WatchedFile):
 * `current()` is the compiled set in force; a bad edit (YAML, structure or query error, unreadable
 * file) keeps the previous set and is reported through `onError` with file:line:column.
 */
import { readFile } from "node:fs/promises";
import { type ReloadEvent, WatchedFile, type WatchOptions } from "../../runtime/watched-file.js";
import type { CompileOptions, QuerySet } from "./compile.js";
import { compileQueryFile } from "./load.js";

export type QueryRegistryOptions = CompileOptions & WatchOptions<QuerySet>;
export type QueryReloadEvent = ReloadEvent<QuerySet>;

/** Anything the topics tagger can read the queries in force from. */
export interface QuerySource {
  current(): QuerySet;
}

export class QueryRegistry extends WatchedFile<QuerySet> implements QuerySource {
  /** Loads and compiles the file; throws QueryConfigError (every problem, file:line:column) or the read error. */
  static async load(file: string, options: QueryRegistryOptions = {}): Promise<QueryRegistry> {
    const text = await readFile(file, "utf8");
    const registry = new QueryRegistry(file, (source, name) => compileQueryFile(source, name, options), options, text);
    await registry.rememberStat();
    return registry;
  }
}
