import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, fireEvent } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import TeamSharing from "./TeamSharing.svelte";
import type { ThemeSummary } from "../../lib/bindings";

afterEach(() => {
  cleanup();
  clearMocks();
});

const theme = { id: "t1", name: "Shared logistics", prospects: 12 } as unknown as ThemeSummary;
const link = (manager: boolean) => ({
  link: {
    url: "postgres://lee@db.example/sales",
    role: "lee",
    rep_id: "r1",
    manager,
    team_schema: 5,
    connected_at: "2026-12-06T09:00:00.000Z",
    pushed_at: null,
    pulled_at: null,
    offline_since: null,
    last_error: null,
  },
  waiting: 0,
  oldest_waiting: null,
  leased: 0,
});

describe("a theme on the team's lists", () => {
  it("says nothing while this copy is not linked to a team store", async () => {
    mockIPC((cmd) => (cmd === "team_status" ? { link: null, waiting: 0, oldest_waiting: null, leased: 0 } : null), { shouldMockEvents: true });
    render(TeamSharing, { theme, onchanged: () => {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId("team-sharing")).toBeNull();
  });

  it("shows a rep what the team shares, with nothing to publish or withdraw", async () => {
    mockIPC((cmd) => (cmd === "team_status" ? link(false) : cmd === "team_theme_sharing" ? { shared: 12, withdrawn: 0 } : null), {
      shouldMockEvents: true,
    });
    render(TeamSharing, { theme, onchanged: () => {} });
    expect(await screen.findByTestId("team-sharing-line")).toHaveTextContent("12 prospects are on the team's lists");
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("lets a manager withdraw the list, after saying what it does, and publish it again", async () => {
    let shared = 12;
    let withdrawn = 0;
    const asked: string[] = [];
    const said: string[] = [];
    mockIPC(
      (cmd, args) => {
        if (cmd === "team_status") return link(true);
        if (cmd === "team_theme_sharing") return { shared, withdrawn };
        if (cmd === "team_withdraw") {
          asked.push(`withdraw ${JSON.stringify((args as { themeIds: string[] }).themeIds)}`);
          [withdrawn, shared] = [shared, 0];
          return { themes: ["Shared logistics"], prospects: withdrawn };
        }
        if (cmd === "team_publish") {
          asked.push(`publish ${JSON.stringify((args as { themeIds: string[] }).themeIds)}`);
          [shared, withdrawn] = [12, 0];
          return { themes: ["Shared logistics"], prospects: 12 };
        }
        return null;
      },
      { shouldMockEvents: true },
    );
    render(TeamSharing, { theme, onchanged: (m: string) => said.push(m) });
    await fireEvent.click(await screen.findByRole("button", { name: "Withdraw from the team…" }));
    const ask = screen.getByRole("group", { name: "Withdraw from the team?" });
    expect(ask).toHaveTextContent("Withdraw 12 leads from the team? Reps stop drawing them at their next sync.");
    expect(asked).toEqual([]);
    // The question has the focus; Cancel puts it away and gives it back.
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Withdraw" })));
    await fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByRole("button", { name: "Withdraw from the team…" })));
    await fireEvent.click(screen.getByRole("button", { name: "Withdraw from the team…" }));
    await fireEvent.click(screen.getByRole("button", { name: "Withdraw" }));
    await vi.waitFor(() => expect(said).toHaveLength(1));
    expect(asked).toEqual(['withdraw ["t1"]']);
    expect(said[0]).toMatch(/^Withdrew 12 prospects of “Shared logistics” from the team's lists/);
    expect(await screen.findByTestId("team-sharing-line")).toHaveTextContent("Withdrawn from the team's lists by a manager: 12 prospects");
    expect(screen.queryByRole("button", { name: /Withdraw/ })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Publish again to the team" }));
    await vi.waitFor(() => expect(said).toHaveLength(2));
    expect(asked).toEqual(['withdraw ["t1"]', 'publish ["t1"]']);
    expect(await screen.findByTestId("team-sharing-line")).toHaveTextContent("12 prospects are on the team's lists");
  });

  it("says why a publish failed", async () => {
    mockIPC(
      (cmd) => {
        if (cmd === "team_status") return link(true);
        if (cmd === "team_theme_sharing") return { shared: 0, withdrawn: 0 };
        if (cmd === "team_publish") throw { kind: "team", message: "the team store at db.example cannot be reached" };
        return null;
      },
      { shouldMockEvents: true },
    );
    render(TeamSharing, { theme, onchanged: () => {} });
    await fireEvent.click(await screen.findByRole("button", { name: "Publish to the team" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("cannot be reached");
  });
});
