import type { Funnel, FunnelGroup, PlanOverview, Rate } from "./bindings";
import {
  mondayOf,
  planDays,
  rankReps,
  rankText,
  repPlan,
  weekAxis,
  weekInProgress,
  weekLabel,
  weekSeries,
  weeklyTargets,
} from "./leaderboard";

const rate = (n: number, d: number): Rate => ({ numerator: n, denominator: d, value: d ? n / d : null });
function rep(key: string, label: string, dials: number, connects: number, conversations: number, meetings: number): FunnelGroup {
  const f: Funnel = { dials, connects, conversations, meetings, talk_seconds: 0, calls_past_limit: 0 };
  return {
    key,
    label,
    funnel: f,
    rates: {
      connect_rate: rate(connects, dials),
      conversation_rate: rate(conversations, connects),
      meeting_rate: rate(meetings, conversations),
      connect_to_meeting: rate(meetings, connects),
      dial_to_meeting: rate(meetings, dials),
      past_limit: rate(0, dials),
    },
  };
}

const order = (r: ReturnType<typeof rankReps>) => r.map((x) => `${rankText(x)} ${x.group.label}${x.small ? " (small)" : ""}`);

describe("the leaderboard by meetings", () => {
  it("puts the most meetings first; equal meetings share a rank, fewer dials listed first", () => {
    const reps = [
      rep("a", "Alex", 900, 90, 50, 6),
      rep("b", "Blair", 400, 40, 20, 9),
      rep("c", "Casey", 300, 30, 20, 6),
      rep("d", "Dana", 100, 10, 5, 2),
    ];
    expect(order(rankReps(reps, "meetings", 30))).toEqual(["1 Blair", "=2 Casey", "=2 Alex", "4 Dana"]);
  });

  it("sets nobody apart for a small sample: a count is not a rate", () => {
    const reps = [rep("a", "Alex", 900, 90, 50, 1), rep("b", "Blair", 12, 3, 2, 2)];
    const ranked = rankReps(reps, "meetings", 30);
    expect(order(ranked)).toEqual(["1 Blair", "2 Alex"]);
    expect(ranked.every((r) => !r.small)).toBe(true);
  });

  it("orders equal reps by name, whatever order they came in", () => {
    const a = rep("a", "alex", 100, 10, 5, 0);
    const b = rep("b", "Blair", 100, 10, 5, 0);
    expect(order(rankReps([b, a], "meetings", 30))).toEqual(["=1 alex", "=1 Blair"]);
  });
});

describe("the leaderboard by conversation rate", () => {
  const reps = [
    rep("a", "Alex", 900, 100, 40, 6), // 40 % of 100
    rep("b", "Blair", 500, 50, 30, 3), // 60 % of 50
    rep("c", "Casey", 40, 4, 4, 1), // 100 % of 4: small
    rep("d", "Dana", 600, 60, 24, 2), // 40 % of 60
    rep("e", "Eli", 30, 0, 0, 0), // no connect
    rep("f", "Fran", 100, 10, 3, 0), // 30 % of 10: small
  ];

  it("ranks the reps with enough connects first, then the small samples, then those without a rate", () => {
    const ranked = rankReps(reps, "conversation_rate", 30);
    expect(order(ranked)).toEqual(["1 Blair", "=2 Alex", "=2 Dana", "4 Casey (small)", "5 Fran (small)", "– Eli (small)"]);
    expect(ranked.at(-1)?.rank).toBeNull();
  });

  it("moves a rep across the line when the threshold changes", () => {
    expect(order(rankReps(reps, "conversation_rate", 4))[0]).toBe("1 Casey");
    expect(order(rankReps(reps, "conversation_rate", 61))).toEqual([
      "1 Alex",
      "2 Casey (small)",
      "3 Blair (small)",
      "4 Dana (small)",
      "5 Fran (small)",
      "– Eli (small)",
    ]);
  });

  it("compares rates exactly: 1 of 3 equals 20 of 60", () => {
    const r = rankReps([rep("a", "Alex", 300, 60, 20, 0), rep("b", "Blair", 30, 3, 1, 0)], "conversation_rate", 1);
    expect(order(r)).toEqual(["=1 Alex", "=1 Blair"]);
  });
});

