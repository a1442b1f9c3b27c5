/** Classification metrics for the three sentiment labels, and their plain-text report. */
import type { SentimentLabel } from "../../schemas/types.generated.js";

/** Label order used by the model, the confusion matrix and every report. */
export const LABELS: readonly SentimentLabel[] = ["negative", "neutral", "positive"];

export function labelIndex(label: string): number {
  return LABELS.indexOf(label as SentimentLabel);
}

export interface ClassMetrics {
  label: SentimentLabel;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Metrics {
  /** confusion[gold][predicted] */
  confusion: number[][];
  perClass: ClassMetrics[];
  accuracy: number;
  macroF1: number;
  total: number;
}

export function confusionMatrix(gold: ArrayLike<number>, predicted: ArrayLike<number>): number[][] {
  const matrix = LABELS.map(() => LABELS.map(() => 0));
  for (let i = 0; i < gold.length; i++) {
    const row = matrix[gold[i] as number];
    if (row) row[predicted[i] as number] = (row[predicted[i] as number] ?? 0) + 1;
  }
  return matrix;
}

export function metricsFromConfusion(confusion: number[][]): Metrics {
  let total = 0;
  let correct = 0;
  const perClass = LABELS.map((label, k) => {
    let truePositive = 0;
    let goldCount = 0;
    let predictedCount = 0;
    for (let g = 0; g < LABELS.length; g++) {
      for (let p = 0; p < LABELS.length; p++) {
        const count = confusion[g]?.[p] ?? 0;
        if (g === k) goldCount += count;
        if (p === k) predictedCount += count;
        if (g === k && p === k) truePositive += count;
      }
    }
    const precision = predictedCount ? truePositive / predictedCount : 0;
    const recall = goldCount ? truePositive / goldCount : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    total += goldCount;
    correct += truePositive;
    return { label, precision, recall, f1, support: goldCount, predicted: predictedCount };
  });
  // As scikit-learn's f1_score(average="macro"): over the labels that occur in gold or predictions.
  const occurring = perClass.filter((m) => m.support > 0 || m.predicted > 0);
  const macroF1 = occurring.length ? occurring.reduce((sum, m) => sum + m.f1, 0) / occurring.length : 0;
  return {
    confusion,
    perClass: perClass.map(({ predicted: _, ...m }) => m),
    accuracy: total ? correct / total : 0,
    macroF1,
    total,
  };
}

export function computeMetrics(gold: ArrayLike<number>, predicted: ArrayLike<number>): Metrics {
  return metricsFromConfusion(confusionMatrix(gold, predicted));
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

/** The report printed by `simak sentiment eval`; its last line is exactly `macro-F1 0.xxxx`. */
export function formatReport(metrics: Metrics): string {
  const lines: string[] = [];
  lines.push(`${"label".padEnd(10)}${pad("precision", 11)}${pad("recall", 9)}${pad("f1", 9)}${pad("support", 9)}`);
  for (const m of metrics.perClass) {
    lines.push(
      `${m.label.padEnd(10)}${pad(m.precision.toFixed(4), 11)}${pad(m.recall.toFixed(4), 9)}${pad(m.f1.toFixed(4), 9)}${pad(String(m.support), 9)}`,
    );
  }
  lines.push(`accuracy ${metrics.accuracy.toFixed(4)} (${metrics.total} examples)`);
  lines.push("confusion matrix (rows: gold, columns: predicted)");
  lines.push(`${"".padEnd(10)}${LABELS.map((label) => pad(label, 10)).join("")}`);
  LABELS.forEach((label, g) => {
    lines.push(`${label.padEnd(10)}${LABELS.map((_, p) => pad(String(metrics.confusion[g]?.[p] ?? 0), 10)).join("")}`);
  });
  lines.push(`macro-F1 ${metrics.macroF1.toFixed(4)}`);
  return lines.join("\n");
}
