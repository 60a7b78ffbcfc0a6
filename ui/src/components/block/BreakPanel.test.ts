import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import BreakPanel from "./BreakPanel.svelte";
import type { BreakState } from "../../lib/bindings";

const rest: BreakState = {
  block_id: "b1",
  started_at: "2026-12-07T15:52:00.000Z",
  ends_at: "2026-12-07T16:09:00.000Z",
  break_minutes: 17,
  remaining_ms: 12 * 60_000,
  over: false,
};

// Unmount (and unlisten) before the mocked event plugin goes away.
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("BreakPanel", () => {
  it("draws the break's time from Rust's ticks and offers the next block when it is over", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "next_due_block")
          return {
            due_now: false,
            minutes_until: 90,
            occurrence: {
              slot_id: "s1", kind: "block", theme_id: "t1", theme_name: "Texas",
              starts_at: "2026-12-08T15:00:00.000Z", ends_at: "2026-12-08T15:52:00.000Z",
              local_date: "2026-12-08", local_start: "09:00", time_zone: "America/Chicago",
            },
          };
        throw new Error(`unexpected command ${cmd}`);
      },
      { shouldMockEvents: true },
    );
    render(BreakPanel, { rest });
    expect(screen.getByRole("timer", { name: "Break time left" })).toHaveTextContent("12:00");
    expect(await screen.findByTestId("next-scheduled")).toHaveTextContent("2026-12-08 09:00 on Texas");
    await emit("break-tick", { block_id: "other", remaining_ms: 1000, over: false });
    await emit("break-tick", { block_id: "b1", remaining_ms: 61_000, over: false });
    await waitFor(() => expect(screen.getByRole("timer", { name: "Break time left" })).toHaveTextContent("1:01"));
    await emit("break-tick", { block_id: "b1", remaining_ms: 0, over: true });
    expect(await screen.findByRole("heading", { name: "Break over" })).toBeInTheDocument();
  });
});