describe("weeks", () => {
  it("finds the Monday of a day (UTC)", () => {
    expect(mondayOf("2026-11-16")).toBe("2026-11-16");
    expect(mondayOf("2026-11-22")).toBe("2026-11-16");
    expect(mondayOf("2026-11-23")).toBe("2026-11-23");
    expect(mondayOf("2027-01-01")).toBe("2026-12-28");
  });

  it("lays out every week between the first and the last, weeks off included", () => {
    expect(weekAxis(["2026-11-30", "2026-11-09", "x"])).toEqual(["2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]);
    expect(weekAxis([])).toEqual([]);
    expect(weekAxis(["2026-01-05", "2026-11-30"], 3)).toEqual(["2026-11-16", "2026-11-23", "2026-11-30"]);
  });

  it("puts a rep's weeks on the axis, null for a week without a call", () => {
    const g = rep("2026-11-16", "W47", 10, 1, 1, 0);
    expect(weekSeries(["2026-11-09", "2026-11-16"], [g])).toEqual([null, g]);
  });

  it("names a week by its Monday and knows the week in progress", () => {
    expect(weekLabel("2026-11-16")).toBe("Nov 16");
    expect(weekLabel("2026-11-16", true)).toBe("Nov 16, 2026");
    expect(weekInProgress("2026-11-16", new Date("2026-11-22T23:59:00Z"))).toBe(true);
    expect(weekInProgress("2026-11-16", new Date("2026-11-23T00:00:00Z"))).toBe(false);
  });
});

describe("the plan's weekly targets", () => {
  // November 2026: Sunday the 1st to Monday the 30th.
  const plan = {
    period: "month" as const,
    starts_on: "2026-11-01",
    ends_on: "2026-11-30",
    per_week: { wins: 1, opportunities: 4, meetings: 8, conversations: 31, connects: 61, dials: 610 },
  };

  it("counts the plan's working days in a week", () => {
    expect(planDays("2026-10-26", plan)).toBe(0);
    expect(planDays("2026-11-02", plan)).toBe(5);
    expect(planDays("2026-11-30", plan)).toBe(1);
    expect(planDays("2026-12-07", plan)).toBe(0);
  });

  it("gives a full week the plan's weekly figure, a part week its share rounded up, none outside", () => {
    const axis = ["2026-10-26", "2026-11-02", "2026-11-23", "2026-11-30"];
    expect(weeklyTargets(axis, plan, "meetings")).toEqual([null, 8, 8, 2]);
    expect(weeklyTargets(axis, plan, "dials")).toEqual([null, 610, 610, 122]);
  });

  it("follows the rep's calling days: Tuesday to Saturday", () => {
    const tueSat = { ...plan, calling_days: [1, 2, 3, 4, 5] };
    expect(planDays("2026-11-02", tueSat)).toBe(5);
    // The 30th is a Monday: not a calling day.
    expect(planDays("2026-11-30", tueSat)).toBe(0);
    // Four days a week: a week the period starts on a Thursday has one.
    const fourDays = { ...plan, starts_on: "2026-11-05", calling_days: [0, 1, 2, 3] };
    expect(planDays("2026-11-02", fourDays)).toBe(1);
    expect(weeklyTargets(["2026-11-02", "2026-11-09"], fourDays, "dials")).toEqual([153, 610]);
  });

  it("belongs to this copy's rep, and only once a plan is saved", () => {
    const progress = { plan: { ...plan, rates: { connect_to_conversation: { value: 0.5 } } } };
    const base = { rep: { id: "r1", name: "Alex Rivera" }, saved: { rep_id: "r1" }, progress } as unknown as PlanOverview;
    expect(repPlan(base)).toMatchObject({ repId: "r1", repName: "Alex Rivera", conversationRate: 0.5 });
    expect(repPlan({ ...base, progress: null, saved: null })).toBeNull();
    expect(repPlan(null)).toBeNull();
  });
});
