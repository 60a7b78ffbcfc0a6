// The Review view's logic that is not drawing: the filter bar's state and the
// ReportFilter it stands for, how rates and small samples are shown, file
// names for exports, chart scales, and the arithmetic of the virtualized call
// log. Days are UTC days, as on the command line and in the day and week
// groupings, so the view and `callblock report` give the same figures.
import type { DurationBand, Outcome, Rate, ReportFilter, ReviewOptions } from "./bindings";

export type PeriodPreset = "7d" | "30d" | "90d" | "this_month" | "last_month" | "this_year" | "all" | "custom";

export const PERIODS: readonly { id: PeriodPreset; label: string }[] = [
  { id: "7d", label: "Last 7 days" },
  { id: "30d", label: "Last 30 days" },
  { id: "90d", label: "Last 90 days" },
  { id: "this_month", label: "This month" },
  { id: "last_month", label: "Last month" },
  { id: "this_year", label: "This year" },
  { id: "all", label: "All time" },
  { id: "custom", label: "Custom dates…" },
];

export interface FilterState {
  period: PeriodPreset;
  /** YYYY-MM-DD, for a custom period (both days included). */
  from: string;
  to: string;
  /** Calls of any of these reps (none: every rep). */
  repIds: string[];
  /** Calls on any of these themes (none: every theme). */
  themeIds: string[];
  /** Calls with any of these outcomes (none: every outcome). */
  outcomes: Outcome[];
  /** A duration band's key (`under-1`, `1-2`, `2-3`, `over-3`). */
  band: string;
  objectionId: string;
  text: string;
  /** Only calls flagged for coaching. */
  flagged: boolean;
  /** Calls made with any of these talk-track versions (none: any). */
  trackVersionIds: string[];
}

export function emptyFilter(): FilterState {
  return { period: "30d", from: "", to: "", repIds: [], themeIds: [], outcomes: [], band: "", objectionId: "", text: "", flagged: false, trackVersionIds: [] };
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD of an instant's UTC day. */
export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function midnight(day: string): string {
  return `${day}T00:00:00.000Z`;
}

function addDays(day: string, n: number): string {
  return utcDay(new Date(Date.parse(midnight(day)) + n * DAY_MS));
}

export function isDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(midnight(s))) && utcDay(new Date(midnight(s))) === s;
}

/** The period `[from, to)` of a preset, as RFC 3339 instants (null: open). */
export function periodRange(f: Pick<FilterState, "period" | "from" | "to">, now: Date = new Date()): { from: string | null; to: string | null } {
  const today = utcDay(now);
  const [y, m] = today.split("-").map(Number);
  const pad = (n: number) => String(n).padStart(2, "0");
  switch (f.period) {
    case "7d":
      return { from: midnight(addDays(today, -6)), to: null };
    case "30d":
      return { from: midnight(addDays(today, -29)), to: null };
    case "90d":
      return { from: midnight(addDays(today, -89)), to: null };
    case "this_month":
      return { from: midnight(`${y}-${pad(m)}-01`), to: null };
    case "last_month": {
      const py = m === 1 ? y - 1 : y;
      const pm = m === 1 ? 12 : m - 1;
      return { from: midnight(`${py}-${pad(pm)}-01`), to: midnight(`${y}-${pad(m)}-01`) };
    }
    case "this_year":
      return { from: midnight(`${y}-01-01`), to: null };
    case "all":
      return { from: null, to: null };
    case "custom":
      return {
        from: isDate(f.from) ? midnight(f.from) : null,
        to: isDate(f.to) ? midnight(addDays(f.to, 1)) : null,
      };
  }
}

/** Why a custom period cannot be used, or null. */
export function periodProblem(f: Pick<FilterState, "period" | "from" | "to">): string | null {
  if (f.period !== "custom") return null;
  if (f.from && !isDate(f.from)) return "The first day is not a date (YYYY-MM-DD).";
  if (f.to && !isDate(f.to)) return "The last day is not a date (YYYY-MM-DD).";
  if (f.from && f.to && f.from > f.to) return "The first day comes after the last day: the period would be empty.";
  return null;
}

