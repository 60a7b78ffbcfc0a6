import {
  activeFilters,
  contentOffset,
  defaultPath,
  describePeriod,
  emptyFilter,
  isSmall,
  niceTicks,
  pagesFor,
  pathLines,
  pct,
  periodProblem,
  periodRange,
  rateTitle,
  scrollFor,
  scrollHeight,
  scrollToShow,
  toReportFilter,
  describeFilters,
  visibleRows,
  withExtension,
  MAX_SCROLL_PX,
  type FilterState,
} from "./review";

const now = new Date("2026-11-22T19:30:00Z");

describe("periods (UTC days, as on the command line)", () => {
  it("turns presets into [from, to) instants", () => {
    expect(periodRange({ period: "7d", from: "", to: "" }, now)).toEqual({ from: "2026-11-16T00:00:00.000Z", to: null });
    expect(periodRange({ period: "30d", from: "", to: "" }, now).from).toBe("2026-10-24T00:00:00.000Z");
    expect(periodRange({ period: "this_month", from: "", to: "" }, now).from).toBe("2026-11-01T00:00:00.000Z");
    expect(periodRange({ period: "last_month", from: "", to: "" }, now)).toEqual({
      from: "2026-10-01T00:00:00.000Z",
      to: "2026-11-01T00:00:00.000Z",
    });
    expect(periodRange({ period: "last_month", from: "", to: "" }, new Date("2027-01-05T00:00:00Z"))).toEqual({
      from: "2026-12-01T00:00:00.000Z",
      to: "2027-01-01T00:00:00.000Z",
    });
    expect(periodRange({ period: "this_year", from: "", to: "" }, now).from).toBe("2026-01-01T00:00:00.000Z");
    expect(periodRange({ period: "all", from: "", to: "" }, now)).toEqual({ from: null, to: null });
  });

  it("includes both days of a custom period and checks it", () => {
    expect(periodRange({ period: "custom", from: "2026-11-16", to: "2026-11-17" }, now)).toEqual({
      from: "2026-11-16T00:00:00.000Z",
      to: "2026-11-18T00:00:00.000Z",
    });
    expect(periodRange({ period: "custom", from: "", to: "2026-12-31" }, now).to).toBe("2027-01-01T00:00:00.000Z");
    expect(periodProblem({ period: "custom", from: "2026-11-18", to: "2026-11-16" })).toMatch(/after the last day/);
    expect(periodProblem({ period: "custom", from: "2026-02-30", to: "" })).toMatch(/not a date/);
    expect(periodProblem({ period: "custom", from: "2026-11-16", to: "2026-11-16" })).toBeNull();
    expect(periodProblem({ period: "7d", from: "junk", to: "" })).toBeNull();
  });

  it("describes a period in words", () => {
    expect(describePeriod({ from: "2026-11-16T00:00:00.000Z", to: "2026-11-18T00:00:00.000Z" }, null, null)).toBe(
      "Nov 16, 2026 – Nov 17, 2026",
    );
    expect(describePeriod({ from: null, to: null }, null, null)).toBe("all time");
    expect(describePeriod({ from: null, to: null }, "2026-11-09T15:00:00.000Z", "2026-11-20T17:00:00.000Z")).toBe(
      "Nov 9, 2026 – Nov 20, 2026",
    );
  });
});

