// The Review view's selection and tab, kept while the user visits other views.
import { PERIODS, emptyFilter, type FilterState } from "./review";
import type { RankBy } from "./leaderboard";

export type ReviewTab = "dashboard" | "reps" | "blocks" | "timing" | "length" | "playbook" | "calls" | "team";

export const REVIEW_TABS: readonly { id: ReviewTab; label: string; key: string; code: string }[] = [
  { id: "dashboard", label: "Dashboard", key: "Alt+D", code: "KeyD" },
  { id: "reps", label: "Reps", key: "Alt+R", code: "KeyR" },
  { id: "blocks", label: "Blocks", key: "Alt+B", code: "KeyB" },
  { id: "timing", label: "When to call", key: "Alt+W", code: "KeyW" },
  { id: "length", label: "Call length", key: "Alt+L", code: "KeyL" },
  { id: "playbook", label: "Playbook", key: "Alt+P", code: "KeyP" },
  { id: "calls", label: "Call log", key: "Alt+C", code: "KeyC" },
  { id: "team", label: "Team", key: "Alt+T", code: "KeyT" },
];

export const reviewState = $state<{
  filter: FilterState;
  tab: ReviewTab;
  /** The Reps tab: the leaderboard's ranking, and the rep whose weeks are shown ("": the leader). */
  reps: { rankBy: RankBy; repId: string };
}>({
  filter: emptyFilter(),
  tab: "dashboard",
  reps: { rankBy: "meetings", repId: "" },
});

// The period is remembered between sessions (the other filters are not:
// a manager comes back to the same weeks, not to the same search).
const PERIOD_KEY = "callblock.review.period";

export function storedPeriod(): Pick<FilterState, "period" | "from" | "to"> | null {
  try {
    const raw = localStorage.getItem(PERIOD_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<FilterState>;
    if (!v || typeof v.period !== "string" || !PERIODS.some((p) => p.id === v.period)) return null;
    return { period: v.period, from: typeof v.from === "string" ? v.from : "", to: typeof v.to === "string" ? v.to : "" };
  } catch {
    return null;
  }
}

export function storePeriod(f: Pick<FilterState, "period" | "from" | "to">): void {
  try {
    localStorage.setItem(PERIOD_KEY, JSON.stringify({ period: f.period, from: f.from, to: f.to }));
  } catch {
    // Private mode or a full store: the period is simply not remembered.
  }
}
