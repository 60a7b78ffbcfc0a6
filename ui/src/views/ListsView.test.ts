import { cleanup, render, screen, within, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import ListsView from "./ListsView.svelte";
import { importer } from "../lib/importer.svelte";
import type { CsvImportReport, FieldColumn, ImportDraft, ImportSetup, PreviewRow, ThemeSummary } from "../lib/bindings";

const HEADERS = ["Lead ID", "First Name", "Last Name", "Title", "Company / Account", "Phone", "Industry", "Lead Source"];
const FIELDS = [
  ["crm_id", "CRM record id", false],
  ["first_name", "First name", false],
  ["last_name", "Last name", false],
  ["title", "Job title", false],
  ["company", "Company", false],
  ["phone", "Phone", true],
  ["mobile", "Mobile phone", true],
  ["industry", "Industry", false],
] as const;
const SUGGESTED: FieldColumn[] = [
  { field: "crm_id", column: 0 },
  { field: "first_name", column: 1 },
  { field: "last_name", column: 2 },
  { field: "title", column: 3 },
  { field: "company", column: 4 },
  { field: "phone", column: 5 },
  { field: "industry", column: 6 },
];
const PATH = "/home/ana/Downloads/leads.csv";

function row(line: number, title: string, theme: string | null): PreviewRow {
  return {
    line,
    action: { action: "new" },
    first_name: "Emma",
    last_name: `Müller ${line}`,
    title,
    company: "Cedar Partners LLP",
    email: null,
    phones: [{ kind: "office", e164: "+13125550193", extension: null, raw: "312-555-0193" }],
    city: "Chicago",
    region: "IL",
    country: "US",
    time_zone: line === 4 ? null : "America/Chicago",
    industry: "Construction",
    employees: "",
    crm_id: null,
    theme,
    warnings: [],
  };
}

function draft(setup: ImportSetup): ImportDraft {
  const titleCol = setup.columns.find((c) => c.field === "title")?.column;
  const title = titleCol === 7 ? "Web" : titleCol === 3 ? "Chief Financial Officer" : "";
  const theme = setup.theme.by === "field" ? "Construction" : setup.theme.by === "named" ? setup.theme.value : null;
  return {
    format: "salesforce",
    format_label: "Salesforce",
    encoding_label: "UTF-8",
    delimiter_label: "comma",
    setup,
    preview: {
      file: { path: PATH, encoding: "utf8", delimiter: "comma", headers: HEADERS, header_line: 1, size_bytes: 900, notes: [] },
      mapping: { headers: HEADERS, entries: setup.columns.map((c) => ({ ...c, header: HEADERS[c.column], rule: { rule: "name" as const }, why: "its name" })) },
      unmapped: HEADERS.filter((_, i) => !setup.columns.some((c) => c.column === i)),
      rows: [row(2, title, theme), row(4, title, theme)],
      rejected: [{ line: 3, reason: "no phone number" }],
      complete: true,
    },
    column_samples: ["00Q1", "Emma", "Müller", "Chief Financial Officer", "Cedar Partners LLP", "312-555-0193", "Construction", "Web"],
  };
}

function report(over: Partial<CsvImportReport> = {}): CsvImportReport {
  return {
    file: PATH,
    import_id: null,
    committed: false,
    dry_run: true,
    encoding: "utf8",
    delimiter: "comma",
    rows_read: 3,
    imported: 2,
    updated: 0,
    unchanged: 0,
    rejected_count: 1,
    rejected: [{ line: 3, reason: "no phone number" }],
    do_not_call: 0,
    warning_count: 0,
    warnings: [],
    time_zone_unknown: 1,
    themes: { Construction: 2 },
    unthemed: 0,
    ...over,
  };
}

function theme(id: string | null, name: string, over: Partial<ThemeSummary> = {}): ThemeSummary {
  return {
    id,
    name,
    kind: id ? "vertical" : null,
    prospects: 0,
    ready: 0,
    due_outside_hours: 0,
    next_window_at: null,
    waiting: 0,
    callbacks_due: 0,
    meetings: 0,
    not_interested: 0,
    exhausted: 0,
    do_not_call: 0,
    bad_number: 0,
    ...over,
  };
}

const defaults = {
  folder: "/home/ana/Downloads/",
  region: "US",
  fields: FIELDS.map(([field, label, is_phone]) => ({ field, label, is_phone })),
  running: false,
};

type Calls = Record<string, unknown[]>;

function backend(over: Record<string, (a: Record<string, unknown>) => unknown> = {}): Calls {
  const calls: Calls = {};
  let themes: ThemeSummary[] = [];
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      (calls[cmd] ??= []).push(a);
      if (over[cmd]) return over[cmd](a);
      switch (cmd) {
        case "list_themes":
          return themes;
        case "import_defaults":
          return defaults;
        case "ui_ready":
          return null;
        case "open_import":
          return draft({ path: PATH, columns: SUGGESTED, theme: { by: "none" }, region: "US" });
        case "preview_import":
          return draft(a.setup as ImportSetup);
        case "check_import":
          return report();
        case "run_import":
          themes = [theme("t1", "Construction", { prospects: 2, ready: 2 })];
          return report({ committed: true, dry_run: false, import_id: "i1" });
        case "cancel_import":
          return true;
        case "team_status":
          // Not linked to a team store: the theme says nothing of the team.
          return { link: null, waiting: 0, oldest_waiting: null, leased: 0 };
        default:
          throw new Error(`unexpected command ${cmd}`);
      }
    },
    { shouldMockEvents: true },
  );
  return calls;
}

