// The Plan view's vocabulary: the rates down the funnel, their sources in
// words, reading the numbers the rep types, and placing slots on the week grid.
import type { Activity, NewSlot, PlanForm, PlanRate, PlanRates, RateOverrides, RateSource, SlotKind, StageCounts } from "./bindings";

export type RateKey = keyof PlanRates;

export interface RateDef {
  key: RateKey;
  label: string;
  /** A share typed as a percentage, or a count (dials per block). */
  share: boolean;
  /** What the history counts: "dials" for dials that connect. */
  denominator: string;
}

/** The rates in funnel order, from the dial down. */
export const RATES: readonly RateDef[] = [
  { key: "dial_to_connect", label: "Dials that connect", share: true, denominator: "dials" },
  { key: "connect_to_conversation", label: "Connects that become conversations", share: true, denominator: "connects" },
  { key: "conversation_to_meeting", label: "Conversations that book a meeting", share: true, denominator: "conversations" },
  { key: "meeting_to_opportunity", label: "Meetings that become opportunities", share: true, denominator: "meetings" },
  { key: "dials_per_block", label: "Dials per block", share: false, denominator: "completed blocks" },
];

export type StageKey = keyof StageCounts;

/** The stages of the plan, from the win back to the dial. */
export const STAGES: readonly { key: StageKey; label: string }[] = [
  { key: "wins", label: "Wins" },
  { key: "opportunities", label: "Opportunities" },
  { key: "meetings", label: "Meetings" },
  { key: "conversations", label: "Conversations" },
  { key: "connects", label: "Connects" },
  { key: "dials", label: "Dials" },
];

/** The selling hours' activities in words, in the core's order. */
export const ACTIVITY_LABELS: Record<Activity, string> = {
  prospecting: "Prospecting blocks",
  prep: "Preparation",
  meetings: "Meetings held",
  other: "Everything else",
};

/** Hours as shown: one decimal a week (27.6), whole a year (1,214). */
export function hoursText(v: number, perYear = false): string {
  return perYear ? counts.format(Math.round(v)) : v.toFixed(1);
}

const counts = new Intl.NumberFormat("en-US");

/** The badge of a rate: where it came from, and how many calls stand behind history. */
export function sourceBadge(rate: PlanRate, def: RateDef): { text: string; cls: RateSource } {
  switch (rate.source) {
    case "history":
      return { text: `Your history · ${counts.format(rate.history_denominator)} ${def.denominator}`, cls: "history" };
    case "benchmark":
      return { text: "Benchmark", cls: "benchmark" };
    case "assumption":
      return { text: "Assumption", cls: "assumption" };
    case "user":
      return { text: "Yours", cls: "user" };
  }
}

/**
 * A rate's basis beside its badge, without the word the badge already says
 * ("Assumption" then "assumption: 50 % of …" reads twice), its first letter
 * capitalised.
 */
export function basisText(rate: PlanRate): string {
  const lead = `${rate.source}: `;
  const t = rate.basis.toLowerCase().startsWith(lead) ? rate.basis.slice(lead.length) : rate.basis;
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** 0.1158 -> "11.6 %", 0.5 -> "50 %"; a count (dials per block) to one decimal. */
export function rateText(value: number, share: boolean): string {
  if (!share) return value.toFixed(1);
  const p = value * 100;
  return Math.abs(p - Math.round(p)) < 0.05 ? `${Math.round(p)} %` : `${p.toFixed(1)} %`;
}

/** A share of the selling hours: 0.282 -> "28 %". */
export function shareText(v: number): string {
  return `${Math.round(v * 100)} %`;
}

/**
 * An amount as typed: digits with optional separators (`,` `_` space), a
 * currency sign in front, `k` or `m` after. `null` when it is not a number.
 */
export function parseAmount(text: string): number | null {
  let t = text.trim().replace(/[,_\s]/g, "");
  if (t === "") return null;
  let sign = 1;
  if (t.startsWith("-")) {
    sign = -1;
    t = t.slice(1);
  }
  t = t.replace(/^[$€£]/, "");
  let factor = 1;
  if (/[kK]$/.test(t)) factor = 1e3;
  else if (/[mM]$/.test(t)) factor = 1e6;
  if (factor !== 1) t = t.slice(0, -1);
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(t)) return null;
  const v = Number(t) * factor * sign;
  return Number.isFinite(v) ? v : null;
}

