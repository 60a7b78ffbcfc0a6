import { render, screen, within, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import RepsTab from "./RepsTab.svelte";
import { REVIEW_CONTEXT_KEY, type ReviewContext } from "../../lib/reviewContext";
import { reviewState } from "../../lib/reviewState.svelte";
import { emptyFilter } from "../../lib/review";
import type { Dashboards, Funnel, FunnelGroup, GroupBy, PlanOverview, Rate, ReportFilter } from "../../lib/bindings";

// jsdom draws nothing: charts wait for a width, the tables and words around them are tested.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;

const rate = (n: number, d: number): Rate => ({ numerator: n, denominator: d, value: d ? n / d : null });
const funnel = (d: number, c: number, v: number, m: number): Funnel => ({ dials: d, connects: c, conversations: v, meetings: m, talk_seconds: d * 40, calls_past_limit: 0 });
const group = (key: string, label: string, f: Funnel): FunnelGroup => ({
  key,
  label,
  funnel: f,
  rates: {
    connect_rate: rate(f.connects, f.dials),
    conversation_rate: rate(f.conversations, f.connects),
    meeting_rate: rate(f.meetings, f.conversations),
    connect_to_meeting: rate(f.meetings, f.connects),
    dial_to_meeting: rate(f.meetings, f.dials),
    past_limit: rate(0, f.dials),
  },
});

// Alex books the most; Sam has the best conversation rate but on 7 connects.
const REPS = [
  group("a", "Alex Rivera", funnel(1700, 195, 78, 12)),
  group("b", "Blair Chen", funnel(900, 90, 63, 9)),
  group("s", "Sam Okafor", funnel(60, 7, 6, 1)),
];

// Weeks (Mondays, UTC): the team called in four of five weeks; nobody in the week of Nov 16.
const TEAM_WEEKS = ["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-23"];
const WEEKS: Record<string, FunnelGroup[]> = {
  a: [
    group("2026-10-26", "2026-W44 (from 26 Oct)", funnel(400, 40, 15, 2)),
    group("2026-11-02", "2026-W45 (from 2 Nov)", funnel(650, 70, 30, 5)),
    group("2026-11-09", "2026-W46 (from 9 Nov)", funnel(500, 60, 25, 4)),
    group("2026-11-23", "2026-W48 (from 23 Nov)", funnel(150, 25, 8, 1)),
  ],
  b: [group("2026-11-02", "2026-W45 (from 2 Nov)", funnel(900, 90, 63, 9))],
  s: [group("2026-11-09", "2026-W46 (from 9 Nov)", funnel(60, 7, 6, 1))],
};

function dashboards(byRep: FunnelGroup[] = REPS): Dashboards {
  const total = funnel(2660, 292, 147, 22);
  return {
    summary: {
      from: null,
      to: null,
      total,
      rates: group("", "", total).rates,
      by_rep: byRep,
      by_theme: [],
      by_day: [],
      by_week: TEAM_WEEKS.map((k) => group(k, k, funnel(1, 0, 0, 0))),
      definitions: ["Conversation: a connect that lasted at least 60 s or reached the appointment request."],
    },
  } as unknown as Dashboards;
}

/** Alex's plan for November 2026, in this copy. */
const overview = {
  rep: { id: "a", name: "Alex Rivera", email: null, time_zone: "America/Chicago" },
  saved: { id: "p1", rep_id: "a" },
  progress: {
    plan: {
      period: "month",
      starts_on: "2026-11-01",
      ends_on: "2026-11-30",
      per_week: { wins: 1, opportunities: 4, meetings: 8, conversations: 31, connects: 61, dials: 610 },
      rates: { connect_to_conversation: { value: 0.5 } },
    },
  },
} as unknown as PlanOverview;

const filter: ReportFilter = { from: null, to: null, rep_ids: [], theme_ids: [], outcomes: [], duration: null, objection_id: null, text: null, flagged: false, talk_track_version_ids: [] };
const ctx: ReviewContext = { filter, exportDir: "/home/a/Documents", smallSample: 30, limitSeconds: 180 };
const now = new Date("2026-11-25T12:00:00Z");

let asked: { reps: string[]; by: GroupBy }[] = [];
let plan: PlanOverview | null = overview;

beforeEach(() => {
  asked = [];
  plan = overview;
  reviewState.filter = emptyFilter();
  reviewState.reps = { rankBy: "meetings", repId: "" };
  mockIPC((cmd, args) => {
    const a = args as { filter: ReportFilter; by: GroupBy };
    if (cmd === "review_funnel_by") {
      asked.push({ reps: a.filter.rep_ids, by: a.by });
      return WEEKS[a.filter.rep_ids[0]] ?? [];
    }
    if (cmd === "plan_overview") return plan ?? { rep: null, saved: null, progress: null };
    throw new Error(`unexpected command ${cmd}`);
  });
});

afterEach(() => clearMocks());

function renderTab(props: Partial<{ dash: Dashboards; reps: { id: string; name: string }[]; onteam: () => void }> = {}) {
  return render(RepsTab, { props: { dash: dashboards(), now, ...props }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
}

const boardOrder = () =>
  within(screen.getByRole("table", { name: /^Reps ranked by/ }))
    .getAllByRole("row")
    .filter((r) => r.dataset.rep)
    .map((r) => r.dataset.rep);

describe("the leaderboard", () => {
  it("ranks the reps by meetings, each rate with its base, a small sample marked", () => {
    renderTab();
    const table = screen.getByRole("table", { name: "Reps ranked by meetings booked, best first" });
    expect(boardOrder()).toEqual(["a", "b", "s"]);
    const sam = within(table).getByRole("button", { name: "Sam Okafor, show the weeks" }).closest("tr")!;
    // Sam's conversation rate rests on 7 connects: grey, said, with its n.
    const small = sam.querySelectorAll(".rv-rate.small-n");
    expect(small.length).toBe(2);
    expect(sam.textContent).toContain("n=7");
    expect(small[0].getAttribute("title")).toBe("6 of 7 connects: fewer than 30, a small sample that says little");
    const alex = within(table).getByRole("button", { name: "Alex Rivera, show the weeks" }).closest("tr")!;
    expect(alex.querySelectorAll(".rv-rate.small-n").length).toBe(0);
    expect(alex.textContent).toContain("n=195");
    expect(within(table).getAllByRole("columnheader").find((h) => h.getAttribute("aria-sort"))).toHaveTextContent(/^Meetings/);
    expect(screen.getByText(/Most meetings first/)).toBeInTheDocument();
    expect(screen.getByText(/Conversation: a connect that lasted at least 60 s/)).toBeInTheDocument();
  });

  it("switches to the conversation rate with the arrow keys: the small sample goes after the others, under a line that says why", async () => {
    const user = userEvent.setup();
    renderTab();
    const group = screen.getByRole("radiogroup", { name: "Rank by" });
    const meetings = within(group).getByRole("radio", { name: "Meetings" });
    expect(meetings).toHaveAttribute("aria-checked", "true");
    expect(within(group).getByRole("radio", { name: "Conversation rate" })).toHaveAttribute("tabindex", "-1");
    meetings.focus();
    await user.keyboard("{ArrowRight}");
    const byRate = within(group).getByRole("radio", { name: "Conversation rate" });
    expect(byRate).toHaveAttribute("aria-checked", "true");
    await waitFor(() => expect(byRate).toHaveFocus());

    screen.getByRole("table", { name: "Reps ranked by conversation rate, best first" });
    // Sam's 86 % on 7 connects is not ranked above Blair's 70 % on 90, nor Alex's 40 % on 195.
    expect(boardOrder()).toEqual(["b", "a", "s"]);
    expect(screen.getByText("Fewer than 30 connects: ranked after, a small sample that says little")).toBeInTheDocument();
    expect(screen.getByText(/Reps with fewer than 30 connects are ranked after the others/)).toBeInTheDocument();
    const sam = document.querySelector('tr[data-rep="s"]')!;
    expect(sam.querySelector(".rp-rank")?.textContent?.trim()).toBe("3");
  });

  it("says so when every rep's rate is a small sample", () => {
    reviewState.reps.rankBy = "conversation_rate";
    render(RepsTab, { props: { dash: dashboards(), now }, context: new Map([[REVIEW_CONTEXT_KEY, { ...ctx, smallSample: 1000 }]]) });
    expect(screen.getByText("Every rep has fewer than 1000 connects: each rate is a small sample that says little")).toBeInTheDocument();
    expect(boardOrder()).toEqual(["s", "b", "a"]);
  });

  it("names the reps without a call in the selection", () => {
    renderTab({ reps: [{ id: "a", name: "Alex Rivera" }, { id: "d", name: "Dana Lee" }] });
    expect(screen.getByTestId("no-calls")).toHaveTextContent("No call in this selection from Dana Lee.");
  });

  it("says what to click when there is only one rep to rank", async () => {
    const user = userEvent.setup();
    reviewState.filter.repIds = ["a"];
    renderTab({ dash: dashboards([REPS[0]]) });
    expect(screen.getByText(/there is no one to rank against/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show every rep" }));
    expect(reviewState.filter.repIds).toEqual([]);
  });

  it("sends a GUI user to the Team tab when no call has a rep", async () => {
    const user = userEvent.setup();
    const onteam = vi.fn();
    renderTab({ dash: dashboards([]), onteam });
    expect(screen.getByRole("heading", { name: "No rep in this selection" })).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Team" }));
    expect(onteam).toHaveBeenCalled();
  });
});

describe("a rep's weeks", () => {
  it("shows the leader's weeks (weeks off included) against the plan's weekly targets", async () => {
    renderTab();
    const table = await screen.findByRole("table", { name: "The weeks of Alex Rivera, against the plan" });
    expect(asked).toContainEqual({ reps: ["a"], by: "week" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.dataset.week)).toEqual(["2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]);
    // Before the plan's month: no target. In it: 610 dials, 31 conversations, 8 meetings a week.
    expect(rows[0].textContent).not.toContain("plan");
    expect(rows[1].textContent).toContain("plan 610");
    expect(rows[1].textContent).toContain("plan 8");
    // The week nobody called counts as nothing, still with its target.
    expect(rows[3].querySelectorAll("td")[0].textContent).toMatch(/^0\s*plan 610$/);
    // The week of Nov 23 is not over on Nov 25.
    expect(rows[4]).toHaveTextContent(/so far/);
    expect(screen.getByTestId("plan-note")).toHaveTextContent("The targets are Alex Rivera's plan for Nov 1, 2026 – Nov 30, 2026");
    expect(screen.getByRole("heading", { name: "Week by week: Alex Rivera" })).toBeInTheDocument();
  });

  it("shows another rep's weeks when picked on the board, without the plan that is not theirs", async () => {
    const user = userEvent.setup();
    renderTab();
    await screen.findByRole("table", { name: /The weeks of Alex Rivera/ });
    const board = screen.getByRole("table", { name: /^Reps ranked by/ });
    await user.click(within(board).getByRole("button", { name: "Blair Chen, show the weeks" }));
    const table = await screen.findByRole("table", { name: "The weeks of Blair Chen" });
    expect(asked).toContainEqual({ reps: ["b"], by: "week" });
    expect(table.textContent).not.toContain("plan");
    expect(screen.getByTestId("plan-note")).toHaveTextContent("No target for Blair Chen: the plan in this copy of Callblock is Alex Rivera's.");
    const picker = screen.getByRole("combobox", { name: "Rep" }) as HTMLSelectElement;
    expect(picker.value).toBe("b");
    await waitFor(() => expect(picker).toHaveFocus());
    expect(document.querySelector('tr[data-rep="b"]')).toHaveClass("selected");
  });

  it("is picked from a list in the leaderboard's order", async () => {
    const user = userEvent.setup();
    renderTab();
    const picker = screen.getByRole("combobox", { name: "Rep" });
    expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["1. Alex Rivera", "2. Blair Chen", "3. Sam Okafor"]);
    await user.selectOptions(picker, "s");
    expect(await screen.findByRole("table", { name: "The weeks of Sam Okafor" })).toBeInTheDocument();
  });

  it("says how to get targets when there is no plan", async () => {
    plan = null;
    renderTab();
    await screen.findByRole("table", { name: "The weeks of Alex Rivera" });
    await waitFor(() => expect(screen.getByTestId("plan-note")).toHaveTextContent(/No plan for this period.*Plan view/));
  });

  it("shows an error in place when the weeks cannot be counted", async () => {
    mockIPC((cmd) => {
      if (cmd === "plan_overview") return overview;
      throw { kind: "busy", message: "the database is busy" };
    });
    renderTab();
    expect(await screen.findByRole("alert")).toHaveTextContent("The database is busy");
  });
});

describe("the first few side by side", () => {
  it("draws the first four of a team of six, never all of them", async () => {
    const six = ["a", "b", "c", "d", "e", "f"].map((k, i) => group(k, `Rep ${k.toUpperCase()}`, funnel(500, 50, 25, 6 - i)));
    renderTab({ dash: dashboards(six) });
    const figure = document.querySelector('[data-figure="reps_side_by_side"]') as HTMLElement;
    expect(within(figure).getByRole("heading", { name: "The first 4, week by week" })).toBeInTheDocument();
    expect(within(figure).getAllByRole("listitem").length).toBe(4);
    expect(figure).toHaveTextContent("The other 2: pick them above.");
    await waitFor(() => expect(new Set(asked.map((x) => x.reps[0]))).toEqual(new Set(["a", "b", "c", "d"])));
  });

  it("is not drawn for one rep", () => {
    renderTab({ dash: dashboards([REPS[0]]) });
    expect(document.querySelector('[data-figure="reps_side_by_side"]')).toBeNull();
  });
});