afterEach(async () => {
  // The views go first, while the mocked events can still be unlistened.
  cleanup();
  await importer.close();
  clearMocks();
});

describe("ListsView: importing a CSV", () => {
  it("opens a file, takes a corrected mapping and a theme choice, imports the valid rows and shows the themes", async () => {
    const calls = backend();
    render(ListsView);
    expect(await screen.findByRole("heading", { name: "No call lists yet" })).toBeInTheDocument();
    await userEvent.keyboard("{Alt>}i{/Alt}");
    const path = await screen.findByRole("textbox", { name: "File to import" });
    await waitFor(() => expect(path).toHaveValue("/home/ana/Downloads/"));
    await userEvent.clear(path);
    await userEvent.type(path, `${PATH}{Enter}`);

    expect(await screen.findByTestId("import-detected")).toHaveTextContent("Salesforce export");
    expect(screen.getByTestId("import-encoding")).toHaveTextContent("UTF-8");
    expect(screen.getByTestId("import-delimiter")).toHaveTextContent("comma-separated");
    const title = screen.getByRole("combobox", { name: "Column for Job title" });
    expect(title).toHaveValue("3");
    expect(screen.getByRole("combobox", { name: "Column for Mobile phone" })).toHaveValue("");
    const preview = screen.getByRole("table", { name: "Preview" });
    expect(within(preview).getAllByText("Chief Financial Officer")).toHaveLength(2);
    expect(within(preview).getByText("unknown")).toBeInTheDocument();
    expect(await screen.findByTestId("import-check")).toHaveTextContent("2 new prospects");
    expect(screen.getByTestId("import-rejected")).toHaveTextContent("Line 3 no phone number");

    // Correct one column and group by industry: the preview follows.
    await userEvent.selectOptions(title, "Lead Source");
    await waitFor(() => expect(within(screen.getByRole("table", { name: "Preview" })).getAllByText("Web")).toHaveLength(2));
    await userEvent.click(screen.getByRole("radio", { name: /Group by a field/ }));
    await waitFor(() => expect(within(screen.getByRole("table", { name: "Preview" })).getAllByText("Construction").length).toBeGreaterThan(0));
    const last = calls.preview_import.at(-1) as { setup: ImportSetup };
    expect(last.setup.columns).toContainEqual({ field: "title", column: 7 });
    expect(last.setup.columns.filter((c) => c.field === "title")).toHaveLength(1);
    expect(last.setup.theme).toEqual({ by: "field", value: "industry" });
    expect(screen.getByTestId("import-unmapped")).toHaveTextContent("Title");

    const run = await screen.findByRole("button", { name: "Import 2 valid rows" });
    expect(screen.getByRole("button", { name: "Import nothing" })).toBeInTheDocument();
    await userEvent.click(run);
    const done = await screen.findByTestId("import-report");
    expect(within(done).getByTestId("report-imported")).toHaveTextContent("2");
    expect(within(done).getByTestId("report-rejected")).toHaveTextContent("1");
    expect(within(done).getByRole("table", { name: "Imported into themes" })).toHaveTextContent("Construction");
    const runArgs = calls.run_import[0] as { setup: ImportSetup; onRejects: string; rememberRegion: boolean };
    expect(runArgs.onRejects).toBe("import_valid");
    expect(runArgs.setup.columns).toContainEqual({ field: "title", column: 7 });
    expect(runArgs.setup.theme).toEqual({ by: "field", value: "industry" });

    // The themes table now shows the imported theme.
    const themes = await screen.findByRole("table", { name: "Themes" });
    expect(within(themes).getByRole("button", { name: "Construction" })).toBeInTheDocument();
    await userEvent.click(within(done).getByRole("button", { name: "Done" }));
    expect(screen.queryByTestId("import-panel")).toBeNull();
  });

  it("says how many rows are on the do-not-call list, in the check and in the report", async () => {
    backend({
      check_import: () => report({ do_not_call: 1 }),
      run_import: () => report({ committed: true, dry_run: false, import_id: "i1", do_not_call: 1 }),
    });
    render(ListsView);
    await userEvent.click(await screen.findByRole("button", { name: /Import a CSV/ }));
    const path = await screen.findByRole("textbox", { name: "File to import" });
    await userEvent.clear(path);
    await userEvent.type(path, `${PATH}{Enter}`);
    expect(await screen.findByTestId("import-dnc")).toHaveTextContent("1 row is on the do-not-call list: kept, not to be called.");
    await userEvent.click(await screen.findByRole("button", { name: "Import 2 valid rows" }));
    const done = await screen.findByTestId("import-report");
    expect(within(done).getByTestId("report-dnc")).toHaveTextContent("1");
    expect(done).toHaveTextContent("1 row is on the do-not-call list: kept, not to be called.");
  });

  it("says how many matched rows bring nothing new, in the check and in the report", async () => {
    const same = { imported: 0, updated: 2, unchanged: 2, rejected_count: 0, rejected: [] };
    backend({
      check_import: () => report(same),
      run_import: () => report({ ...same, committed: true, dry_run: false, import_id: "i1" }),
    });
    render(ListsView);
    await userEvent.click(await screen.findByRole("button", { name: /Import a CSV/ }));
    const path = await screen.findByRole("textbox", { name: "File to import" });
    await userEvent.clear(path);
    await userEvent.type(path, `${PATH}{Enter}`);
    expect(await screen.findByTestId("import-check")).toHaveTextContent(
      "2 updates of prospects you already have (2 with nothing new, left as they are)",
    );
    await userEvent.click(await screen.findByRole("button", { name: "Import 2 rows" }));
    const done = await screen.findByTestId("import-report");
    expect(within(done).getByTestId("report-updated")).toHaveTextContent("2");
    expect(within(done).getByTestId("report-unchanged")).toHaveTextContent("2");
  });

  it("shows why a file cannot be read, and writes nothing", async () => {
    const calls = backend({
      open_import: () => {
        throw { kind: "not_text", message: "/home/ana/Downloads/photo.csv: is not a text file (it holds binary data); export the list as CSV and import that file" };
      },
    });
    render(ListsView);
    await userEvent.click(await screen.findByRole("button", { name: /Import a CSV/ }));
    const path = await screen.findByRole("textbox", { name: "File to import" });
    await userEvent.clear(path);
    await userEvent.type(path, "/home/ana/Downloads/photo.csv{Enter}");
    expect(await screen.findByTestId("import-error")).toHaveTextContent("photo.csv: is not a text file");
    expect(screen.queryByTestId("import-detected")).toBeNull();
    expect(calls.check_import).toBeUndefined();
    expect(calls.run_import).toBeUndefined();
  });

  it("shows the progress of a long import and cancels it, leaving everything as it was", async () => {
    let reject: ((e: unknown) => void) | undefined;
    const calls = backend({
      run_import: () =>
        new Promise((_, r) => {
          reject = r;
        }),
      cancel_import: () => {
        reject?.({ kind: "cancelled", message: "leads.csv: the import was cancelled after 40000 rows; nothing was changed" });
        return true;
      },
    });
    render(ListsView);
    await userEvent.click(await screen.findByRole("button", { name: /Import a CSV/ }));
    const path = await screen.findByRole("textbox", { name: "File to import" });
    await userEvent.clear(path);
    await userEvent.type(path, `${PATH}{Enter}`);
    await userEvent.click(await screen.findByRole("button", { name: "Import 2 valid rows" }));
    const progress = await screen.findByTestId("import-progress");
    await emit("import-progress", { job: 2, dry_run: false, rows_read: 40000, fraction: 0.4 });
    await waitFor(() => expect(progress).toHaveTextContent("Importing… 40 % (40,000 rows)"));
    await emit("import-progress", {
      job: 2,
      dry_run: false,
      rows_read: 500000,
      fraction: 0.5,
      stage: "reading",
      rows_per_second: 61234,
      seconds_left: 8.2,
    });
    await waitFor(() => expect(progress).toHaveTextContent("Importing… 50 % (500,000 rows, 61,234 rows/s, about 8 s left)"));
    expect(screen.getByRole("combobox", { name: "Column for Job title" })).toBeDisabled();
    await userEvent.click(within(progress).getByRole("button", { name: "Cancel the import" }));
    expect(await screen.findByTestId("import-notice")).toHaveTextContent("Import cancelled: nothing was changed.");
    expect(calls.cancel_import).toHaveLength(1);
    expect(screen.getByRole("button", { name: "Import 2 valid rows" })).toBeEnabled();
  });
});

