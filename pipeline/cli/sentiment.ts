/**
 * `simak sentiment`: tag a text, or evaluate the tagger on a labelled TSV file.
 *
 *   simak sentiment tag "<text>" [--explain]   the tag as JSON (with --explain: tokens, probabilities, evidence)
 *   simak sentiment eval <file.tsv>            per-class precision/recall/F1, accuracy, confusion matrix;
 *                                              last line exactly `macro-F1 0.xxxx`
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadSentimentModel } from "../../processors/sentiment/index.js";
import { computeMetrics, formatReport, labelIndex } from "../../processors/sentiment/metrics.js";
import { parseLabelledTsv } from "../../processors/sentiment/tsv.js";

/** Evaluates the committed model on a labelled TSV's content; returns the printed report. */
export function evaluateTsv(content: string): string {
  const { examples, malformed } = parseLabelledTsv(content);
  const lines: string[] = [];
  for (const { line, reason } of malformed) lines.push(`skipped line ${line}: ${reason}`);
  lines.push(`skipped lines: ${malformed.length}`);
  const tagger = loadSentimentModel();
  const gold: number[] = [];
  const predicted: number[] = [];
  for (const example of examples) {
    gold.push(labelIndex(example.label));
    predicted.push(labelIndex(tagger.tag(example.text).label));
  }
  lines.push(`model ${tagger.modelVersion}`);
  lines.push(formatReport(computeMetrics(gold, predicted)));
  return `${lines.join("\n")}\n`;
}

export function sentimentCommand(): Command {
  const command = new Command("sentiment").description(
    "sentiment of informal Indonesian and English text (positive / neutral / negative)",
  );

  command
    .command("tag")
    .description("print the sentiment tag of a text as JSON")
    .argument("<text...>", "the text (several arguments are joined with spaces)")
    .option("--explain", "also print the tokens, class probabilities and polarity evidence")
    .action((words: string[], options: { explain?: boolean }) => {
      const text = words.join(" ");
      const tagger = loadSentimentModel();
      if (options.explain) {
        const analysis = tagger.analyse(text);
        process.stdout.write(`${JSON.stringify(analysis, null, 2)}\n`);
      } else {
        process.stdout.write(`${JSON.stringify(tagger.tag(text))}\n`);
      }
    });

  command
    .command("eval")
    .description("evaluate on a TSV file of text<TAB>label lines (label: positive|neutral|negative)")
    .argument("<file>", "UTF-8 TSV, one example a line, no header")
    .action((file: string) => {
      process.stdout.write(evaluateTsv(readFileSync(file, "utf8")));
    });

  return command;
}
