/**
 * Chart.js charts, updated in place when new data lands. Sentiment colours are from the
 * Okabe-Ito palette (blue / grey / vermillion stay apart for every common colour-vision
 * deficiency), and every series is also named in the legend and tooltips, never by colour alone.
 * Each chart's canvas carries data-points (the number of values shown) for tests and monitoring.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartDataset,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";
import { SENTIMENTS, type Sentiment } from "../shared/types.js";
import { formatNumber } from "./format.js";
import { type LabelKey, t } from "./i18n.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export const SENTIMENT_COLOURS: Record<Sentiment, string> = {
  positive: "#0072B2",
  neutral: "#8C8C8C",
  negative: "#D55E00",
  unknown: "#D9D9D9",
};

export const SENTIMENT_LABELS: Record<Sentiment, LabelKey> = {
  positive: "positive",
  neutral: "neutral",
  negative: "negative",
  unknown: "noSentiment",
};

export interface BarSeries {
  label: string;
  values: number[];
  colour: string;
}

/** A bar chart (stacked when it has several series); `horizontal` for ranked categories. */
export class BarChart {
  private chart: Chart<"bar", number[], string> | undefined;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly options: { stacked: boolean; horizontal: boolean },
  ) {}

  update(labels: string[], series: BarSeries[]): void {
    const datasets: ChartDataset<"bar", number[]>[] = series.map((s) => ({
      label: s.label,
      data: s.values,
      backgroundColor: s.colour,
      borderWidth: 0,
    }));
    this.canvas.dataset.points = String(series.reduce((sum, s) => sum + s.values.length, 0));
    if (this.chart) {
      this.chart.data.labels = labels;
      this.chart.data.datasets = datasets;
      this.chart.update("none");
      return;
    }
    const { stacked, horizontal } = this.options;
    this.chart = new Chart<"bar", number[], string>(this.canvas, {
      type: "bar",
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        indexAxis: horizontal ? "y" : "x",
        plugins: {
          legend: { display: series.length > 1, labels: { color: "inherit" } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatNumber(Number(item.raw))}` } },
        },
        scales: {
          x: { stacked, ticks: { maxTicksLimit: horizontal ? 6 : 12, maxRotation: 0, autoSkip: true } },
          y: { stacked, ticks: { maxTicksLimit: horizontal ? 12 : 6 } },
        },
      },
    });
  }

  destroy(): void {
    this.chart?.destroy();
  }
}

/** One series per sentiment label, for a stacked chart. */
export function sentimentSeries(rows: Record<Sentiment, number>[]): BarSeries[] {
  return SENTIMENTS.map((sentiment) => ({
    label: t(SENTIMENT_LABELS[sentiment]),
    values: rows.map((row) => row[sentiment]),
    colour: SENTIMENT_COLOURS[sentiment],
  }));
}
