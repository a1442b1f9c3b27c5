/**
 * The names of the ingestors `--source` chooses from, apart from their factories (registry.ts) so
 * that the command line can offer them without loading every ingestor's code.
 */
export const INGESTOR_NAMES = ["synthetic", "replay"] as const;
export type IngestorName = (typeof INGESTOR_NAMES)[number];