/** An amount as the field shows it: 120000 -> "120,000". */
export function amountText(v: number): string {
  return counts.format(v);
}

/** The fields of the plan form, as typed. */
export interface PlanFields {
  period: "month" | "quarter";
  quota: string;
  dealSize: string;
  closeRatio: string;
  /** Revenue won this period and the open pipeline's value, as typed ("" for none). */
  wonToDate: string;
  openPipeline: string;
  /** Per rate, the rep's own value as typed: a percentage for shares; "" for none. */
  overrides: Record<RateKey, string>;
}

export function emptyOverrides(): Record<RateKey, string> {
  return { dial_to_connect: "", connect_to_conversation: "", conversation_to_meeting: "", meeting_to_opportunity: "", dials_per_block: "" };
}

/** The fields for a saved form (or the defaults). */
export function fieldsOf(form: PlanForm | null, defaultCloseRatio: number): PlanFields {
  const overrides = emptyOverrides();
  if (form?.overrides) {
    for (const def of RATES) {
      const v = form.overrides[def.key];
      if (v !== null && v !== undefined) overrides[def.key] = def.share ? trimNumber(v * 100) : trimNumber(v);
    }
  }
  return {
    period: form?.period ?? "month",
    quota: form ? amountText(form.quota) : "",
    dealSize: form ? amountText(form.deal_size) : "",
    closeRatio: trimNumber(form?.close_ratio ?? defaultCloseRatio),
    wonToDate: form?.won_to_date ? amountText(form.won_to_date) : "",
    openPipeline: form?.open_pipeline ? amountText(form.open_pipeline) : "",
    overrides,
  };
}

function trimNumber(v: number): string {
  return String(Number(v.toFixed(6)));
}

export type FieldErrors = Partial<Record<"quota" | "dealSize" | "closeRatio" | "wonToDate" | "openPipeline" | RateKey, string>>;

/** An amount that may be left empty (0): null when it is not an amount. */
function optionalAmount(text: string): number | null {
  return text.trim() === "" ? 0 : parseAmount(text);
}

/**
 * The form to send, or what is wrong with the fields. Only what the UI can
 * tell alone (a number that is not one, a missing amount); the core says
 * whether the numbers make sense together.
 */
export function formOf(f: PlanFields): { form: PlanForm | null; errors: FieldErrors; missing: boolean } {
  const errors: FieldErrors = {};
  const quota = parseAmount(f.quota);
  const deal = parseAmount(f.dealSize);
  if (f.quota.trim() !== "" && quota === null) errors.quota = "Enter an amount, such as 120,000 or 120k.";
  if (f.dealSize.trim() !== "" && deal === null) errors.dealSize = "Enter an amount, such as 15,000 or 15k.";
  const close = f.closeRatio.trim() === "" ? null : Number(f.closeRatio.trim());
  if (close === null || !Number.isFinite(close)) errors.closeRatio = "Enter opportunities per win, such as 4.";
  const won = optionalAmount(f.wonToDate);
  const open = optionalAmount(f.openPipeline);
  if (won === null) errors.wonToDate = "Enter an amount, such as 30,000 or 30k, or leave it empty.";
  if (open === null) errors.openPipeline = "Enter an amount, such as 60,000 or 60k, or leave it empty.";
  const overrides: RateOverrides = {
    meeting_to_opportunity: null,
    conversation_to_meeting: null,
    connect_to_conversation: null,
    dial_to_connect: null,
    dials_per_block: null,
  };
  for (const def of RATES) {
    const text = f.overrides[def.key].trim().replace(/%$/, "").trim();
    if (text === "") continue;
    const v = Number(text);
    if (!Number.isFinite(v)) {
      errors[def.key] = def.share ? "Enter a percentage, such as 8 for 8 %." : "Enter a number of dials.";
      continue;
    }
    overrides[def.key] = def.share ? v / 100 : v;
  }
  const missing = quota === null || deal === null;
  if (missing || Object.keys(errors).length > 0 || close === null) return { form: null, errors, missing };
  return {
    form: { period: f.period, quota: quota!, deal_size: deal!, close_ratio: close, won_to_date: won!, open_pipeline: open!, overrides },
    errors,
    missing,
  };
}

