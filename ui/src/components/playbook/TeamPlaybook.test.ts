import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, fireEvent } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import TeamPlaybook from "./TeamPlaybook.svelte";

afterEach(() => {
  cleanup();
  clearMocks();
});

const base = { published_by: "lee", published_at: "2026-12-06T09:00:00.000Z" };

describe("the team's playbook against the rep's", () => {
  it("says nothing when no manager has published one", async () => {
    mockIPC((cmd) => (cmd === "team_playbook_status" ? { version: null, published_by: null, published_at: null, taken_version: null, yours_changed: false, waiting: false } : null), { shouldMockEvents: true });
    render(TeamPlaybook);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("team-playbook")).toBeNull();
  });

  it("offers the waiting team version and takes it on the rep's choice", async () => {
    let taken = false;
    let imported = 0;
    mockIPC(
      (cmd) => {
        if (cmd === "team_playbook_status")
          return taken
            ? { ...base, version: 2, taken_version: 2, yours_changed: false, waiting: false }
            : { ...base, version: 2, taken_version: 1, yours_changed: true, waiting: true };
        if (cmd === "team_playbook_take") {
          taken = true;
          return { summary: "1 new version of a talk track.", created: 0, new_versions: 1 };
        }
        return null;
      },
      { shouldMockEvents: true },
    );
    render(TeamPlaybook, { onimported: () => imported++ });
    const box = await screen.findByTestId("team-playbook");
    expect(box.textContent?.replace(/\s+/g, " ")).toMatch(/Team version 2 \(published by lee, .*\) vs yours: you changed your playbook since you took team version 1/);
    await fireEvent.click(screen.getByRole("button", { name: "Take team version 2" }));
    expect(await screen.findByRole("status")).toHaveTextContent("1 new version of a talk track.");
    await vi.waitFor(() => expect(imported).toBe(1));
    expect(screen.getByTestId("team-playbook").textContent?.replace(/\s+/g, " ")).toMatch(/Team version 2 \(published by lee, .*\): yours is the same\./);
    expect(screen.queryByRole("button", { name: /Take team version/ })).toBeNull();
  });
});