describe("the filter bar", () => {
  const bands = [{ key: "over-3", band: { min_seconds: 180, max_seconds: null } }];

  it("stands for a ReportFilter", () => {
    const f: FilterState = { ...emptyFilter(), period: "all", repIds: ["r1"], outcomes: ["meeting"], band: "over-3", text: "  budget " };
    expect(toReportFilter(f, bands, now)).toEqual({
      from: null,
      to: null,
      rep_ids: ["r1"],
      theme_ids: [],
      outcomes: ["meeting"],
      duration: { min_seconds: 180, max_seconds: null },
      objection_id: null,
      text: "budget",
      flagged: false,
      talk_track_version_ids: [],
    });
    expect(activeFilters(f)).toBe(4);
    expect(toReportFilter({ ...f, flagged: true }, bands, now).flagged).toBe(true);
    expect(activeFilters({ ...f, flagged: true })).toBe(5);
    const v = { ...f, trackVersionIds: ["v2", "v3"] };
    expect(toReportFilter(v, bands, now).talk_track_version_ids).toEqual(["v2", "v3"]);
    expect(activeFilters(v)).toBe(5);
    expect(activeFilters(emptyFilter())).toBe(0);
    expect(toReportFilter({ ...emptyFilter(), text: "   " }, bands, now).text).toBeNull();
  });

  it("sends every rep, theme and outcome chosen, and none for all", () => {
    const f: FilterState = {
      ...emptyFilter(),
      repIds: ["r1", "r2", "r3"],
      themeIds: ["t1", "t2"],
      outcomes: ["meeting", "callback"],
    };
    const r = toReportFilter(f, bands, now);
    expect(r.rep_ids).toEqual(["r1", "r2", "r3"]);
    expect(r.theme_ids).toEqual(["t1", "t2"]);
    expect(r.outcomes).toEqual(["meeting", "callback"]);
    // A copy: the filter sent is not the bar's state, changed later.
    f.repIds.push("r4");
    expect(r.rep_ids).toEqual(["r1", "r2", "r3"]);
    expect(toReportFilter(emptyFilter(), bands, now)).toMatchObject({ rep_ids: [], theme_ids: [], outcomes: [] });
    // Three reps are one filter (one click on the × clears them).
    expect(activeFilters(f)).toBe(3);
    expect(activeFilters({ ...emptyFilter(), repIds: ["r1", "r2"] })).toBe(1);
  });

  it("says which filters are set, with every value chosen", () => {
    const options = {
      reps: [
        { id: "r1", name: "Dana Lee" },
        { id: "r2", name: "Sam Okafor" },
        { id: "r3", name: "Alex Rivera" },
      ],
      themes: [{ id: "t1", name: "Logistics" }],
      outcomes: [
        { value: "meeting" as const, label: "Meeting booked", connect: true },
        { value: "callback" as const, label: "Callback requested", connect: true },
      ],
      duration_bands: [{ key: "over-3", label: "Over 3 min", band: { min_seconds: 180, max_seconds: null } }],
      objections: [{ id: "o1", slug: "budget", label: "No budget", archived: false }],
    };
    expect(describeFilters(emptyFilter(), options)).toEqual([]);
    expect(
      describeFilters(
        {
          ...emptyFilter(),
          repIds: ["r1", "r2", "r3"],
          themeIds: ["t1"],
          outcomes: ["meeting", "callback"],
          band: "over-3",
          objectionId: "o1",
          text: " budget ",
        },
        options,
      ),
    ).toEqual([
      "Rep: Dana Lee, Sam Okafor or Alex Rivera",
      "Theme: Logistics",
      "Outcome: Meeting booked or Callback requested",
      "Length: Over 3 min",
      "Objection: No budget",
      "Notes: budget",
    ]);
    expect(describeFilters({ ...emptyFilter(), repIds: ["r2", "gone"] }, options)).toEqual(["Rep: Sam Okafor or one no longer listed"]);
    expect(
      describeFilters(
        { ...emptyFilter(), trackVersionIds: ["v2", "v1"], flagged: true },
        { ...options, talk_track_versions: [{ id: "v1", name: "Texas track v1" }, { id: "v2", name: "Texas track v2" }] },
      ),
    ).toEqual(["Talk track: Texas track v2 or Texas track v1", "Flagged for coaching"]);
  });
});

describe("rates", () => {
  it("show one decimal and flag small samples", () => {
    expect(pct({ value: 0.1234 })).toBe("12.3 %");
    expect(pct({ value: null })).toBe("–");
    expect(isSmall({ denominator: 29 }, 30)).toBe(true);
    expect(isSmall({ denominator: 30 }, 30)).toBe(false);
    expect(rateTitle({ numerator: 3, denominator: 12, value: 0.25 }, "connects", 30)).toMatch(/3 of 12 connects: fewer than 30/);
    expect(rateTitle({ numerator: 300, denominator: 1200, value: 0.25 }, "dials", 30)).toBe("300 of 1,200 dials");
  });
});

