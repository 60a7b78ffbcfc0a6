import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import DashboardTab from "./DashboardTab.svelte";
import { REVIEW_CONTEXT_KEY, type ReviewContext } from "../../lib/reviewContext";
import type { Dashboards, Funnel, FunnelGroup, Rate } from "../../lib/bindings";

// jsdom draws nothing: charts wait for a width, the figures around them are tested.
class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;

const rate = (n: number, d: number): Rate => ({ numerator: n, denominator: d, value: d ? n / d : null });
const funnel = (d: number, c: number, v: number, m: number): Funnel => ({
  dials: d,
  connects: c,
  conversations: v,
  meetings: m,
  talk_seconds: d * 40,
  calls_past_limit: 1,
});
const rates = (f: Funnel) => ({
  connect_rate: rate(f.connects, f.dials),
  conversation_rate: rate(f.conversations, f.connects),
  meeting_rate: rate(f.meetings, f.conversations),
  connect_to_meeting: rate(f.meetings, f.connects),
  dial_to_meeting: rate(f.meetings, f.dials),
  past_limit: rate(f.calls_past_limit, f.dials),
});
const group = (key: string, label: string, f: Funnel): FunnelGroup => ({ key, label, funnel: f, rates: rates(f) });

function dashboards(): Dashboards {
  const total = funnel(1713, 202, 142, 40);
  return {
    summary: {
      from: null,
      to: null,
      total,
      rates: rates(total),
      by_rep: [group("a", "Alex Rivera", funnel(1700, 195, 138, 39)), group("s", "Sam Okafor", funnel(13, 7, 4, 1))],
      by_theme: [],
      by_day: [],
      by_week: [],
      definitions: ["Connect: a call on which the prospect was reached.", "Conversation: a connect that lasted at least 60 s."],
    },
  } as unknown as Dashboards;
}

const ctx: ReviewContext = {
  filter: { from: null, to: null, rep_ids: [], theme_ids: [], outcomes: [], duration: null, objection_id: null, text: null, flagged: false, talk_track_version_ids: [] },
  exportDir: "/home/a/Documents",
  smallSample: 30,
  limitSeconds: 180,
};

describe("the Dashboard tab", () => {
  it("shows the funnel's counts, its rates with their samples and the definitions beside", () => {
    render(DashboardTab, { props: { dash: dashboards() }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    const figures = screen.getByTestId("funnel-figures");
    expect(within(figures).getByText("1,713")).toBeInTheDocument();
    expect(within(figures).getByText("202")).toBeInTheDocument();
    expect(within(figures).getByText("142")).toBeInTheDocument();
    expect(within(figures).getByText("40")).toBeInTheDocument();
    const connect = document.querySelector('[data-rate="connect"]')!;
    expect(connect.textContent).toContain("11.8 %");
    expect(connect.textContent).toContain("n=1,713");
    expect(screen.getByText(/Conversation: a connect that lasted at least 60 s/)).toBeInTheDocument();
  });

  it("greys a rate over fewer calls than the threshold and says so", () => {
    render(DashboardTab, { props: { dash: dashboards() }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    const table = screen.getByRole("table", { name: "Funnel by rep" });
    const sam = within(table).getByText("Sam Okafor").closest("tr")!;
    const small = sam.querySelectorAll(".rv-rate.small-n");
    expect(small.length).toBe(3);
    expect(small[0].textContent).toContain("small sample");
    const alex = within(table).getByText("Alex Rivera").closest("tr")!;
    expect(alex.querySelectorAll(".rv-rate.small-n").length).toBe(0);
  });

  it("offers each figure as CSV and its chart as an image, with a path to edit", async () => {
    const user = userEvent.setup();
    render(DashboardTab, { props: { dash: dashboards() }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    await user.click(screen.getByRole("button", { name: "Export CSV of “The funnel”" }));
    const field = screen.getByRole("textbox", { name: "Export the table to" }) as HTMLInputElement;
    expect(field.value).toMatch(/^\/home\/a\/Documents\/callblock-funnel-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(screen.getByRole("button", { name: "Save image of the chart “The funnel”" })).toBeInTheDocument();
    expect(screen.getByRole("radio", { name: "Rep" })).toHaveAttribute("aria-checked", "true");
  });

  it("names the outer limit as the settings set it", () => {
    render(DashboardTab, { props: { dash: dashboards() }, context: new Map([[REVIEW_CONTEXT_KEY, { ...ctx, limitSeconds: 240 }]]) });
    expect(screen.getByText("Calls past 4:00")).toBeInTheDocument();
    expect(screen.queryByText("Calls past 3:00")).not.toBeInTheDocument();
  });

  it("counted in the team store, offers no CSV (the export counts this copy)", () => {
    render(DashboardTab, { props: { dash: dashboards(), live: true }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    expect(within(screen.getByTestId("funnel-figures")).getByText("1,713")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Export CSV/ })).toBeNull();
    expect(screen.getByRole("button", { name: "Save image of the chart “The funnel”" })).toBeInTheDocument();
  });
});
