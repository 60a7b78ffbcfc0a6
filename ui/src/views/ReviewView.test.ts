import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import ReviewView from "./ReviewView.svelte";
import { reviewState, REVIEW_TABS } from "../lib/reviewState.svelte";
import { emptyFilter } from "../lib/review";
import type { Dashboards, ReportFilter, ReviewOptions } from "../lib/bindings";

const options: ReviewOptions = {
  reps: [],
  talk_track_versions: [],
  themes: [],
  objections: [],
  duration_bands: [],
  outcomes: [],
  first_call: null,
  last_call: null,
  current_rep_id: null,
  export_dir: "/home/a/Documents",
  small_sample: 30,
  limit_seconds: 180,
};

// No calls: the view shows its empty state, and the filter bar above it.
const noCalls = {
  summary: { total: { dials: 0 }, definitions: [] },
} as unknown as Dashboards;

/** What the core answers a search with no word in it (api::review, Error::NoSearchWords). */
function refusal(typed: string) {
  return {
    kind: "no_search_words",
    message: `Search the notes: ${JSON.stringify(typed.trim())} has no word to look for; give words, "a phrase" or word* for a prefix`,
  };
}

let asked: ReportFilter[] = [];
let current: ReviewOptions = options;

beforeEach(() => {
  asked = [];
  current = options;
  localStorage.clear();
  reviewState.filter = emptyFilter();
  reviewState.tab = "dashboard";
  mockIPC((cmd, args) => {
    if (cmd === "review_options") return current;
    if (cmd === "review_dashboards") {
      const filter = (args as { filter: ReportFilter }).filter;
      asked.push(filter);
      if (filter.text !== null && !/[\p{L}\p{N}]/u.test(filter.text)) throw refusal(filter.text);
      return noCalls;
    }
    throw new Error(cmd);
  });
});

afterEach(() => clearMocks());

describe("the Review view's search", () => {
  it.each(["*", '"'])("shows the core's refusal of %s under the box, not a failure banner", async (typed) => {
    const user = userEvent.setup();
    render(ReviewView);
    const box = await screen.findByRole("searchbox", { name: "Search the notes" });
    await waitFor(() => expect(asked.length).toBe(1));

    await user.type(box, `${typed}{Enter}`);
    // The query goes to the core, which decides (the same rule as `callblock report --search`).
    await waitFor(() => expect(asked.at(-1)?.text).toBe(typed));
    const problem = await screen.findByText(/has no word to look for/);
    expect(problem).toHaveTextContent(refusal(typed).message);
    expect(problem).toHaveAttribute("role", "alert");
    expect(box).toHaveAttribute("aria-invalid", "true");
    expect(box).toHaveAccessibleDescription(refusal(typed).message);
    // Not the view's error banner with its retry: the search is what to change.
    expect(screen.queryByRole("button", { name: "Try again" })).not.toBeInTheDocument();

    // Words make it a search again, and the refusal goes.
    await user.clear(box);
    await user.type(box, "budget{Enter}");
    await waitFor(() => expect(screen.queryByText(/has no word to look for/)).not.toBeInTheDocument());
    expect(asked.at(-1)?.text).toBe("budget");
    expect(box).toHaveAttribute("aria-invalid", "false");
  });

  it("keeps other failures in the error banner", async () => {
    mockIPC((cmd) => {
      if (cmd === "review_options") return options;
      if (cmd === "review_dashboards") throw { kind: "busy", message: "the database is busy" };
      throw new Error(cmd);
    });
    render(ReviewView);
    expect(await screen.findByText("The database is busy")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
    expect(screen.getByRole("searchbox", { name: "Search the notes" })).toHaveAttribute("aria-invalid", "false");
  });
});

describe("the Review view's filters of several values", () => {
  const withTeam: ReviewOptions = {
    ...options,
    reps: [
      { id: "r1", name: "Dana Lee" },
      { id: "r2", name: "Sam Okafor" },
      { id: "r3", name: "Alex Rivera" },
    ],
    themes: [
      { id: "t1", name: "Logistics" },
      { id: "t2", name: "Retail" },
    ],
    outcomes: [
      { value: "meeting", label: "Meeting booked", connect: true },
      { value: "callback", label: "Callback requested", connect: true },
    ],
    first_call: "2026-01-05T15:00:00Z",
    last_call: "2026-11-20T17:00:00Z",
  };

  it("asks for the calls of every rep and theme ticked, says so when none match, and clears them in one click", async () => {
    current = withTeam;
    const user = userEvent.setup();
    render(ReviewView);
    const rep = await screen.findByRole("button", { name: /^Rep\b/ });
    await waitFor(() => expect(asked.length).toBe(1));
    expect(asked[0]).toMatchObject({ rep_ids: [], theme_ids: [], outcomes: [] });

    await user.click(rep);
    await user.click(screen.getByRole("checkbox", { name: "Sam Okafor" }));
    await user.click(screen.getByRole("checkbox", { name: "Dana Lee" }));
    await user.keyboard("{Escape}");
    await user.click(screen.getByRole("button", { name: /^Theme\b/ }));
    await user.click(screen.getByRole("checkbox", { name: "Retail" }));
    await user.click(screen.getByRole("checkbox", { name: "Logistics" }));
    await user.keyboard("{Escape}");
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ rep_ids: ["r1", "r2"], theme_ids: ["t1", "t2"], outcomes: [] }));
    expect(rep).toHaveTextContent("2 reps");
    expect(rep).toHaveAccessibleDescription("Dana Lee, Sam Okafor");

    // The empty selection names what was chosen.
    expect(await screen.findByText(/No completed call matches/)).toHaveTextContent(
      "and these filters (Rep: Dana Lee or Sam Okafor; Theme: Logistics or Retail)",
    );

    // Two reps and two themes are two filters.
    await user.click(screen.getByRole("button", { name: "Clear 2 filters" }));
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ rep_ids: [], theme_ids: [] }));
    expect(rep).toHaveTextContent("All reps");
  });
});

