/**
 * The report's charts as SVG text, drawn here (no chart library on the server): a daily series as
 * bars (volume) with a line over them (net sentiment), and shares split per category as stacked
 * horizontal bars. Sizes are in CSS pixels of an A4 page's text width.
 */

export const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const round = (n: number) => Math.round(n * 10) / 10;

export interface DailyPoint {
  /** Axis label (a day). */
  label: string;
  /** Bar height (mentions). */
  bar: number;
  /** Line value in [-100, 100] (net sentiment index); null leaves a gap. */
  line: number | null;
}

/**
 * Mentions per day as bars against the left axis, the net sentiment index (-100..100) as a line
 * against the right one, a dashed zero line; days without a labelled mention break the line.
 */
export function dailyChart(points: readonly DailyPoint[], captions: { bar: string; line: string }): string {
  const width = 680;
  const height = 220;
  const pad = { left: 44, right: 40, top: 16, bottom: 34 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const maxBar = Math.max(1, ...points.map((p) => p.bar));
  const step = plotW / Math.max(1, points.length);
  const x = (i: number) => pad.left + step * i + step / 2;
  const yBar = (v: number) => pad.top + plotH - (v / maxBar) * plotH;
  const yLine = (v: number) => pad.top + plotH / 2 - (v / 100) * (plotH / 2);
  const parts: string[] = [];
  parts.push(`<rect x="${pad.left}" y="${pad.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ddd"/>`);
  parts.push(
    `<line x1="${pad.left}" x2="${pad.left + plotW}" y1="${yLine(0)}" y2="${yLine(0)}" stroke="#999" stroke-dasharray="4 3"/>`,
  );
  const barW = Math.max(1, step * 0.7);
  points.forEach((p, i) => {
    if (p.bar > 0) {
      parts.push(
        `<rect x="${round(x(i) - barW / 2)}" y="${round(yBar(p.bar))}" width="${round(barW)}" height="${round(pad.top + plotH - yBar(p.bar))}" fill="#b8cde6"/>`,
      );
    }
  });
  // The line, broken where a day has no index.
  let path = "";
  let drawing = false;
  points.forEach((p, i) => {
    if (p.line === null) {
      drawing = false;
      return;
    }
    path += `${drawing ? "L" : "M"}${round(x(i))} ${round(yLine(p.line))} `;
    drawing = true;
  });
  if (path) parts.push(`<path d="${path.trim()}" fill="none" stroke="#c0392b" stroke-width="2"/>`);
  points.forEach((p, i) => {
    if (p.line !== null)
      parts.push(`<circle cx="${round(x(i))}" cy="${round(yLine(p.line))}" r="2.5" fill="#c0392b"/>`);
  });
  // Axes: mentions on the left, index on the right, about eight day labels.
  const text = (tx: number, ty: number, value: string, anchor = "middle") =>
    `<text x="${round(tx)}" y="${round(ty)}" font-size="10" text-anchor="${anchor}" fill="#444">${escapeXml(value)}</text>`;
  parts.push(text(pad.left - 4, pad.top + 4, String(maxBar), "end"), text(pad.left - 4, pad.top + plotH, "0", "end"));
  for (const v of [100, 0, -100]) parts.push(text(pad.left + plotW + 4, yLine(v) + 3, String(v), "start"));
  const every = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    if (i % every === 0) parts.push(text(x(i), height - pad.bottom + 14, p.label));
  });
  parts.push(
    `<rect x="${pad.left}" y="${height - 12}" width="10" height="8" fill="#b8cde6"/>`,
    text(pad.left + 14, height - 4, captions.bar, "start"),
    `<line x1="${pad.left + 200}" x2="${pad.left + 214}" y1="${height - 8}" y2="${height - 8}" stroke="#c0392b" stroke-width="2"/>`,
    text(pad.left + 218, height - 4, captions.line, "start"),
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${parts.join("")}</svg>`;
}

export interface StackedRow {
  label: string;
  /** Values in the order of `colors`. */
  values: readonly number[];
}

/** One horizontal bar per row, split into its values' shares (each row sums to its own 100%). */
export function stackedBars(rows: readonly StackedRow[], colors: readonly string[], legend: readonly string[]): string {
  const width = 680;
  const rowH = 22;
  const labelW = 90;
  const barW = width - labelW - 10;
  const height = rows.length * rowH + 26;
  const parts: string[] = [];
  rows.forEach((row, r) => {
    const total = row.values.reduce((a, b) => a + b, 0);
    const y = r * rowH + 4;
    parts.push(
      `<text x="${labelW - 6}" y="${y + 13}" font-size="11" text-anchor="end" fill="#333">${escapeXml(row.label)}</text>`,
    );
    let at = labelW;
    row.values.forEach((value, i) => {
      if (total === 0 || value === 0) return;
      const w = (value / total) * barW;
      parts.push(`<rect x="${round(at)}" y="${y}" width="${round(w)}" height="${rowH - 6}" fill="${colors[i]}"/>`);
      at += w;
    });
  });
  const legendY = rows.length * rowH + 12;
  legend.forEach((name, i) => {
    const lx = labelW + i * 110;
    parts.push(
      `<rect x="${lx}" y="${legendY}" width="10" height="10" fill="${colors[i]}"/>`,
      `<text x="${lx + 14}" y="${legendY + 9}" font-size="10" fill="#444">${escapeXml(name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${parts.join("")}</svg>`;
}