describe("ListsView: theme tools", () => {
  const page = {
    total: 2,
    exact: true,
    offset: 0,
    first: { last_name: "Lee", first_name: "Ann", id: "p1" },
    last: { last_name: "Roe", first_name: "Bob", id: "p2" },
    has_before: false,
    has_after: false,
    rows: [
      { id: "p1", name: "Ann Lee", title: "CFO", company: "Acme", phone: "+13125550100", location: "Chicago, IL, US", time_zone: null, status: "new", attempts: 0, next_attempt_at: null, callback_at: null },
      { id: "p2", name: "Bob Roe", title: "CIO", company: "Contoso", phone: "+13125550101", location: "", time_zone: null, status: "exhausted", attempts: 6, next_attempt_at: null, callback_at: null },
    ],
  };

  it("renames a theme, counts a split, and moves the selected prospects", async () => {
    let themes = [theme("t1", "Logistics", { prospects: 2, exhausted: 1 }), theme("t2", "Texas", { kind: "geography", prospects: 5 })];
    const calls = backend({
      list_themes: () => themes,
      list_prospects: () => page,
      rename_theme: (a) => {
        themes = [{ ...themes[0], name: a.name as string }, themes[1]];
        return { id: "t1", name: a.name, kind: "vertical", description: "" };
      },
      count_matching_prospects: () => 1,
      move_prospects: (a) => (a.prospectIds as string[]).length,
    });
    render(ListsView);
    await userEvent.click(await screen.findByRole("button", { name: "Logistics" }));
    const bar = await screen.findByRole("toolbar", { name: "Actions on Logistics" });

    await userEvent.click(within(bar).getByRole("button", { name: "Rename" }));
    const name = screen.getByRole("textbox", { name: "New name" });
    await userEvent.clear(name);
    await userEvent.type(name, "Logistics Midwest{Enter}");
    expect(await screen.findByTestId("lists-message")).toHaveTextContent("Renamed to “Logistics Midwest”.");
    expect(calls.rename_theme[0]).toEqual({ themeId: "t1", name: "Logistics Midwest" });

    const bar2 = await screen.findByRole("toolbar", { name: "Actions on Logistics Midwest" });
    await userEvent.click(within(bar2).getByRole("button", { name: "Split by a filter…" }));
    await userEvent.type(screen.getByRole("searchbox", { name: /contains/ }), "acme");
    await waitFor(() => expect(screen.getByTestId("split-count")).toHaveTextContent("1 of 2 prospects match."));
    expect(calls.count_matching_prospects.at(-1)).toEqual({ themeId: "t1", filter: { search: "acme", field: null, status: null } });

    await userEvent.click(await screen.findByRole("checkbox", { name: "Select Ann Lee" }));
    expect(screen.getByTestId("selected-count")).toHaveTextContent("1 selected");
    await userEvent.click(screen.getByRole("button", { name: "Move" }));
    await waitFor(() => expect(calls.move_prospects).toHaveLength(1));
    expect(calls.move_prospects[0]).toEqual({ prospectIds: ["p1"], themeId: "t2" });
    expect(await screen.findByTestId("lists-message")).toHaveTextContent("Moved 1 prospect to “Texas”.");
  });
});
