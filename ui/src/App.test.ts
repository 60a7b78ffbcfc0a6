import { cleanup, render, screen, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import App from "./App.svelte";

type Handler = (args: Record<string, unknown>) => unknown;

const noCallbacks = () => ({ total: 0, oldest: [] });

function backend(handlers: Record<string, Handler>) {
  mockIPC(
    (cmd, args) => {
      const h = handlers[cmd] ?? (cmd === "callbacks_due" ? noCallbacks : undefined);
      if (!h) throw new Error(`unexpected command ${cmd}`);
      return h((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
}

const okInfo = { version: "0.1.0", db_path: "/tmp/x.db", db_error: null, current_rep: null };

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("App", () => {
  it("shows why the database cannot be opened instead of the views", async () => {
    backend({
      app_info: () => ({
        ...okInfo,
        db_path: "/home/ana/leads.csv",
        db_error: { kind: "not_sqlite", message: "/home/ana/leads.csv: not an SQLite database; nothing was changed" },
      }),
    });
    render(App);
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByRole("heading", { level: 1 })).toHaveTextContent("Callblock can't open this database");
    expect(alert).toHaveTextContent("not an SQLite database");
    expect(alert).toHaveTextContent("/home/ana/leads.csv");
    expect(screen.queryByRole("navigation", { name: "Main" })).toBeNull();
  });

  it("shows the callbacks due in the sidebar and looks again when Rust says they changed", async () => {
    let total = 1;
    const dana = { prospect_id: "p1", name: "Dana Ng", company: "Acme", theme_name: "Texas", callback_at: "2026-12-07T15:00:00.000Z" };
    const lee = { ...dana, prospect_id: "p2", name: "Lee Park" };
    backend({
      app_info: () => okInfo,
      list_themes: () => [],
      ui_ready: () => null,
      callbacks_due: () => ({ total, oldest: [dana, lee].slice(0, total) }),
    });
    render(App);
    const due = await screen.findByTestId("callbacks-due");
    expect(due).toHaveTextContent("1 callback due");
    expect(due).toHaveTextContent("Dana Ng, Acme");
    total = 2;
    await emit("callbacks-changed", { total: 2 });
    expect(await screen.findByText("2 callbacks due")).toBeInTheDocument();
    expect(screen.getByTestId("callbacks-due")).toHaveTextContent("Lee Park");
  });

  it("says what to do when there are no call lists yet", async () => {
    backend({ app_info: () => okInfo, list_themes: () => [], ui_ready: () => null });
    render(App);
    expect(await screen.findByRole("heading", { name: "No call lists yet" })).toBeInTheDocument();
    // What to click, not a command to type.
    expect(screen.getByRole("button", { name: "Import a CSV" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Load the demo" })).toBeInTheDocument();
    expect(screen.queryByText(/callblock demo/)).not.toBeInTheDocument();
  });

  it("moves between views with the navigation and with Alt+digit", async () => {
    backend({
      app_info: () => okInfo,
      list_themes: () => [],
      ui_ready: () => null,
      list_blocks: () => [],
      block_view: () => ({ state: "idle", summary: null }),
      get_settings: () => ({ block_minutes: 52, break_minutes: 17 }),
      next_due_block: () => null,
      plan_overview: () => ({
        rep: null,
        today: "2026-11-16",
        time_zone: "UTC",
        saved: null,
        form: null,
        progress: null,
        history: { from: null, until: null, dials: 0, connects: 0, conversations: 0, meetings: 0, completed_blocks: 0, dials_in_completed_blocks: 0 },
        rates: Object.fromEntries(
          ["meeting_to_opportunity", "conversation_to_meeting", "connect_to_conversation", "dial_to_connect", "dials_per_block"].map((k) => [
            k,
            { value: 0.5, source: "benchmark", basis: "benchmark", history_numerator: 0, history_denominator: 0, min_history: 30 },
          ]),
        ),
        default_close_ratio: 4,
        settings: { prime_time_start_minute: 540, prime_time_end_minute: 720, selling_hours_per_year: 1760, block_minutes: 52, break_minutes: 17 },
      }),
      talk_track_editor: () => ({
        theme_id: null,
        theme_name: null,
        themes: [],
        own: null,
        default: null,
        versions: [],
        authors: [],
        placeholders: [],
        default_file: "/home/ana/Documents/callblock-playbook.json",
      }),
      preview_playbook: () => ({
        prospect: { prospect_id: null, first_name: "Dana", last_name: "Reyes", title: "", company: "", location: "", index: 0, of: 0 },
        rep_name: "",
        playbook: { talk_track: null, rendered: null, objections: [], missing: [], unknown: [] },
        warnings: [],
      }),
    });
    render(App);
    const nav = await screen.findByRole("navigation", { name: "Main" });
    // Each button is named by what it shows, the shortcut included (label in name).
    expect(within(nav).getByRole("button", { name: "Lists Alt+1" })).toBeInTheDocument();
    await userEvent.click(within(nav).getByRole("button", { name: "Block Alt+2" }));
    // The views other than Lists load on demand: the first load of each may
    // take more than the default second on a busy machine.
    const lazy = { timeout: 5000 };
    expect(await screen.findByRole("heading", { name: "No call lists to call" }, lazy)).toBeInTheDocument();
    expect(within(nav).getByRole("button", { name: "Block Alt+2" })).toHaveAttribute("aria-current", "page");
    await userEvent.keyboard("{Alt>}3{/Alt}");
    expect(await screen.findByRole("heading", { name: "Playbook", level: 1 }, lazy)).toBeInTheDocument();
    // Plan is the fifth view; without a rep it says how to get one.
    await userEvent.keyboard("{Alt>}5{/Alt}");
    expect(await screen.findByRole("heading", { name: "Plan", level: 1 }, lazy)).toBeInTheDocument();
    expect(within(nav).getByRole("button", { name: "Plan Alt+5" })).toHaveAttribute("aria-keyshortcuts", "Alt+5");
    expect(screen.getByText(/There is no rep in this database yet/)).toBeInTheDocument();
  });
});
