// The Reps tab's logic that is not drawing: the leaderboard's order (by
// meetings or by conversation rate, small samples after the others), the
// weeks of a trend (weeks without a call included), and the plan's weekly
// targets for those weeks. Weeks start on Monday, UTC days, as in the core's
// funnel by week.
import type { FunnelGroup, PlanOverview, PlanResult, Rate, StageCounts } from "./bindings";
import { isSmall } from "./review";

export type RankBy = "meetings" | "conversation_rate";

export const RANKINGS: readonly { id: RankBy; label: string }[] = [
  { id: "meetings", label: "Meetings" },
  { id: "conversation_rate", label: "Conversation rate" },
];

export interface RankedRep {
  group: FunnelGroup;
  /** 1, 2, 2, 4…: reps equal on the ranking's figure share a rank; null: nothing to rank (no connect). */
  rank: number | null;
  /** Another rep has the same rank. */
  tied: boolean;
  /** Ranked by a rate over fewer calls than the threshold: listed after the others. */
  small: boolean;
}

const byName = (a: FunnelGroup, b: FunnelGroup) =>
  a.label.localeCompare(b.label, "en", { sensitivity: "base" }) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** b's rate minus a's, exactly (cross-multiplied; no rate sorts after any rate). */
function rateDesc(a: Rate, b: Rate): number {
  if (a.denominator === 0 || b.denominator === 0) return (a.denominator === 0 ? 1 : 0) - (b.denominator === 0 ? 1 : 0);
  return b.numerator * a.denominator - a.numerator * b.denominator;
}

/** Competition ranks (1, 2, 2, 4) over a sorted list, `same` telling equal neighbours, from `start`. */
function ranks(groups: FunnelGroup[], same: (a: FunnelGroup, b: FunnelGroup) => boolean, small: boolean, start = 0): RankedRep[] {
  const out: RankedRep[] = [];
  groups.forEach((g, i) => {
    const rank = i > 0 && same(groups[i - 1], g) ? out[i - 1].rank : start + i + 1;
    out.push({ group: g, rank, tied: false, small });
  });
  for (let i = 1; i < out.length; i++) {
    if (out[i].rank === out[i - 1].rank) out[i].tied = out[i - 1].tied = true;
  }
  return out;
}

/**
 * The reps in the leaderboard's order.
 *
 * - By meetings: most meetings first; equal meetings share a rank and are
 *   listed by meetings per dial (the same meetings from fewer dials first),
 *   then by name. A count is not a sample: nobody is set apart.
 * - By conversation rate (conversations per connect): the reps with at
 *   least `threshold` connects first, highest rate first; then the reps with
 *   fewer connects (a small sample that says little), ranked after them by
 *   their rate; equal rates share a rank, the larger base listed first. Reps
 *   without a connect have no rate and no rank, and come last.
 */
export function rankReps(groups: readonly FunnelGroup[], by: RankBy, threshold: number): RankedRep[] {
  if (by === "meetings") {
    const sorted = [...groups].sort(
      (a, b) => b.funnel.meetings - a.funnel.meetings || rateDesc(a.rates.dial_to_meeting, b.rates.dial_to_meeting) || byName(a, b),
    );
    return ranks(sorted, (a, b) => a.funnel.meetings === b.funnel.meetings, false);
  }
  const rate = (g: FunnelGroup) => g.rates.conversation_rate;
  const order = (a: FunnelGroup, b: FunnelGroup) =>
    rateDesc(rate(a), rate(b)) || rate(b).denominator - rate(a).denominator || byName(a, b);
  const same = (a: FunnelGroup, b: FunnelGroup) => rateDesc(rate(a), rate(b)) === 0;
  const reliable = groups.filter((g) => rate(g).denominator > 0 && !isSmall(rate(g), threshold)).sort(order);
  const small = groups.filter((g) => rate(g).denominator > 0 && isSmall(rate(g), threshold)).sort(order);
  const none = groups.filter((g) => rate(g).denominator === 0).sort(byName);
  return [
    ...ranks(reliable, same, false),
    ...ranks(small, same, true, reliable.length),
    ...none.map((group): RankedRep => ({ group, rank: null, tied: false, small: true })),
  ];
}

/** The rule of a ranking, in words (the table's caption and the footnote). */
export function rankingRule(by: RankBy, threshold: number): string {
  return by === "meetings"
    ? "Most meetings first. Reps with as many meetings share a rank; among them, the one with more meetings per dial is listed first."
    : `Highest conversation rate (conversations per connect) first. Reps with fewer than ${threshold} connects are ranked after the others, greyed: their rate is a small sample that says little. Reps without a connect have no rate and are not ranked.`;
}

