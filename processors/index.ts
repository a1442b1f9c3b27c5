/**
 * The process stage's taggers, in order: sentiment (text), topics (monitoring queries per agency),
 * accounts (official / audience response / impersonation suspect), virality (of the post's root,
 * as the enrich stage last stored it), authors (influence and audience segment, likewise), places
 * (province and regency named in the text, hashtags or profile location). The query and account files
 * are watched and reloaded at run time; a bad edit keeps the previous version and is logged.
 */
import type { Logger } from "../runtime/logger.js";
import type { StateStore } from "../runtime/state/state.js";
import { accountsTagger, openAccountFile } from "./accounts/index.js";
import { authorsTagger } from "./authors/index.js";
import { loadGazetteer, placesTagger } from "./places/index.js";
import { sentimentTagger } from "./sentiment/index.js";
import type { Tagger } from "./tagger.js";
import { QueryRegistry, topicsTagger } from "./topics/index.js";
import { viralityTagger } from "./virality/index.js";

export interface TaggerOptions {
  queriesFile: string;
  accountsFile: string;
  state: StateStore;
  /** The deployment's topic prefix, which also prefixes its keys in the state store. */
  prefix: string;
  logger: Logger;
}

export interface OpenTaggers {
  taggers: Tagger[];
  close(): void;
}

export async function openTaggers(options: TaggerOptions): Promise<OpenTaggers> {
  const { logger, ...files } = options;
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
  const gazetteer = await loadGazetteer();
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
      viralityTagger(options.state, options.prefix),
      authorsTagger(options.state, options.prefix),
      placesTagger(gazetteer),
    ],
    close: () => {
      queries.close();
      accounts.close();
    },
  };
}
