import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import ProspectsTable from "./ProspectsTable.svelte";
import type { ProspectKey, ProspectPage, ProspectQuery, ProspectRow, ProspectStatus } from "../lib/bindings";

/** A list of `n` prospects named P0000.. in order, with statuses cycling. */
function list(n: number): ProspectRow[] {
  const statuses: ProspectStatus[] = ["new", "meeting", "new", "exhausted"];
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    name: `P${String(i).padStart(4, "0")}`,
    title: "",
    company: i % 5 === 0 ? "Acme" : "Globex",
    phone: "",
    location: "",
    time_zone: null,
    status: statuses[i % 4],
    attempts: 0,
    next_attempt_at: null,
    callback_at: null,
  }));
}

const key = (r: ProspectRow): ProspectKey => ({ last_name: r.name, first_name: "", id: r.id });

/** A backend that pages `rows` the way the core does (keyset, row numbers). */
function backend(all: ProspectRow[], over: { exact?: boolean; keyedOffsets?: boolean } = {}) {
  const asked: ProspectQuery[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== "list_prospects") return null;
    const q = (args as { query: ProspectQuery }).query;
    asked.push(q);
    const rows = all.filter(
      (r) =>
        (!q.status || r.status === q.status) &&
        (!q.ready || r.status === "new") &&
        (!q.search || r.company.toLowerCase().includes(q.search.toLowerCase()) || r.name.includes(q.search)),
    );
    const at = (k: ProspectKey) => rows.findIndex((r) => r.name >= k.last_name);
    const n = rows.length;
    let start = 0;
    let keyed = false;
    const seek = q.seek;
    switch (seek.to) {
      case "first":
        start = 0;
        break;
      case "last":
        start = Math.max(0, n - q.limit);
        break;
      case "after":
        start = rows.findIndex((r) => r.name > seek.at.last_name);
        keyed = true;
        break;
      case "before":
        start = Math.max(0, at(seek.at) - q.limit);
        keyed = true;
        break;
      case "from":
        start = at(seek.at);
        keyed = true;
        break;
      case "row":
        start = Math.min(seek.at, Math.max(0, n - q.limit));
        break;
    }
    if (start < 0) start = Math.max(0, n - q.limit);
    const page = rows.slice(start, start + q.limit);
    const result: ProspectPage = {
      rows: page,
      total: n,
      exact: over.exact ?? true,
      offset: keyed && !over.keyedOffsets ? null : start,
      first: page[0] ? key(page[0]) : null,
      last: page.length ? key(page[page.length - 1]) : null,
      has_before: start > 0,
      has_after: start + page.length < n,
    };
    return result;
  });
  return asked;
}

const pager = () => screen.getByTestId("page-rows");

describe("ProspectsTable", () => {
  afterEach(() => clearMocks());

  it("pages next, previous, last and first by key, and jumps to a page by its row", async () => {
    const asked = backend(list(250));
    render(ProspectsTable, { themeId: "t1", themeName: "Logistics" });
    await waitFor(() => expect(pager()).toHaveTextContent("1–100 of 250"));
    expect(asked[0]).toEqual({ theme_id: "t1", search: null, status: null, ready: false, seek: { to: "first" }, limit: 100 });
    expect(screen.getByRole("button", { name: "First page" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();

    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    await waitFor(() => expect(pager()).toHaveTextContent("about 101–200 of 250"));
    expect(asked.at(-1)!.seek).toEqual({ to: "after", at: { last_name: "P0099", first_name: "", id: "p99" } });
    expect(screen.getByRole("rowheader", { name: "P0100" })).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Last page" }));
    await waitFor(() => expect(pager()).toHaveTextContent("151–250 of 250"));
    expect(asked.at(-1)!.seek).toEqual({ to: "last" });
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(screen.getByRole("button", { name: "Last page" })).toBeDisabled();

    await userEvent.click(screen.getByRole("button", { name: "Previous page" }));
    await waitFor(() => expect(pager()).toHaveTextContent("51–150 of 250"));
    expect(asked.at(-1)!.seek).toEqual({ to: "before", at: { last_name: "P0150", first_name: "", id: "p150" } });

    await userEvent.click(screen.getByRole("button", { name: "First page" }));
    await waitFor(() => expect(pager()).toHaveTextContent("1–100 of 250"));

    const field = screen.getByRole("spinbutton", { name: "Page" });
    await userEvent.clear(field);
    await userEvent.type(field, "2{Enter}");
    await waitFor(() => expect(pager()).toHaveTextContent("101–200 of 250"));
    expect(asked.at(-1)!.seek).toEqual({ to: "row", at: 100 });
    expect(screen.getByText("of 3")).toBeInTheDocument();
  });

  it("keeps the first row when the status changes and it still matches, else starts at the top", async () => {
    const asked = backend(list(400), { keyedOffsets: true });
    render(ProspectsTable, { themeId: "t1", themeName: "Logistics" });
    await waitFor(() => expect(pager()).toHaveTextContent("1–100 of 400"));
    const field = screen.getByRole("spinbutton", { name: "Page" });
    await userEvent.clear(field);
    await userEvent.type(field, "3{Enter}");
    await waitFor(() => expect(pager()).toHaveTextContent("201–300 of 400"));
    // P0200 is "new": it stays first among the new ones.
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Status" }), "new");
    await waitFor(() => expect(asked.at(-1)!.status).toBe("new"));
    await waitFor(() => expect(pager()).toHaveTextContent("101–200 of 200"));
    expect(asked.at(-1)!.seek).toEqual({ to: "from", at: { last_name: "P0200", first_name: "", id: "p200" } });
    expect(screen.getAllByRole("rowheader")[0]).toHaveTextContent("P0200");
    // P0200 is not a meeting: the top of the meetings.
    await userEvent.selectOptions(screen.getByRole("combobox", { name: "Status" }), "meeting");
    await waitFor(() => expect(asked.at(-1)!.seek).toEqual({ to: "first" }));
    await waitFor(() => expect(pager()).toHaveTextContent("1–100 of 100"));
    expect(screen.getAllByRole("rowheader")[0]).toHaveTextContent("P0001");
  });

  it("asks for the prospects callable now when the Status filter is Ready now", async () => {
    const asked = backend(list(40));
    render(ProspectsTable, { themeId: "t1", themeName: "Logistics" });
    await waitFor(() => expect(pager()).toHaveTextContent("1–40 of 40"));
    const filter = screen.getByRole("combobox", { name: "Status" });
    // Second in the list, named as the themes table's column.
    expect((filter as HTMLSelectElement).options[1].textContent).toBe("Ready now (callable now)");
    await userEvent.selectOptions(filter, "ready");
    await waitFor(() => expect(asked.at(-1)).toMatchObject({ ready: true, status: null }));
    await waitFor(() => expect(pager()).toHaveTextContent("of 20"));
  });

  it("says about when the total is an estimate", async () => {
    backend(list(30), { exact: false });
    render(ProspectsTable, { themeId: "t1", themeName: "Logistics", search: "acme" });
    await waitFor(() => expect(pager()).toHaveTextContent("1–6 of about 6"));
  });
});
