// The team store's status in words: the sidebar's line and the Settings
// view's. The sync itself runs in Rust (a thread of its own); the window
// only says what it reports.
import type { LinkStatus, ThemeSharing } from "./bindings";
import { when } from "./format";

export type TeamLine = { text: string; detail: string; state: "synced" | "waiting" | "offline" };

/** A message as a sentence: capital first, full stop last. */
function sentence(text: string): string {
  const t = text.trim();
  const s = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?)]$/.test(s) ? (s.endsWith(")") ? `${s}.` : s) : `${s}.`;
}

/** The sidebar's line; null when no team store is linked. */
export function teamLine(s: LinkStatus | null): TeamLine | null {
  const link = s?.link;
  if (!s || !link) return null;
  const leads =
    s.leased > 0
      ? ` ${s.leased === 1 ? "1 shared lead is" : `${s.leased} shared leads are`} yours for now: nobody else on the team calls ${s.leased === 1 ? "it" : "them"} while you do.`
      : "";
  const waiting = s.waiting === 1 ? "1 change waiting" : `${s.waiting.toLocaleString("en-US")} changes waiting`;
  if (link.offline_since) {
    return {
      text: `Team: offline since ${when(link.offline_since)}`,
      detail: `${sentence(link.last_error ?? "The team store cannot be reached")} ${s.waiting > 0 ? `${waiting}: they go when it answers.` : "Nothing waits."} Your calls are saved on this computer either way.${leads}`,
      state: "offline",
    };
  }
  if (s.waiting > 0) {
    return { text: `Team: ${waiting}`, detail: `Sent to ${link.url} in the background.${leads}`, state: "waiting" };
  }
  return {
    text: link.pushed_at ? `Team: synced ${when(link.pushed_at)}` : "Team: connected",
    detail: `Every call is sent to ${link.url} in the background.${leads}`,
    state: "synced",
  };
}

/** A theme on the team's lists, in words (the Lists view). */
export function sharingLine(s: ThemeSharing): string {
  const n = (k: number) => k.toLocaleString("en-US");
  const them = (k: number) => (k === 1 ? "it" : "them");
  if (s.shared === 0 && s.withdrawn === 0) return "Not on the team's lists.";
  if (s.shared === 0) {
    return `Withdrawn from the team's lists by a manager: ${s.withdrawn === 1 ? "1 prospect" : `${n(s.withdrawn)} prospects`}, leased to nobody, so no block draws ${them(s.withdrawn)}.`;
  }
  const shared = `${s.shared === 1 ? "1 prospect is" : `${n(s.shared)} prospects are`} on the team's lists: each is leased to one rep at a time.`;
  if (s.withdrawn === 0) return shared;
  return `${shared} ${n(s.withdrawn)} more ${s.withdrawn === 1 ? "was" : "were"} withdrawn by a manager: leased to nobody.`;
}