export function toReportFilter(f: FilterState, bands: readonly { key: string; band: DurationBand }[], now: Date = new Date()): ReportFilter {
  const { from, to } = periodRange(f, now);
  const text = f.text.trim();
  return {
    from,
    to,
    rep_ids: [...f.repIds],
    theme_ids: [...f.themeIds],
    outcomes: [...f.outcomes],
    duration: bands.find((b) => b.key === f.band)?.band ?? null,
    objection_id: f.objectionId || null,
    text: text ? text : null,
    flagged: f.flagged === true,
    talk_track_version_ids: [...(f.trackVersionIds ?? [])],
  };
}

/** How many of the filters beyond the period are set (three reps are one filter). */
export function activeFilters(f: FilterState): number {
  return [f.repIds.length, f.themeIds.length, f.outcomes.length, f.band, f.objectionId, f.text.trim(), f.flagged, (f.trackVersionIds ?? []).length].filter(Boolean).length;
}

/** "Dana Lee", "Dana Lee or Sam Okafor", "Dana Lee, Sam Okafor or Alex Rivera". */
function anyOf(labels: string[]): string {
  return labels.length < 2 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

/** The filters beyond the period in words, one per filter ("Rep: Dana Lee or Sam Okafor"). */
export function describeFilters(
  f: FilterState,
  o: Pick<ReviewOptions, "reps" | "themes" | "outcomes" | "duration_bands" | "objections"> & Partial<Pick<ReviewOptions, "talk_track_versions">>,
): string[] {
  const named = (ids: readonly string[], list: readonly { id: string; name: string }[]) =>
    ids.map((id) => list.find((x) => x.id === id)?.name ?? "one no longer listed");
  const out: string[] = [];
  if (f.repIds.length) out.push(`Rep: ${anyOf(named(f.repIds, o.reps))}`);
  if (f.themeIds.length) out.push(`Theme: ${anyOf(named(f.themeIds, o.themes))}`);
  if (f.outcomes.length) out.push(`Outcome: ${anyOf(f.outcomes.map((v) => o.outcomes.find((x) => x.value === v)?.label ?? v))}`);
  const band = o.duration_bands.find((b) => b.key === f.band);
  if (f.band) out.push(`Length: ${band?.label ?? f.band}`);
  if (f.objectionId) out.push(`Objection: ${o.objections.find((x) => x.id === f.objectionId)?.label ?? "one no longer listed"}`);
  const text = f.text.trim();
  if (text) out.push(`Notes: ${text}`);
  if (f.trackVersionIds?.length) out.push(`Talk track: ${anyOf(named(f.trackVersionIds, o.talk_track_versions ?? []))}`);
  if (f.flagged) out.push("Flagged for coaching");
  return out;
}

/** "Nov 16 – Nov 22, 2026" for a period (days included), in UTC days. */
export function describePeriod(range: { from: string | null; to: string | null }, firstCall: string | null, lastCall: string | null): string {
  const fmt = (iso: string) =>
    new Date(iso).toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });
  const from = range.from ?? firstCall;
  const lastIncluded = range.to ? new Date(Date.parse(range.to) - 1).toISOString() : lastCall;
  if (!from && !lastIncluded) return "all time";
  if (!from) return `up to ${fmt(lastIncluded!)}`;
  if (!lastIncluded) return `from ${fmt(from)}`;
  return `${fmt(from)} – ${fmt(lastIncluded)}`;
}

// -- Rates and samples ---------------------------------------------------------

/** "12.3 %" (one decimal), "–" without a denominator. */
export function pct(rate: Pick<Rate, "value">): string {
  return rate.value === null ? "–" : `${(rate.value * 100).toFixed(1)} %`;
}

/** A rate over fewer calls than `threshold` is a small sample. */
export function isSmall(rate: Pick<Rate, "denominator">, threshold: number): boolean {
  return rate.denominator < threshold;
}

/** What a rate is made of, for a tooltip and screen readers: "7 of 10 dials". */
export function rateTitle(rate: Rate, of: string, threshold: number): string {
  const base = `${rate.numerator.toLocaleString("en-US")} of ${rate.denominator.toLocaleString("en-US")} ${of}`;
  return isSmall(rate, threshold) ? `${base}: fewer than ${threshold}, a small sample that says little` : base;
}

// -- Files ---------------------------------------------------------------------