/** Whether two forms ask for the same plan. */
export function sameForm(a: PlanForm | null | undefined, b: PlanForm | null | undefined): boolean {
  if (!a || !b) return false;
  if (a.period !== b.period || a.quota !== b.quota || a.deal_size !== b.deal_size || a.close_ratio !== b.close_ratio) return false;
  if (a.won_to_date !== b.won_to_date || a.open_pipeline !== b.open_pipeline) return false;
  return RATES.every((d) => (a.overrides?.[d.key] ?? null) === (b.overrides?.[d.key] ?? null));
}

// -- The week ------------------------------------------------------------------

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export const WEEKDAYS_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export const KIND_LABELS: Record<SlotKind, string> = { block: "Call block", prep: "Preparation" };

/** Minutes after midnight as HH:MM. */
export function hhmm(minute: number): string {
  const m = Math.max(0, Math.round(minute));
  return `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

/** "09:30" -> 570; null when it is not a time of day. */
export function parseHhmm(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** Rows of the grid per hour (15-minute rows). */
export const ROWS_PER_HOUR = 4;

/**
 * The hours the grid shows: 07:00 to 19:00, widened to hold prime time and
 * every slot.
 */
export function gridHours(
  slots: readonly Pick<NewSlot, "start_minute" | "minutes">[],
  primeStart: number,
  primeEnd: number,
): { from: number; to: number } {
  let from = 7;
  let to = 19;
  for (const [s, e] of [[primeStart, primeEnd], ...slots.map((x) => [x.start_minute, x.start_minute + x.minutes])]) {
    from = Math.min(from, Math.floor(s / 60));
    to = Math.max(to, Math.ceil(e / 60));
  }
  return { from: Math.max(0, from), to: Math.min(24, to) };
}

/**
 * Where a span of minutes sits on the grid: CSS grid lines (row 1 is the
 * header of day names; column 1 the hours).
 */
export function placement(weekday: number, start: number, minutes: number, fromHour: number): { row: string; column: string } {
  const step = 60 / ROWS_PER_HOUR;
  const first = Math.floor((start - fromHour * 60) / step);
  const last = Math.ceil((start + minutes - fromHour * 60) / step);
  return {
    row: `${first + 2} / ${Math.max(last, first + 1) + 2}`,
    column: `${weekday + 2}`,
  };
}

/** Place an element on the week grid (CSSOM: allowed by the content security policy). */
export function place(node: HTMLElement, at: { row: string; column: string }) {
  const apply = (p: { row: string; column: string }) => {
    node.style.gridRow = p.row;
    node.style.gridColumn = p.column;
  };
  apply(at);
  return { update: apply };
}

/** A slot in words, for its accessible name and lists: "Tuesday 09:00–09:52". */
export function slotWhen(s: Pick<NewSlot, "weekday" | "start_minute" | "minutes">): string {
  return `${WEEKDAYS[s.weekday] ?? "?"} ${hhmm(s.start_minute)}–${hhmm(s.start_minute + s.minutes)}`;
}

/** The zone new slots are placed in: the rep's, else this computer's. */
export function slotZone(repZone: string | null): string {
  if (repZone) return repZone;
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}
