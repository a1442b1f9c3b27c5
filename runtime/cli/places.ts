/**
 * `simak places`: the place a text names, or the place tagger evaluated on a labelled TSV file.
 *
 *   simak places tag "<text>" [--profile <location>]   the place tag as JSON (null: none)
 *   simak places eval <file.tsv> [--errors]            province and regency precision / recall
 */
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { evaluatePlaces, formatPlaceEvaluation, parsePlaceTsv } from "../../processors/places/evaluate.js";
import { loadGazetteer, tagPlace } from "../../processors/places/index.js";

export function placesCommand(): Command {
  const command = new Command("places").description("Indonesian provinces and regencies named in text");

  command
    .command("tag")
    .description("print the place tag of a text as JSON")
    .argument("<text...>", "the text (several arguments are joined with spaces)")
    .option("--profile <location>", "the author's profile location")
    .action(async (words: string[], options: { profile?: string }) => {
      const author = {
        id: "cli",
        handle: "cli",
        name: null,
        followers: 0,
        verified: false,
        location: options.profile ?? null,
      };
      const place = tagPlace(await loadGazetteer(), { text: words.join(" "), hashtags: [], author });
      process.stdout.write(`${JSON.stringify(place)}\n`);
    });

  command
    .command("eval")
    .description("evaluate on a TSV file: header text<TAB>province<TAB>regency[<TAB>profile], codes empty for no place")
    .argument("<file>", "UTF-8 TSV")
    .option("--errors", "also print every example the tagger got wrong")
    .action(async (file: string, options: { errors?: boolean }) => {
      const evaluation = evaluatePlaces(await loadGazetteer(), parsePlaceTsv(readFileSync(file, "utf8")));
      process.stdout.write(formatPlaceEvaluation(evaluation, options));
    });

  return command;
}