/** `~/Documents/callblock-funnel_by_rep-2026-11-22.csv` under `dir`. */
export function defaultPath(dir: string, name: string, ext: string, now: Date = new Date()): string {
  const sep = dir.endsWith("/") ? "" : "/";
  return `${dir}${sep}callblock-${name.replace(/[^A-Za-z0-9_-]+/g, "-")}-${utcDay(now)}.${ext}`;
}

/** Replace a path's extension (or add one). */
export function withExtension(path: string, ext: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return (dot > slash + 1 ? path.slice(0, dot) : path) + "." + ext;
}

/** The paths typed one per line (blank lines dropped). */
export function pathLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

// -- Charts --------------------------------------------------------------------

/** Round tick values from 0 to at least `max` (about `count` of them). */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((s) => s * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** A tick label: "1,200", "12.5 %" for shares. */
export function tickLabel(v: number, share: boolean): string {
  if (share) return `${Number((v * 100).toFixed(1))} %`;
  return v.toLocaleString("en-US");
}

/** Seconds as m:ss: whole seconds elapsed, as the call timer and the
 *  "Logged" banner show them (never rounded up). */
export { clock as mmss } from "./format";

// -- The virtualized call log ---------------------------------------------------

/** Browsers stop growing an element somewhere past 16 million pixels. */
export const MAX_SCROLL_PX = 8_000_000;

export interface Viewport {
  rows: number;
  rowHeight: number;
  viewHeight: number;
}

/** The height of the scrolled area (capped; scroll positions are scaled beyond). */
export function scrollHeight(v: Viewport): number {
  return Math.min(v.rows * v.rowHeight, MAX_SCROLL_PX);
}

/** The content offset (pixels into the full list) at a scroll position. */
export function contentOffset(v: Viewport, scrollTop: number): number {
  const full = v.rows * v.rowHeight;
  const shown = scrollHeight(v);
  if (full <= shown || shown <= v.viewHeight) return scrollTop;
  return (scrollTop * (full - v.viewHeight)) / (shown - v.viewHeight);
}

/** The scroll position that shows the content offset `offset` at the top. */
export function scrollFor(v: Viewport, offset: number): number {
  const full = v.rows * v.rowHeight;
  const shown = scrollHeight(v);
  if (full <= shown || shown <= v.viewHeight) return offset;
  return (offset * (shown - v.viewHeight)) / (full - v.viewHeight);
}

/** The rows to draw at a scroll position, and where the first one goes. */
export function visibleRows(v: Viewport, scrollTop: number, overscan = 4): { first: number; last: number; top: number } {
  const offset = contentOffset(v, scrollTop);
  const firstExact = Math.floor(offset / v.rowHeight);
  const first = Math.max(0, firstExact - overscan);
  const last = Math.min(v.rows - 1, Math.ceil((offset + v.viewHeight) / v.rowHeight) + overscan);
  // The first visible row's top, in the scrolled area's coordinates.
  const top = scrollTop - (offset - first * v.rowHeight);
  return { first, last, top };
}

/** The scroll position after moving the selection to `row`, keeping it in view. */
export function scrollToShow(v: Viewport, scrollTop: number, row: number): number {
  const offset = contentOffset(v, scrollTop);
  const rowTop = row * v.rowHeight;
  if (rowTop < offset) return scrollFor(v, rowTop);
  if (rowTop + v.rowHeight > offset + v.viewHeight) return scrollFor(v, rowTop + v.rowHeight - v.viewHeight);
  return scrollTop;
}

export const PAGE_SIZE = 100;

/** The pages (of PAGE_SIZE rows) that hold rows first..last. */
export function pagesFor(first: number, last: number): number[] {
  const out: number[] = [];
  for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(Math.max(first, last) / PAGE_SIZE); p++) out.push(p);
  return out;
}

// -- Colours (attributes on the SVG, so that a saved chart keeps them) --------

export const COLORS = {
  dial: "#8aa4c8",
  connect: "#1f6feb",
  conversation: "#5b8def",
  meeting: "#1a7f37",
  small: "#c7cdd6",
  grid: "#e6e9ef",
  axis: "#9aa3b2",
  ink: "#1d2430",
  muted: "#5d6778",
  caution: "#d4a72c",
  limit: "#cf222e",
  planned: "#dbe6f7",
} as const;

export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif";
