import { render, screen, waitFor } from "@testing-library/svelte";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import CallLogTab from "./CallLogTab.svelte";
import { REVIEW_CONTEXT_KEY, type ReviewContext } from "../../lib/reviewContext";
import type { CallLogPage, CallLogRow, ReportFilter } from "../../lib/bindings";

class NoResize {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResize as unknown as typeof ResizeObserver;

const row = (id: string, name: string): CallLogRow => ({
  id,
  started_at: "2026-12-04T15:00:00.000Z",
  rep_id: "r",
  rep_name: "Dana Ruiz",
  theme_id: null,
  theme_name: null,
  prospect_id: "p",
  prospect_name: name,
  company: "Acme",
  duration_ms: 42_000,
  ring_ms: null,
  outcome: "no_answer",
  outcome_label: "No answer",
  objections: [],
  notes: "",
  has_gap_notes: false,
  flagged: false,
  comments: 0,
});
const page = (rows: CallLogRow[]): CallLogPage => ({ rows, next: null, prev: null, total: { value: rows.length, exact: true }, offset: 0 });
const filter: ReportFilter = { from: null, to: null, rep_ids: [], theme_ids: [], outcomes: [], duration: null, objection_id: null, text: null, flagged: false, talk_track_version_ids: [] };
const ctx: ReviewContext = { filter, exportDir: "/tmp", smallSample: 30, limitSeconds: 180 };

describe("the call log, from this copy or the team store", () => {
  afterEach(clearMocks);

  function answer() {
    const asked: string[] = [];
    mockIPC((cmd) => {
      asked.push(cmd);
      if (cmd === "review_call_log") return page([row("c1", "From this copy")]);
      if (cmd === "review_call_log_live") return page([row("c2", "From the store")]);
      return null;
    });
    return asked;
  }

  it("reads this copy, with its export", async () => {
    const asked = answer();
    render(CallLogTab, { props: { live: false }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    await waitFor(() => expect(screen.getByText("From this copy")).toBeInTheDocument());
    expect(asked).toContain("review_call_log");
    expect(asked).not.toContain("review_call_log_live");
    expect(screen.getByRole("button", { name: "Export these calls" })).toBeInTheDocument();
  });

  it("reads the team store when live, without the export (it reads this copy)", async () => {
    const asked = answer();
    render(CallLogTab, { props: { live: true }, context: new Map([[REVIEW_CONTEXT_KEY, ctx]]) });
    await waitFor(() => expect(screen.getByText("From the store")).toBeInTheDocument());
    expect(asked).toContain("review_call_log_live");
    expect(asked).not.toContain("review_call_log");
    expect(screen.queryByRole("button", { name: "Export these calls" })).toBeNull();
  });
});
