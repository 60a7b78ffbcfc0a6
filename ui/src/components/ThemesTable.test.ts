import { render, screen, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import ThemesTable from "./ThemesTable.svelte";
import type { ThemeSummary } from "../lib/bindings";

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

describe("ThemesTable", () => {
  const themes = [
    theme("t1", "Logistics", { prospects: 1200, ready: 800, meetings: 3, do_not_call: 2 }),
    theme("t2", "Texas", { kind: "geography", prospects: 40, ready: 10, callbacks_due: 4 }),
    theme(null, "No theme", { prospects: 5, ready: 5 }),
  ];

  it("shows one row per theme with its counts", () => {
    render(ThemesTable, { themes });
    const table = screen.getByRole("table", { name: "Themes" });
    const logistics = within(table).getByRole("rowheader", { name: "Logistics" }).closest("tr")!;
    expect(logistics).toHaveAttribute("data-theme-id", "t1");
    expect(within(logistics).getByText("Vertical")).toBeInTheDocument();
    expect(logistics.querySelector('[data-col="prospects"]')).toHaveTextContent("1,200");
    expect(logistics.querySelector('[data-col="ready"]')).toHaveTextContent("800");
    expect(logistics.querySelector('[data-col="do_not_call"]')).toHaveTextContent("2");
    const texas = within(table).getByRole("rowheader", { name: "Texas" }).closest("tr")!;
    expect(within(texas).getByText("Geography")).toBeInTheDocument();
    expect(texas.querySelector('[data-col="callbacks_due"]')).toHaveTextContent("4");
  });

  it("says how many more are due outside their calling hours, and when the first window opens", () => {
    render(ThemesTable, {
      themes: [theme("t1", "Texas", { prospects: 50, ready: 12, due_outside_hours: 30, next_window_at: "2026-12-07T14:00:00Z" })],
    });
    const later = screen.getByTestId("due-later");
    expect(later).toHaveTextContent("+30 later");
    expect(later.getAttribute("title")).toMatch(/^30 more are due but outside their local calling hours; the first window opens /);
    expect(document.querySelector('[data-col="ready"]')).toHaveTextContent(/^12/);
  });

  it("keeps prospects without a theme apart and totals every row", () => {
    render(ThemesTable, { themes });
    const rows = document.querySelectorAll("tbody tr[data-theme-id]");
    expect(rows).toHaveLength(2);
    expect(document.querySelector('[data-total="prospects"]')).toHaveTextContent("1,245");
    expect(document.querySelector('[data-total="ready"]')).toHaveTextContent("815");
  });

  it("reports the theme the user picks", async () => {
    const picked: string[] = [];
    render(ThemesTable, { themes, selected: "t2", onselect: (id: string) => picked.push(id) });
    expect(screen.getByRole("button", { name: "Texas" })).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(screen.getByRole("button", { name: "Logistics" }));
    await userEvent.click(screen.getByRole("button", { name: "No theme" }));
    expect(picked).toEqual(["t1", ""]);
  });
});
