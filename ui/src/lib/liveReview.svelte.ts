// Review counted in the team store (PostgreSQL) instead of this copy: a
// manager linked to a team store chooses it, and the Dashboard, Reps,
// Blocks, When to call, Call length and Playbook tabs show the whole team
// now, nothing pulled, looked at again every LIVE_MS while they show. Kept
// between tabs and visits.
import { api, messageOf, type LiveReview as LiveCount, type LiveTab, type ReportFilter } from "./api";

export const LIVE_MS = 15_000;

class LiveReview {
  /** This copy is a manager's, linked to a team store. */
  manager = $state(false);
  source = $state<"copy" | "store">("copy");
  /** The last count, for the filter it was made for. */
  live = $state<({ key: string; at: Date } & LiveCount) | null>(null);
  error = $state<string | null>(null);
  /** The filter the tabs show now (the count is theirs only when it matches). */
  key = $state("");

  get inStore(): boolean {
    return this.manager && this.source === "store";
  }

  /** The count for the filter shown, or null (this copy's figures then). */
  get now(): ({ at: Date } & LiveCount) | null {
    return this.inStore && this.live !== null && this.live.key === this.key ? this.live : null;
  }

  get counting(): boolean {
    return this.inStore && this.now === null && this.error === null;
  }

  /** Is this copy a manager's, linked? Asked once per Review opened. */
  async look() {
    try {
      this.manager = (await api.teamStatus()).link?.manager ?? false;
    } catch {
      this.manager = false;
    }
  }

  /**
   * Count `filter` in the store now and every LIVE_MS (the summary, and
   * the report of `tab`: when to call, call length, the blocks or the
   * playbook), one
   * question at a time (so no older answer lands after a newer one);
   * returns the stop.
   */
  follow(filter: ReportFilter, tab: LiveTab = "summary"): () => void {
    const key = `${tab}:${JSON.stringify(filter)}`;
    this.key = key;
    this.error = null;
    let alive = true;
    let asking = false;
    const ask = () => {
      if (asking) return;
      asking = true;
      api
        .reviewLive(filter, tab)
        .then((count) => {
          if (!alive) return;
          this.live = { key, at: new Date(), ...count };
          this.error = null;
        })
        .catch((e) => {
          if (alive) this.error = messageOf(e);
        })
        .finally(() => (asking = false));
    };
    ask();
    const timer = setInterval(ask, LIVE_MS);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }

  /** Back to a copy that is not linked (tests; a new database). */
  reset() {
    this.manager = false;
    this.source = "copy";
    this.live = null;
    this.error = null;
    this.key = "";
  }
}

/**
 * Can the team store select what `filter` selects? It selects by period,
 * rep, theme and outcome (as `callblock_team::review` refuses the rest).
 */
export function storeSelects(filter: ReportFilter): boolean {
  return filter.duration === null && filter.objection_id === null && !filter.text && !filter.flagged && filter.talk_track_version_ids.length === 0;
}

export const liveReview = new LiveReview();

/** A time of day as the line says it ("6:38:44 PM"). */
export function countedAt(at: Date): string {
  return at.toLocaleTimeString("en-US", { hour: "numeric", minute: "2-digit", second: "2-digit" });
}
