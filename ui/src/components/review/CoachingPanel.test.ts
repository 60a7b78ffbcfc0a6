import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import CoachingPanel from "./CoachingPanel.svelte";
import type { Coaching } from "../../lib/bindings";

afterEach(() => {
  cleanup();
  clearMocks();
});

const none: Coaching = { flagged: false, flag_author: null, flag_changed_at: null, comments: [] };
const comment = (id: string, body: string, mine: boolean) => ({
  id,
  call_id: "c1",
  author: mine ? "Morgan" : "Dana Ruiz",
  body,
  created_at: "2026-12-01T15:04:00Z",
  mine,
});

describe("a call's coaching", () => {
  it("saves a comment with Ctrl+Enter, shows it and empties the box", async () => {
    const asked: unknown[] = [];
    let now: Coaching = none;
    mockIPC((cmd, args) => {
      if (cmd !== "comment_on_call") return null;
      asked.push(args);
      const a = args as { callId: string; body: string };
      now = { ...none, comments: [comment("m1", a.body.trim(), true)] };
      return now;
    });
    const changes: Coaching[] = [];
    const { rerender } = render(CoachingPanel, { callId: "c1", coaching: none, onchange: (_id: string, c: Coaching) => changes.push(c) });
    expect(screen.getByText(/No comments yet/)).toBeTruthy();
    const box = screen.getByLabelText("Comment on this call") as HTMLTextAreaElement;
    await fireEvent.input(box, { target: { value: "Pause after the impact question." } });
    await fireEvent.keyDown(box, { key: "Enter", ctrlKey: true });
    await screen.findByText("Comment saved.");
    expect(asked).toEqual([{ callId: "c1", body: "Pause after the impact question." }]);
    expect(changes).toHaveLength(1);
    expect(box.value).toBe("");
    await rerender({ callId: "c1", coaching: now, onchange: () => {} });
    expect(screen.getByRole("list", { name: "Comments" }).textContent).toContain("Pause after the impact question.");
    // Only one's own comment has a Remove button.
    expect(screen.getAllByRole("button", { name: /Remove your comment/ })).toHaveLength(1);
  });

  it("refuses an empty comment without asking the core", async () => {
    let asked = 0;
    mockIPC(() => {
      asked++;
      return none;
    });
    render(CoachingPanel, { callId: "c1", coaching: none, onchange: () => {} });
    await fireEvent.click(screen.getByRole("button", { name: "Add comment" }));
    expect(screen.getByRole("alert").textContent).toBe("Write the comment first.");
    expect(asked).toBe(0);
  });

  it("flags and unflags, and says the core's refusal in words", async () => {
    const asked: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "flag_call") return null;
      asked.push(args);
      throw { kind: "not_found", message: "call c1 was not found" };
    });
    const others: Coaching = { ...none, comments: [comment("m2", "Nice close.", false)] };
    render(CoachingPanel, { callId: "c1", coaching: others, onchange: () => {} });
    expect(screen.queryByRole("button", { name: /Remove your comment/ })).toBeNull();
    const flag = screen.getByRole("button", { name: "Flag for coaching" });
    expect(flag.getAttribute("aria-pressed")).toBe("false");
    await fireEvent.click(flag);
    expect((await screen.findByRole("alert")).textContent).toContain("Call c1 was not found");
    expect(asked).toEqual([{ callId: "c1", flagged: true }]);
  });

  it("shows who flagged the call", () => {
    render(CoachingPanel, {
      callId: "c1",
      coaching: { ...none, flagged: true, flag_author: "Morgan", flag_changed_at: "2026-12-01T15:04:00Z" },
      onchange: () => {},
    });
    const b = screen.getByRole("button", { name: "Flagged for coaching" });
    expect(b.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByTestId("flag-by").textContent).toMatch(/Flagged by Morgan/);
  });
});
