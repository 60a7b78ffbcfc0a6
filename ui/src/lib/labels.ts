// The words shown for the core's enums.
import type { ProspectStatus, ThemeKind } from "./bindings";

export const THEME_KIND_LABELS: Record<ThemeKind, string> = {
  vertical: "Vertical",
  geography: "Geography",
  size: "Size",
  role: "Role",
  custom: "Custom",
};

export const STATUS_LABELS: Record<ProspectStatus, string> = {
  new: "Never called",
  attempting: "Waiting for a later attempt",
  callback: "Callback agreed",
  meeting: "Meeting booked",
  not_interested: "Not interested",
  exhausted: "Exhausted",
  do_not_call: "Do not call",
  bad_number: "Bad number",
};

/**
 * The prospects table's Status filter: every status, one of them, or
 * "ready" (callable now, as the themes table's "Ready now" counts).
 */
export type StatusFilter = ProspectStatus | "" | "ready";

/** The Status filter's "Ready now" choice, worded as the themes table's column. */
export const READY_LABEL = "Ready now (callable now)";

/**
 * A prospect's status as of `now`: a later attempt or a callback whose time
 * has come is due, not waiting (the themes table counts it as ready).
 */
export function statusNow(
  p: { status: ProspectStatus; next_attempt_at: string | null; callback_at: string | null },
  now: number = Date.now(),
): string {
  const due = (at: string | null) => at !== null && Date.parse(at) <= now;
  if (p.status === "attempting" && due(p.next_attempt_at)) return "Due for another attempt";
  if (p.status === "callback" && due(p.callback_at)) return "Callback due";
  return STATUS_LABELS[p.status];
}