/** The rank as shown: "1", "=2" for a tie, "–" for none. */
export function rankText(r: Pick<RankedRep, "rank" | "tied">): string {
  if (r.rank === null) return "–";
  return r.tied ? `=${r.rank}` : String(r.rank);
}

// -- Weeks ---------------------------------------------------------------------

const DAY_MS = 86_400_000;

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

function dayOf(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday (UTC) of the week a day (YYYY-MM-DD) falls in. */
export function mondayOf(day: string): string {
  const n = dayNumber(day);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counted from Monday.
  return dayOf(n - ((n + 3) % 7));
}

/**
 * Every week from the first to the last of `keys` (Mondays), those without a
 * call included: a week off shows as a week of nothing, not as no week.
 * At most `max` weeks, the latest kept.
 */
export function weekAxis(keys: readonly string[], max = 104): string[] {
  const valid = keys.filter((k) => /^\d{4}-\d{2}-\d{2}$/.test(k) && !Number.isNaN(Date.parse(`${k}T00:00:00Z`))).map(mondayOf).sort();
  if (valid.length === 0) return [];
  const first = dayNumber(valid[0]);
  const last = dayNumber(valid[valid.length - 1]);
  const out: string[] = [];
  for (let n = Math.max(first, last - 7 * (max - 1)); n <= last; n += 7) out.push(dayOf(n));
  return out;
}

/** A rep's weeks on the axis: the week's figures, or null for a week without a call. */
export function weekSeries(axis: readonly string[], groups: readonly FunnelGroup[]): (FunnelGroup | null)[] {
  const byKey = new Map(groups.map((g) => [g.key, g]));
  return axis.map((k) => byKey.get(k) ?? null);
}

/** "Nov 16" (with the year when asked), a Monday's week. */
export function weekLabel(monday: string, withYear = false): string {
  return new Date(`${monday}T00:00:00Z`).toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    ...(withYear ? { year: "numeric" } : {}),
    timeZone: "UTC",
  });
}

/** The week is not over at `now`: its figures are so far. */
export function weekInProgress(monday: string, now: Date = new Date()): boolean {
  const start = Date.parse(`${monday}T00:00:00Z`);
  return now.getTime() >= start && now.getTime() < start + 7 * DAY_MS;
}

// -- The plan's targets ----------------------------------------------------------

export type TargetStage = "dials" | "conversations" | "meetings";

export interface RepPlan {
  repId: string;
  repName: string;
  plan: Pick<PlanResult, "period" | "starts_on" | "ends_on" | "per_week">;
  /** The conversation rate (conversations per connect) the plan counts on. */
  conversationRate: number;
}

/** The saved plan of this copy's rep (the one whose period contains today), or null. */
export function repPlan(overview: PlanOverview | null): RepPlan | null {
  const plan = overview?.progress?.plan;
  const repId = overview?.saved?.rep_id ?? overview?.rep?.id;
  if (!overview || !plan || !repId) return null;
  return {
    repId,
    repName: overview.rep?.name ?? "",
    plan,
    conversationRate: plan.rates.connect_to_conversation.value,
  };
}

const WEEKDAYS = [0, 1, 2, 3, 4];

/** The rep's calling days (Monday to Friday unless the plan says otherwise)
 * of the week starting `monday` that fall in the plan's period. */
export function planDays(monday: string, plan: Pick<PlanResult, "starts_on" | "ends_on"> & { calling_days?: number[] }): number {
  const days = plan.calling_days?.length ? plan.calling_days : WEEKDAYS;
  const start = dayNumber(monday);
  const from = dayNumber(plan.starts_on);
  const to = dayNumber(plan.ends_on);
  return days.filter((d) => start + d >= from && start + d <= to).length;
}

/**
 * The plan's target for each week of the axis: its weekly figure for a week
 * wholly inside the plan's period, a share of it (calling days in the period
 * / calling days a week, rounded up as the plan rounds) for a week the
 * period starts or ends in, null outside.
 */
export function weeklyTargets(
  axis: readonly string[],
  plan: Pick<PlanResult, "starts_on" | "ends_on" | "per_week"> & { calling_days?: number[] },
  stage: TargetStage,
): (number | null)[] {
  const week = (plan.per_week as StageCounts)[stage];
  const full = plan.calling_days?.length ? plan.calling_days.length : WEEKDAYS.length;
  return axis.map((monday) => {
    const days = planDays(monday, plan);
    if (days === 0) return null;
    return days === full ? week : Math.ceil((week * days) / full);
  });
}
