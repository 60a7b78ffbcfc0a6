import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import ObjectionsHeardFigure from "./ObjectionsHeardFigure.svelte";
import { REVIEW_CONTEXT_KEY, type ReviewContext } from "../../lib/reviewContext";
import type { ByObjections, ObjectionCurve, ReportFilter } from "../../lib/bindings";

class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;

const LABELS = ["0", "1", "2", "3", "4+"];

/** A curve from (conversations, meetings) per bucket. */
function curve(label: string, counts: [number, number][]): ObjectionCurve {
  return {
    label,
    calls: counts.reduce((n, [c]) => n + c, 0),
    meetings: counts.reduce((n, [, m]) => n + m, 0),
    buckets: counts.map(([c, m], i) => ({
      objections: i,
      label: LABELS[i],
      calls: c,
      meetings: m,
      meeting_rate: { numerator: m, denominator: c, value: c ? m / c : null },
    })),
  };
}

function report(): ByObjections {
  return {
    denominator: "conversations",
    overall: curve("All conversations", [
      [120, 30],
      [200, 36],
      [90, 9],
      [40, 1],
      [0, 0],
    ]),
    by_theme: [
      { theme_id: "t1", ...curve("Texas", [[100, 25], [150, 30], [60, 6], [30, 1], [0, 0]]) },
      { theme_id: null, ...curve("No theme", [[20, 5], [50, 6], [30, 3], [10, 0], [0, 0]]) },
    ],
    by_version: [
      {
        version_id: "v2",
        track_name: "Texas opener",
        theme_name: "Texas",
        version: 2,
        ...curve("Texas opener v2", [[120, 30], [200, 36], [90, 9], [40, 1], [0, 0]]),
      },
    ],
    definitions: ["Meeting rate by objections heard: the conversations of the selection grouped by how many objections were logged.", "Connect: a call on which the prospect was reached."],
  };
}

const filter: ReportFilter = { from: null, to: null, rep_ids: [], theme_ids: [], outcomes: [], duration: null, objection_id: null, text: null, flagged: false, talk_track_version_ids: [] };
const ctx: ReviewContext = { filter, exportDir: "/home/a/Documents", smallSample: 30, limitSeconds: 180 };

let asked: ReportFilter[] = [];

function serve(r: ByObjections | (() => never)) {
  asked = [];
  mockIPC((cmd, args) => {
    if (cmd === "review_by_objections") {
      asked.push((args as { filter: ReportFilter }).filter);
      return typeof r === "function" ? r() : r;
    }
    throw new Error(cmd);
  });
}

afterEach(() => clearMocks());

const show = () =>
  render(ObjectionsHeardFigure, {
    props: { baseDefinitions: ["Connect: a call on which the prospect was reached."] },
    context: new Map([[REVIEW_CONTEXT_KEY, ctx]]),
  });

describe("the meeting rate by objections heard", () => {
  it("asks the core for the selection and shows every bucket with its rate and n", async () => {
    serve(report());
    show();
    const table = await screen.findByRole("table", { name: "Meeting rate by objections heard" });
    expect(asked).toEqual([filter]);
    const heads = within(table).getAllByRole("columnheader").map((h) => h.textContent?.trim());
    expect(heads).toEqual(["Conversations", "0", "1", "2", "3", "4+", "All"]);
    expect(within(table).getByRole("columnheader", { name: "4 or more objections" })).toBeInTheDocument();
    const row = within(table).getByRole("row", { name: /All conversations/ });
    const zero = row.querySelector('[data-bucket="0"]')!;
    expect(zero.textContent).toContain("25.0 %");
    expect(zero.textContent).toContain("n=120");
    // An empty bucket says so: no rate, n=0.
    const four = row.querySelector('[data-bucket="4+"]')!;
    expect(four.textContent).toContain("–");
    expect(four.textContent).toContain("n=0");
    // Small samples are greyed and said.
    const three = row.querySelector('[data-bucket="3"] .rv-rate')!;
    expect(three).not.toHaveClass("small-n");
    expect(four.querySelector(".rv-rate")).toHaveClass("small-n");
    expect(row.lastElementChild!.textContent).toContain("n=450");
  });

  it("states its definition beside it, without repeating the funnel's", async () => {
    serve(report());
    show();
    expect(await screen.findByText(/grouped by how many objections were logged/)).toBeInTheDocument();
    expect(screen.queryByText("Connect: a call on which the prospect was reached.")).not.toBeInTheDocument();
    expect(screen.getByText(/by the third objection the fate of a call is usually sealed/)).toBeInTheDocument();
  });

  it("splits by theme and by talk-track version, with the whole below", async () => {
    const user = userEvent.setup();
    serve(report());
    show();
    await screen.findByRole("table", { name: "Meeting rate by objections heard" });
    await user.click(screen.getByRole("radio", { name: "By theme" }));
    const table = screen.getByRole("table", { name: "Meeting rate by objections heard" });
    expect(within(table).getByRole("columnheader", { name: "Theme" })).toBeInTheDocument();
    const texas = within(table).getByRole("row", { name: /Texas/ });
    expect(texas.querySelector('[data-bucket="1"]')!.textContent).toContain("20.0 %");
    expect(texas.querySelector('[data-bucket="1"]')!.textContent).toContain("n=150");
    const none = within(table).getByRole("row", { name: /No theme/ });
    expect(none.querySelector('[data-bucket="3"]')!.textContent).toContain("0.0 %");
    expect(none.querySelector('[data-bucket="3"] .rv-rate')).toHaveClass("small-n");
    expect(within(table).getByRole("row", { name: /All conversations/ })).toBeInTheDocument();

    await user.click(screen.getByRole("radio", { name: "By talk-track version" }));
    expect(screen.getByRole("radio", { name: "By talk-track version" })).toHaveAttribute("aria-checked", "true");
    expect(within(table).getByRole("rowheader", { name: "Texas opener v2" })).toBeInTheDocument();
    // One question to the core: the splits are in its answer.
    expect(asked.length).toBe(1);
  });

  it("says when the selection has no conversation", async () => {
    const empty = report();
    empty.overall = curve("All conversations", [[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
    empty.by_theme = [];
    empty.by_version = [];
    serve(empty);
    show();
    expect(await screen.findByText(/No conversations in this selection/)).toBeInTheDocument();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
  });

  it("shows the core's refusal instead of figures", async () => {
    serve(() => {
      throw { kind: "invalid", message: "period: the period would be empty" };
    });
    show();
    expect(await screen.findByRole("alert")).toHaveTextContent("the period would be empty");
  });

  it("shows the team store's count when given one, asking this copy nothing, without its CSV export", async () => {
    serve(report());
    const live = report();
    live.overall = curve("All conversations", [[7, 1], [0, 0], [0, 0], [0, 0], [0, 0]]);
    render(ObjectionsHeardFigure, {
      props: { baseDefinitions: [], live },
      context: new Map([[REVIEW_CONTEXT_KEY, ctx]]),
    });
    const table = await screen.findByRole("table", { name: "Meeting rate by objections heard" });
    expect(within(table).getAllByRole("row")[1].textContent).toContain("7");
    expect(asked).toEqual([]);
    expect(screen.queryByRole("button", { name: /CSV/ })).toBeNull();
  });
});
