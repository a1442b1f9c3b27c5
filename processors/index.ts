/**
 * The process stage's taggers, in order: sentiment (text), topics (monitoring queries per agency),
 * accounts (official / audience response / impersonation suspect). The query and account files
 * are watched and reloaded at run time; a bad edit keeps the previous version and is logged.
 */
import type { Logger } from "../runtime/logger.js";
import { accountsTagger, openAccountFile } from "./accounts/index.js";
import { sentimentTagger } from "./sentiment/index.js";
import type { Tagger } from "./tagger.js";
import { QueryRegistry, topicsTagger } from "./topics/index.js";

export interface TaggerFiles {
  queriesFile: string;
  accountsFile: string;
}

export interface OpenTaggers {
  taggers: Tagger[];
  close(): void;
}

export async function openTaggers(files: TaggerFiles, logger: Logger): Promise<OpenTaggers> {
  const onError = (file: string) => (error: Error) =>
    logger.error({ file, err: error }, "config file edit refused; the previous version stays in force");
  const onReload = (file: string) => (event: { generation: number }) =>
    logger.info({ file, generation: event.generation }, "config file reloaded");
  const queries = await QueryRegistry.load(files.queriesFile, {
    onError: onError(files.queriesFile),
    onReload: onReload(files.queriesFile),
  });
  const accounts = await openAccountFile(files.accountsFile, {
    onError: onError(files.accountsFile),
    onReload: onReload(files.accountsFile),
  });
  queries.watch();
  accounts.watch();
  return {
    taggers: [
      sentimentTagger(),
      topicsTagger(queries),
      accountsTagger(accounts, {
        onClassified: (item, classification) => {
          item.tags.account = {
            role: classification.role,
            agency: classification.agency,
            score: classification.score ?? null,
            reasons: classification.reasons,
          };
        },
      }),
    ],
    close: () => {
      queries.close();
      accounts.close();
    },
  };
}