describe("the Review view's Team tab", () => {
  it("hides the filter bar, which does not apply to it, without losing the focus or the selection", async () => {
    current = {
      ...options,
      reps: [
        { id: "r1", name: "Dana Lee" },
        { id: "r2", name: "Sam Okafor" },
      ],
    };
    const user = userEvent.setup();
    render(ReviewView);
    await user.click(await screen.findByRole("button", { name: /^Rep\b/ }));
    await user.click(screen.getByRole("checkbox", { name: "Sam Okafor" }));
    await user.keyboard("{Escape}");
    expect(screen.getByRole("search", { name: "Which calls" })).toBeVisible();

    // Alt+T from the filter bar: the Team tab, focused; the bar is gone.
    await user.keyboard("{Alt>}t{/Alt}");
    const team = screen.getByRole("tab", { name: /^Team/ });
    expect(team).toHaveAttribute("aria-selected", "true");
    expect(team).toHaveFocus();
    expect(screen.queryByRole("search", { name: "Which calls" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Rep\b/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("combobox", { name: "Period" })).not.toBeInTheDocument();
    expect(screen.queryByRole("searchbox", { name: "Search the notes" })).not.toBeInTheDocument();
    // The only "Rep" left is the bundle's, the Team tab's own.
    expect(screen.getByRole("combobox", { name: "Rep" })).toBeVisible();
    // Alt+F (the period) does not send the focus into the hidden bar.
    await user.keyboard("{Alt>}f{/Alt}");
    expect(team).toHaveFocus();

    // Back on the dashboard, the bar is there with its selection.
    await user.click(screen.getByRole("tab", { name: /^Dashboard/ }));
    expect(screen.getByRole("search", { name: "Which calls" })).toBeVisible();
    expect(screen.getByRole("button", { name: /^Rep\b/ })).toHaveTextContent("Sam Okafor");
    expect(asked.at(-1)).toMatchObject({ rep_ids: ["r2"] });
  });
});

describe("the Review view's tabs", () => {
  it("opens the Reps tab with Alt+R, shown beside its name, and moves the focus to it", async () => {
    const user = userEvent.setup();
    render(ReviewView);
    await waitFor(() => expect(asked.length).toBe(1));
    const reps = screen.getByRole("tab", { name: "Reps Alt+R" });
    expect(reps).toHaveAttribute("aria-keyshortcuts", "Alt+R");
    expect(reps).toHaveAttribute("aria-selected", "false");
    await user.keyboard("{Alt>}r{/Alt}");
    expect(reps).toHaveAttribute("aria-selected", "true");
    await waitFor(() => expect(reps).toHaveFocus());
    expect(reviewState.tab).toBe("reps");
  });

  it("gives every tab its own Alt+ letter, none of the filter bar's (Alt+F, Alt+S)", () => {
    const codes = REVIEW_TABS.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).not.toContain("KeyF");
    expect(codes).not.toContain("KeyS");
    for (const t of REVIEW_TABS) expect(t.key).toBe(`Alt+${t.code.slice(3)}`);
  });
});
