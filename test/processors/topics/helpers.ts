import { type CompileOptions, compileQueries } from "../../../processors/topics/index.js";
import type { Mention } from "../../../schemas/types.generated.js";
import { sampleMention } from "../../fixtures/mentions.js";

/** A mention with the given text and no hashtags or handles unless given. */
export function mention(text: string, changes: Partial<Mention> = {}): Mention {
  return { ...sampleMention, text, hashtags: [], mentionedHandles: [], ...changes };
}

/** Whether a single query matches a mention (or a text). */
export function matches(query: string, target: string | Mention, options: CompileOptions = {}): boolean {
  const set = compileQueries([{ id: "q", agency: "test", query }], options);
  return set.match(typeof target === "string" ? mention(target) : target).length === 1;
}

/** The message of the error a query fails to compile with (position within the query). */
export function errorOf(query: string): string {
  try {
    compileQueries([{ id: "q", agency: null, query }]);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`query compiled: ${query}`);
}
