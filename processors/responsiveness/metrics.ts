/** Precision and recall of "asks for an answer", and the report `simak responsiveness eval` prints. */

export interface BinaryMetrics {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

/** gold[i] / predicted[i]: does example i ask for an answer? */
export function binaryMetrics(gold: readonly boolean[], predicted: readonly boolean[]): BinaryMetrics {
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  let trueNegative = 0;
  gold.forEach((asks, i) => {
    if (asks && predicted[i]) truePositive++;
    else if (asks) falseNegative++;
    else if (predicted[i]) falsePositive++;
    else trueNegative++;
  });
  const precision = truePositive + falsePositive ? truePositive / (truePositive + falsePositive) : 0;
  const recall = truePositive + falseNegative ? truePositive / (truePositive + falseNegative) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  const accuracy = gold.length ? (truePositive + trueNegative) / gold.length : 0;
  return { truePositive, falsePositive, falseNegative, trueNegative, precision, recall, f1, accuracy };
}

/** The printed report; its last two lines are exactly `precision 0.xxxx` and `recall 0.xxxx`. */
export function formatBinaryReport(metrics: BinaryMetrics): string {
  const { truePositive: tp, falsePositive: fp, falseNegative: fn, trueNegative: tn } = metrics;
  return [
    `examples ${tp + fp + fn + tn} (asks ${tp + fn}, none ${fp + tn})`,
    `true positives ${tp}, false positives ${fp}, false negatives ${fn}, true negatives ${tn}`,
    `accuracy ${metrics.accuracy.toFixed(4)}`,
    `f1 ${metrics.f1.toFixed(4)}`,
    `precision ${metrics.precision.toFixed(4)}`,
    `recall ${metrics.recall.toFixed(4)}`,
  ].join("\n");
}
