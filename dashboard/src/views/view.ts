/** A page of the dashboard: built once, refreshed when new data lands or the range changes. */
export interface View {
  readonly root: HTMLElement;
  refresh(): Promise<void>;
  destroy(): void;
}

/** The selected time range, as the data API takes it. */
export type RangeParams = Record<string, string>;