describe("files", () => {
  it("name exports after the figure and the day", () => {
    expect(defaultPath("/home/a/Documents", "funnel_by_rep", "csv", now)).toBe("/home/a/Documents/callblock-funnel_by_rep-2026-11-22.csv");
    expect(withExtension("/x/a.csv", "png")).toBe("/x/a.png");
    expect(withExtension("/x.y/a", "svg")).toBe("/x.y/a.svg");
    expect(pathLines(" /a.cbbundle \n\n/b.cbbundle\r\n")).toEqual(["/a.cbbundle", "/b.cbbundle"]);
  });
});

describe("chart scales", () => {
  it("have round ticks up to the maximum", () => {
    expect(niceTicks(100, 4)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0.137, 4)).toEqual([0, 0.05, 0.1, 0.15]);
    expect(niceTicks(0)).toEqual([0, 1]);
    const t = niceTicks(1713, 4);
    expect(t[t.length - 1]).toBeGreaterThanOrEqual(1713);
  });
});

describe("the virtualized call log", () => {
  const small = { rows: 1000, rowHeight: 36, viewHeight: 360 };
  const huge = { rows: 1_000_000, rowHeight: 36, viewHeight: 360 };

  it("maps scroll positions to rows one to one for a short list", () => {
    expect(scrollHeight(small)).toBe(36_000);
    expect(visibleRows(small, 0, 0)).toEqual({ first: 0, last: 10, top: 0 });
    const v = visibleRows(small, 3600 + 18, 2);
    expect(v.first).toBe(98);
    expect(v.top).toBe(98 * 36);
  });

  it("scales a million rows into a scroll area browsers can draw", () => {
    expect(scrollHeight(huge)).toBe(MAX_SCROLL_PX);
    const end = scrollHeight(huge) - huge.viewHeight;
    const last = visibleRows(huge, end, 0);
    expect(last.last).toBe(999_999);
    expect(Math.round(contentOffset(huge, end))).toBe(1_000_000 * 36 - 360);
    // Round trip.
    expect(Math.round(contentOffset(huge, scrollFor(huge, 500_000 * 36)))).toBe(500_000 * 36);
    const mid = visibleRows(huge, scrollFor(huge, 500_000 * 36), 0);
    expect(mid.first).toBe(500_000);
  });

  it("keeps the selected row in view", () => {
    expect(scrollToShow(small, 0, 5)).toBe(0);
    expect(scrollToShow(small, 0, 20)).toBe(21 * 36 - 360);
    expect(scrollToShow(small, 3600, 50)).toBe(1800);
  });

  it("knows which pages hold the rows", () => {
    expect(pagesFor(0, 12)).toEqual([0]);
    expect(pagesFor(95, 110)).toEqual([0, 1]);
    expect(pagesFor(250, 250)).toEqual([2]);
  });
});

describe("the remembered period", () => {
  it("survives a restart and ignores junk", async () => {
    const { storedPeriod, storePeriod } = await import("./reviewState.svelte");
    localStorage.clear();
    expect(storedPeriod()).toBeNull();
    storePeriod({ period: "custom", from: "2026-11-01", to: "2026-11-15" });
    expect(storedPeriod()).toEqual({ period: "custom", from: "2026-11-01", to: "2026-11-15" });
    localStorage.setItem("callblock.review.period", "{not json");
    expect(storedPeriod()).toBeNull();
    localStorage.setItem("callblock.review.period", JSON.stringify({ period: "forever" }));
    expect(storedPeriod()).toBeNull();
    // Only the period is kept: a value with a filter in it (none was ever
    // written) still gives its period, and never a rep, theme or outcome.
    localStorage.setItem("callblock.review.period", JSON.stringify({ period: "7d", from: "", to: "", repId: "r1", outcome: "meeting" }));
    expect(storedPeriod()).toEqual({ period: "7d", from: "", to: "" });
  });
});
