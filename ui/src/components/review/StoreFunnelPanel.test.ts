import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import StoreFunnelPanel from "./StoreFunnelPanel.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const funnel = (dials: number, connects: number, conversations: number, meetings: number) => ({
  dials,
  connects,
  conversations,
  meetings,
  talk_seconds: 0,
  calls_past_limit: 0,
});

describe("the team's funnel counted in the store", () => {
  it("asks the store for the period chosen and shows each rep and the team", async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "team_store_report") return null;
      asked.push((args as { days: number | null }).days);
      return {
        selection: "all time (counted in the team store)",
        from: null,
        to: null,
        ...funnel(30, 6, 4, 2),
        rates: {},
        by: "rep",
        groups: [
          { key: "r1", label: "Dana Ruiz", funnel: funnel(20, 4, 3, 2), rates: {} },
          { key: "r2", label: "Sam Okafor", funnel: funnel(10, 2, 1, 0), rates: {} },
        ],
        definitions: [],
      };
    });
    render(StoreFunnelPanel);
    await fireEvent.change(screen.getByLabelText("Store period"), { target: { value: "all" } });
    await fireEvent.click(screen.getByRole("button", { name: "Count in the store" }));
    const table = await screen.findByRole("table", { name: "Funnel by rep, counted in the team store" });
    expect(asked).toEqual([null]);
    const dana = within(table).getByRole("row", { name: /Dana Ruiz/ });
    expect(dana.textContent).toMatch(/20.*4.*3.*2.*50\.0 % \(2\/4\)/);
    expect(within(table).getByRole("row", { name: /Team/ }).textContent).toMatch(/30.*6.*4.*2/);
    expect(screen.getByText(/All time, counted in the team store at/)).toBeTruthy();
  });

  it("says why the store could not be asked", async () => {
    mockIPC((cmd) => {
      if (cmd === "team_store_report") throw { kind: "team_offline", message: "cannot reach the team store at lee@db:5432/sales: connection refused" };
      return null;
    });
    render(StoreFunnelPanel);
    await fireEvent.click(screen.getByRole("button", { name: "Count in the store" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the team store");
    expect(screen.getByText(/Nothing is lost: .* Count again then, or check the store's address and your role in Settings\./)).toBeTruthy();
  });
});
