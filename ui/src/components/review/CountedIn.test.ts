import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import CountedIn from "./CountedIn.svelte";
import { liveReview, storeSelects } from "../../lib/liveReview.svelte";
import type { ReportFilter, ReviewSummary } from "../../lib/bindings";

const filter: ReportFilter = { from: null, to: null, rep_ids: [], theme_ids: [], outcomes: [], duration: null, objection_id: null, text: null, flagged: false, talk_track_version_ids: [] };
const summary = { total: { dials: 2500 } } as unknown as ReviewSummary;

function store(manager: boolean, answer: () => unknown) {
  const asked: { cmd: string; args: unknown }[] = [];
  mockIPC((cmd, args) => {
    asked.push({ cmd, args });
    if (cmd === "team_status") return { link: { manager }, waiting: 0, oldest_waiting: null, leased: 0 };
    if (cmd === "review_live") return { summary: answer(), timing: null, length: null, blocks: null, playbook: null, by_objections: null };
    return null;
  });
  return asked;
}

describe("counted in: this copy or the team store", () => {
  afterEach(() => {
    clearMocks();
    liveReview.reset();
  });

  it("is offered to a manager, and counts the filter in the store when chosen", async () => {
    const asked = store(true, () => summary);
    await liveReview.look();
    render(CountedIn);
    expect(screen.getByTestId("counted-in-line")).toHaveTextContent("Counted in this copy");
    await userEvent.click(screen.getByRole("button", { name: "The team store, live" }));
    expect(screen.getByRole("button", { name: "The team store, live" })).toHaveAttribute("aria-pressed", "true");
    const stop = liveReview.follow(filter);
    await waitFor(() => expect(screen.getByTestId("counted-in-line")).toHaveTextContent("Counted in the team store (PostgreSQL) at"));
    expect(liveReview.now?.summary.total.dials).toBe(2500);
    expect(asked.find((a) => a.cmd === "review_live")?.args).toEqual({ filter, tab: "summary" });
    // Another filter: not this count's.
    stop();
    liveReview.key = JSON.stringify({ ...filter, rep_ids: ["r"] });
    expect(liveReview.now).toBeNull();
  });

  it("counts a tab's own report with the summary, and a tab's count is not another's", async () => {
    const asked: { cmd: string; args: unknown }[] = [];
    const blocks = { total: { run: 7 } };
    mockIPC((cmd, args) => {
      asked.push({ cmd, args });
      if (cmd === "team_status") return { link: { manager: true }, waiting: 0, oldest_waiting: null, leased: 0 };
      if (cmd === "review_live") {
        const tab = (args as { tab: string }).tab;
        return { summary, timing: null, length: null, blocks: tab === "blocks" ? blocks : null, playbook: null, by_objections: null };
      }
      return null;
    });
    await liveReview.look();
    liveReview.source = "store";
    const stop = liveReview.follow(filter, "blocks");
    await waitFor(() => expect(liveReview.now?.blocks).toEqual(blocks));
    expect(asked.filter((a) => a.cmd === "review_live").map((a) => a.args)).toEqual([{ filter, tab: "blocks" }]);
    stop();
    // The same filter on the Call length tab: the blocks' count is not its own.
    liveReview.key = `length:${JSON.stringify(filter)}`;
    expect(liveReview.now).toBeNull();
  });

  it("says why when the store cannot count, and whose figures show", async () => {
    let fail = false;
    store(true, () => {
      if (fail) throw { kind: "team_offline", message: "cannot reach the team store at lee@db:5432/sales" };
      return summary;
    });
    await liveReview.look();
    liveReview.source = "store";
    render(CountedIn);
    let stop = liveReview.follow(filter);
    await waitFor(() => expect(liveReview.now).not.toBeNull());
    stop();
    // A refresh that fails after a count: the figures are the store's, from then.
    fail = true;
    stop = liveReview.follow(filter);
    await waitFor(() => expect(screen.getByTestId("counted-in-line")).toHaveTextContent("Cannot reach the team store"));
    expect(screen.getByTestId("counted-in-line")).toHaveTextContent("The figures below are the team store's from");
    stop();
    // Never counted for this filter: this copy's.
    liveReview.live = null;
    expect(liveReview.now).toBeNull();
    await waitFor(() => expect(screen.getByTestId("counted-in-line")).toHaveTextContent("The figures below are this copy's."));
  });

  it("is not offered to a rep", async () => {
    store(false, () => summary);
    await liveReview.look();
    render(CountedIn);
    expect(liveReview.manager).toBe(false);
    expect(screen.queryByTestId("counted-in")).toBeNull();
  });

  it("knows what the store selects by: period, rep, theme and outcome, not the rest", () => {
    expect(storeSelects({ ...filter, rep_ids: ["r"], theme_ids: ["t"], outcomes: ["meeting"], from: "2026-12-01T00:00:00.000Z" })).toBe(true);
    expect(storeSelects({ ...filter, text: "budget" })).toBe(false);
    expect(storeSelects({ ...filter, flagged: true })).toBe(false);
    expect(storeSelects({ ...filter, objection_id: "o" })).toBe(false);
    expect(storeSelects({ ...filter, talk_track_version_ids: ["v"] })).toBe(false);
    expect(storeSelects({ ...filter, duration: { min_seconds: 0, max_seconds: 30 } as unknown as ReportFilter["duration"] })).toBe(false);
  });

  it("says, without asking the store, when the filter is one the store cannot select by", async () => {
    const asked = store(true, () => summary);
    await liveReview.look();
    liveReview.source = "store";
    render(CountedIn, { props: { selectable: false } });
    expect(screen.getByTestId("counted-in-line")).toHaveTextContent("The team store selects by period, rep, theme and outcome only");
    expect(screen.getByTestId("counted-in-line")).toHaveTextContent("the figures below are this copy's");
    expect(asked.filter((a) => a.cmd === "review_live")).toEqual([]);
  });
});
