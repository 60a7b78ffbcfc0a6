import { describe, expect, it } from "vitest";
import { sharingLine, teamLine } from "./team";
import type { LinkStatus, TeamLink } from "./bindings";

const link: TeamLink = {
  url: "postgres://dana@db.example:5432/sales?sslmode=verify-full",
  role: "dana",
  rep_id: "r1",
  manager: false,
  team_schema: 1,
  connected_at: "2026-12-06T09:00:00.000Z",
  pushed_at: null,
  pulled_at: null,
  offline_since: null,
  last_error: null,
};

const status = (l: Partial<TeamLink> | null, waiting = 0): LinkStatus => ({
  link: l ? { ...link, ...l } : null,
  waiting,
  oldest_waiting: waiting ? "2026-12-06T09:01:00.000Z" : null,
  leased: 0,
});

describe("the team store's line", () => {
  it("says which shared leads are this rep's for now", () => {
    expect(teamLine(status({}))?.detail).not.toMatch(/shared lead/);
    expect(teamLine({ ...status({}), leased: 1 })?.detail).toMatch(/1 shared lead is yours for now: nobody else on the team calls it while you do\.$/);
    const off = teamLine({ ...status({ offline_since: "2026-12-06T09:07:00.000Z" }), leased: 4 });
    expect(off?.detail).toMatch(/4 shared leads are yours for now: nobody else on the team calls them while you do\.$/);
  });

  it("is not there without a team store", () => {
    expect(teamLine(null)).toBeNull();
    expect(teamLine(status(null))).toBeNull();
  });

  it("says synced, waiting or offline as the sync reports it", () => {
    expect(teamLine(status({}))?.text).toBe("Team: connected");
    expect(teamLine(status({ pushed_at: "2026-12-06T09:05:00.000Z" }))?.state).toBe("synced");
    expect(teamLine(status({ pushed_at: "2026-12-06T09:05:00.000Z" }))?.text).toMatch(/^Team: synced /);
    expect(teamLine(status({}, 1))?.text).toBe("Team: 1 change waiting");
    expect(teamLine(status({}, 1200))?.text).toBe("Team: 1,200 changes waiting");
    const off = teamLine(status({ offline_since: "2026-12-06T09:07:00.000Z", last_error: "cannot reach the team store at dana@db.example:5432/sales: connection refused" }, 3));
    expect(off?.state).toBe("offline");
    expect(off?.text).toMatch(/^Team: offline since /);
    expect(off?.detail).toMatch(/^Cannot reach the team store at dana@db.example:5432\/sales: connection refused\. 3 changes/);
    expect(off?.detail).toContain("3 changes waiting: they go when it answers.");
    expect(off?.detail).toContain("saved on this computer");
  });
});

describe("a theme on the team's lists", () => {
  it("says what is shared and what a manager withdrew", () => {
    expect(sharingLine({ shared: 0, withdrawn: 0 })).toBe("Not on the team's lists.");
    expect(sharingLine({ shared: 1, withdrawn: 0 })).toBe("1 prospect is on the team's lists: each is leased to one rep at a time.");
    expect(sharingLine({ shared: 1200, withdrawn: 1 })).toBe(
      "1,200 prospects are on the team's lists: each is leased to one rep at a time. 1 more was withdrawn by a manager: leased to nobody.",
    );
    expect(sharingLine({ shared: 0, withdrawn: 2 })).toBe(
      "Withdrawn from the team's lists by a manager: 2 prospects, leased to nobody, so no block draws them.",
    );
  });
});
