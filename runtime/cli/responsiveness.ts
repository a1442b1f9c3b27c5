/**
 * `simak responsiveness`: does a text ask an agency for an answer, and how well the classifier does
 * on a labelled TSV file.
 *
 *   simak responsiveness tag "<text>"          {"asks":true,"kind":"question","probability":0.93}
 *   simak responsiveness eval <file.tsv>       text<TAB>label, label asks | none | question | request;
 *                                              last two lines exactly `precision 0.xxxx`, `recall 0.xxxx`
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { loadResponsivenessClassifier, readLabelled } from "../../processors/responsiveness/classifier.js";
import { binaryMetrics, formatBinaryReport } from "../../processors/responsiveness/metrics.js";

/** Evaluates the classifier on a labelled TSV's content; returns the printed report. */
export function evaluateResponsivenessTsv(content: string, source: string): string {
  const examples = readLabelled(content, source);
  const classifier = loadResponsivenessClassifier();
  const gold = examples.map(({ label }) => label !== "none");
  const predicted = examples.map(({ text }) => classifier.assess(text).asks);
  return `${formatBinaryReport(binaryMetrics(gold, predicted))}\n`;
}

export function responsivenessCommand(): Command {
  const command = new Command("responsiveness").description(
    "does a post ask an agency for an answer (a question, complaint or request)",
  );
  command
    .command("tag")
    .description("print whether a text asks for an answer, as JSON")
    .argument("<text...>", "the text (several arguments are joined with spaces)")
    .action((words: string[]) => {
      process.stdout.write(`${JSON.stringify(loadResponsivenessClassifier().assess(words.join(" ")))}\n`);
    });
  command
    .command("eval")
    .description("precision and recall on a TSV file of text<TAB>label lines (label: asks|none|question|request)")
    .argument("<file>", "UTF-8 TSV, one example a line, no header")
    .action((file: string) => {
      process.stdout.write(evaluateResponsivenessTsv(readFileSync(file, "utf8"), file));
    });
  return command;
}
