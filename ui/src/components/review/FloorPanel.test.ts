import { cleanup, render, screen, within } from "@testing-library/svelte";
import { emit } from "@tauri-apps/api/event";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import FloorPanel from "./FloorPanel.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const dana = {
  rep_id: "r1",
  name: "Dana Ruiz",
  block_id: "b1",
  started_at: "2026-12-06T15:02:00.000Z",
  planned_seconds: 3120,
  paused: false,
  dials: 14,
  connects: 4,
  conversations: 2,
  meetings: 1,
  last_call_at: "2026-12-06T15:31:00.000Z",
};

describe("the floor", () => {
  it("shows who is in a block with this block's counts, read again at each pull", async () => {
    let reps = [dana];
    mockIPC((cmd) => {
      if (cmd === "team_floor") return { reps, pulled_at: "2026-12-06T15:32:00.000Z" };
      throw new Error(cmd);
    }, { shouldMockEvents: true });
    render(FloorPanel);
    const table = await screen.findByRole("table", { name: "Reps in a block now" });
    const row = within(table).getByRole("row", { name: /Dana Ruiz/ });
    const cells = within(row).getAllByRole("cell").map((c) => c.textContent);
    expect(cells.slice(1, 5)).toEqual(["14", "4", "2", "1"]);
    reps = [];
    await emit("team-status", { link: null, waiting: 0, oldest_waiting: null });
    expect(await screen.findByText(/^Nobody is in a block now\./)).toBeInTheDocument();
  });
});
