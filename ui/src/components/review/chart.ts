// Shapes shared by the chart components.
export interface Cell {
  /** The length of the bar (a count, or a share 0..1); null: nothing to draw. */
  value: number | null;
  /** What is written beside the bar. */
  text: string;
  /** A rate over a small sample: drawn grey. */
  small?: boolean;
  /** A tooltip: what the figure is made of. */
  title?: string;
}

export interface Column {
  title: string;
  /** Values are shares 0..1 (the axis shows percentages). */
  share: boolean;
  color: string;
  /** The axis maximum (default: the largest value). */
  max?: number;
}

export interface Row {
  key: string;
  label: string;
  cells: Cell[];
}

/** One panel of a chart of weeks (WeekChart). */
export interface WeekPanel {
  /** The panel's title, which is its vertical axis's label ("Dials per week"). */
  title: string;
  kind: "count" | "rate";
  color: string;
  values: (number | null)[];
  /** A rate over a small sample (drawn hollow and grey). */
  small?: boolean[];
  /** A point's tooltip. */
  titles?: string[];
  /** The plan's figure for each week (null: no plan that week). */
  target?: (number | null)[] | null;
  /** The axis maximum (small multiples share one). */
  max?: number;
}

/** Roughly how wide a text is drawn at `size` px (for layout, no DOM needed). */
export function textWidth(text: string, size = 12): number {
  return text.length * size * 0.6;
}

/** Cut a label to fit `px` at `size`. */
export function fit(text: string, px: number, size = 12): string {
  const max = Math.max(3, Math.floor(px / (size * 0.6)));
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}
