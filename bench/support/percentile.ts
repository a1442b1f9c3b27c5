/** Nearest-rank percentile `p` (0-100] of an ascending sample, as every benchmark reports it. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
