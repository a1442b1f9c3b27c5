/**
 * Multinomial logistic regression on sparse rows, trained by L-BFGS (full batch, deterministic):
 *   minimise 0.5 * |W|^2 + C * sum_i weight(y_i) * -log softmax(W x_i + b)[y_i]
 * (the bias b is not regularised). Used only by training; tagging needs just the weights.
 */

export const CLASSES = 3;

/** Rows in compressed sparse row form over compact feature ids. */
export interface SparseRows {
  rowStart: Int32Array;
  column: Int32Array;
  value: Float32Array;
  labels: Uint8Array;
  dimension: number;
}

export interface TrainOptions {
  c: number;
  classWeights: readonly number[];
  maxIterations: number;
  tolerance: number;
  history: number;
}

export interface LinearModel {
  /** dimension x CLASSES, row-major. */
  weights: Float64Array;
  bias: Float64Array;
  iterations: number;
  loss: number;
}

function objective(
  data: SparseRows,
  rows: Int32Array,
  options: TrainOptions,
  x: Float64Array,
  gradient: Float64Array,
): number {
  const dim = data.dimension;
  const biasOffset = dim * CLASSES;
  gradient.fill(0);
  let loss = 0;
  for (let j = 0; j < biasOffset; j++) {
    const w = x[j] as number;
    loss += 0.5 * w * w;
    gradient[j] = w;
  }
  const { rowStart, column, value, labels } = data;
  const b0 = x[biasOffset] as number;
  const b1 = x[biasOffset + 1] as number;
  const b2 = x[biasOffset + 2] as number;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as number;
    const start = rowStart[row] as number;
    const end = rowStart[row + 1] as number;
    let z0 = b0;
    let z1 = b1;
    let z2 = b2;
    for (let k = start; k < end; k++) {
      const base = (column[k] as number) * CLASSES;
      const v = value[k] as number;
      z0 += (x[base] as number) * v;
      z1 += (x[base + 1] as number) * v;
      z2 += (x[base + 2] as number) * v;
    }
    const max = Math.max(z0, z1, z2);
    const e0 = Math.exp(z0 - max);
    const e1 = Math.exp(z1 - max);
    const e2 = Math.exp(z2 - max);
    const sum = e0 + e1 + e2;
    const label = labels[row] as number;
    const scale = options.c * (options.classWeights[label] as number);
    loss -= scale * Math.log((label === 0 ? e0 : label === 1 ? e1 : e2) / sum);
    const g0 = scale * (e0 / sum - (label === 0 ? 1 : 0));
    const g1 = scale * (e1 / sum - (label === 1 ? 1 : 0));
    const g2 = scale * (e2 / sum - (label === 2 ? 1 : 0));
    gradient[biasOffset] = (gradient[biasOffset] as number) + g0;
    gradient[biasOffset + 1] = (gradient[biasOffset + 1] as number) + g1;
    gradient[biasOffset + 2] = (gradient[biasOffset + 2] as number) + g2;
    for (let k = start; k < end; k++) {
      const base = (column[k] as number) * CLASSES;
      const v = value[k] as number;
      gradient[base] = (gradient[base] as number) + g0 * v;
      gradient[base + 1] = (gradient[base + 1] as number) + g1 * v;
      gradient[base + 2] = (gradient[base + 2] as number) + g2 * v;
    }
  }
  return loss;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Trains on the given rows of `data`. */
export function trainSoftmax(data: SparseRows, rows: Int32Array, options: TrainOptions): LinearModel {
  const size = data.dimension * CLASSES + CLASSES;
  const x = new Float64Array(size);
  const g = new Float64Array(size);
  const xNext = new Float64Array(size);
  const gNext = new Float64Array(size);
  const direction = new Float64Array(size);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(options.history);
  let f = objective(data, rows, options, x, g);
  let iteration = 0;
  for (; iteration < options.maxIterations; iteration++) {
    // Two-loop recursion: direction = -H g.
    direction.set(g);
    for (let k = s.length - 1; k >= 0; k--) {
      const a = (rho[k] as number) * dot(s[k] as Float64Array, direction);
      alpha[k] = a;
      const yk = y[k] as Float64Array;
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) - a * (yk[i] as number);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma =
        dot(s[last] as Float64Array, y[last] as Float64Array) / dot(y[last] as Float64Array, y[last] as Float64Array);
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) * gamma;
    } else {
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) / Math.max(norm, 1);
    }
    for (let k = 0; k < s.length; k++) {
      const b = (rho[k] as number) * dot(y[k] as Float64Array, direction);
      const sk = s[k] as Float64Array;
      const a = alpha[k] as number;
      for (let i = 0; i < size; i++) direction[i] = (direction[i] as number) + (a - b) * (sk[i] as number);
    }
    for (let i = 0; i < size; i++) direction[i] = -(direction[i] as number);
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      const norm = Math.sqrt(dot(g, g));
      for (let i = 0; i < size; i++) direction[i] = -(g[i] as number) / Math.max(norm, 1);
      slope = dot(g, direction);
    }
    // Backtracking line search (Armijo).
    let step = 1;
    let fNext = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < size; i++) xNext[i] = (x[i] as number) + step * (direction[i] as number);
      fNext = objective(data, rows, options, xNext, gNext);
      if (fNext <= f + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(fNext < f)) break;
    const sNew = new Float64Array(size);
    const yNew = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      sNew[i] = (xNext[i] as number) - (x[i] as number);
      yNew[i] = (gNext[i] as number) - (g[i] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12) {
      if (s.length === options.history) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const decrease = (f - fNext) / Math.max(Math.abs(f), 1);
    x.set(xNext);
    g.set(gNext);
    f = fNext;
    if (decrease < options.tolerance) break;
  }
  const weights = x.slice(0, data.dimension * CLASSES);
  const bias = x.slice(data.dimension * CLASSES);
  return { weights, bias, iterations: iteration, loss: f };
}

/** Class scores (logits) of one row. */
export function logits(model: LinearModel, data: SparseRows, row: number, out: Float64Array): void {
  const start = data.rowStart[row] as number;
  const end = data.rowStart[row + 1] as number;
  for (let c = 0; c < CLASSES; c++) out[c] = model.bias[c] as number;
  for (let k = start; k < end; k++) {
    const base = (data.column[k] as number) * CLASSES;
    const v = data.value[k] as number;
    for (let c = 0; c < CLASSES; c++) out[c] = (out[c] as number) + (model.weights[base + c] as number) * v;
  }
}
