import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, fireEvent, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import DoNotCallPanel from "./DoNotCallPanel.svelte";
import type { DncEntry } from "../../lib/bindings";

afterEach(() => {
  cleanup();
  clearMocks();
});

const entry = (value: string, shown: string, prospect: string | null, why = "a call ended do not call"): DncEntry => ({
  kind: value.includes("@") ? "email" : "phone",
  value,
  shown,
  since: "2026-12-01T15:04:00.000Z",
  why,
  prospect,
});

describe("the do-not-call list", () => {
  it("shows the list, finds by digits, adds a number by hand and says whom it marked", async () => {
    const entries = [entry("+14155550123", "(415) 555-0123", "Ana Reyes"), entry("ana@example.com", "ana@example.com", "Ana Reyes")];
    const asked: string[] = [];
    const said: string[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "do_not_call_list") {
        const { search } = args as { search: string; limit: number };
        asked.push(search);
        const found = search ? entries.filter((e) => e.value.replace("+", "").includes(search.replace(/\D/g, ""))) : entries;
        return { total: entries.length, matching: found.length, entries: found };
      }
      if (cmd === "add_to_do_not_call") {
        const { typed } = args as { typed: string };
        if (typed === "nope") throw { kind: "invalid", message: 'do-not-call: "nope" is neither an e-mail address nor a valid number in US' };
        entries.unshift(entry("+16025550100", "(602) 555-0100", null, "added by hand"));
        return { kind: "phone", value: "+16025550100", shown: "(602) 555-0100", added: true, marked: 1 };
      }
      return null;
    });
    render(DoNotCallPanel, { onclose: () => {}, onchanged: (m: string) => said.push(m) });

    expect(await screen.findByTestId("dnc-summary")).toHaveTextContent("2 numbers and e-mails on the list.");
    const rows = () => screen.getAllByRole("row").slice(1).map((r) => r.textContent ?? "");
    expect(rows()[0]).toContain("(415) 555-0123");
    expect(rows()[0]).toContain("Ana Reyes");
    // The typing field has the focus, to add at once.
    expect(document.activeElement).toBe(screen.getByLabelText("Number or e-mail to put on the list"));

    await fireEvent.input(screen.getByLabelText("Find on the list"), { target: { value: "415 555" } });
    await waitFor(() => expect(screen.getByTestId("dnc-summary")).toHaveTextContent("1 entry matches of 2 entries."));
    expect(asked).toContain("415 555");

    // A refusal says why, in a sentence, and adds nothing.
    const field = screen.getByLabelText("Number or e-mail to put on the list");
    await fireEvent.input(field, { target: { value: "nope" } });
    await fireEvent.click(screen.getByRole("button", { name: "Add to the list" }));
    expect(await screen.findByRole("alert")).toHaveTextContent('Do-not-call: "nope" is neither an e-mail address nor a valid number in US');
    expect(field).toHaveAttribute("aria-invalid", "true");
    expect(said).toEqual([]);

    await fireEvent.input(field, { target: { value: "602 555 0100" } });
    await fireEvent.click(screen.getByRole("button", { name: "Add to the list" }));
    await waitFor(() =>
      expect(screen.getByTestId("dnc-said")).toHaveTextContent("(602) 555-0100 is on the do-not-call list; 1 prospect marked do-not-call."),
    );
    expect(field).not.toHaveAttribute("aria-invalid");
    expect(said).toEqual(["(602) 555-0100 is on the do-not-call list; 1 prospect marked do-not-call."]);
    // The search is cleared, the new entry listed first.
    await waitFor(() => expect(rows()[0]).toContain("(602) 555-0100"));
    expect(rows()[0]).toContain("added by hand");
    expect(screen.getByTestId("dnc-summary")).toHaveTextContent("3 numbers and e-mails on the list.");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says when the list is empty, and closes on Escape", async () => {
    mockIPC((cmd) => (cmd === "do_not_call_list" ? { total: 0, matching: 0, entries: [] } : null));
    let closed = 0;
    render(DoNotCallPanel, { onclose: () => (closed += 1), onchanged: () => {} });
    expect(await screen.findByTestId("dnc-summary")).toHaveTextContent("The list is empty.");
    expect(screen.queryByRole("table")).toBeNull();
    // Escape in a search with text clears it first; then it closes.
    const find = screen.getByLabelText("Find on the list");
    await fireEvent.input(find, { target: { value: "415" } });
    await fireEvent.keyDown(find, { key: "Escape" });
    expect(find).toHaveValue("");
    expect(closed).toBe(0);
    await fireEvent.keyDown(find, { key: "Escape" });
    expect(closed).toBe(1);
    await fireEvent.keyDown(screen.getByLabelText("Number or e-mail to put on the list"), { key: "Escape" });
    expect(closed).toBe(2);
  });
});
