/** A page of the dashboard: built once, refreshed when new data lands or the range changes. */
export interface View {
  readonly root: HTMLElement;
  /** Fetches and shows the data again; may resolve to when the data were computed (epoch ms). */
  refresh(): Promise<unknown>;
  destroy(): void;
}

/** The selected time range, as the data API takes it. */
export type RangeParams = Record<string, string>;
