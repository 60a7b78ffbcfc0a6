import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import Tabs from "./Tabs.svelte";

const tabs = [
  { id: "track", label: "Talk track", key: "Alt+T" },
  { id: "objections", label: "Objection library", key: "Alt+O" },
  { id: "share", label: "Import & export", key: "Alt+I" },
] as const;

describe("Tabs", () => {
  it("names each tab with its label and shortcut, and ties it to its panel", () => {
    render(Tabs, { tabs, selected: "objections", label: "Playbook parts", prefix: "pb", onchange: () => {} });
    const list = screen.getByRole("tablist", { name: "Playbook parts" });
    expect(list).toHaveClass("tabs");
    const tab = screen.getByRole("tab", { name: "Objection library Alt+O" });
    expect(tab).toHaveAttribute("id", "pb-tab-objections");
    expect(tab).toHaveAttribute("aria-controls", "pb-panel-objections");
    expect(tab).toHaveAttribute("aria-selected", "true");
    expect(tab).toHaveAttribute("aria-keyshortcuts", "Alt+O");
    expect(tab).toHaveAttribute("tabindex", "0");
    expect(screen.getByRole("tab", { name: "Talk track Alt+T" })).toHaveAttribute("tabindex", "-1");
  });

  it("selects with a click, and with the arrows, Home and End, moving the focus", async () => {
    const onchange = vi.fn();
    render(Tabs, { tabs, selected: "track", label: "Playbook parts", prefix: "pb", onchange });
    await userEvent.click(screen.getByRole("tab", { name: /^Import & export/ }));
    expect(onchange).toHaveBeenLastCalledWith("share");

    screen.getByRole("tab", { name: /^Talk track/ }).focus();
    await userEvent.keyboard("{ArrowLeft}");
    expect(onchange).toHaveBeenLastCalledWith("share");
    expect(screen.getByRole("tab", { name: /^Import & export/ })).toHaveFocus();
    await userEvent.keyboard("{Home}");
    expect(onchange).toHaveBeenLastCalledWith("track");
    expect(screen.getByRole("tab", { name: /^Talk track/ })).toHaveFocus();
    await userEvent.keyboard("{ArrowRight}");
    expect(onchange).toHaveBeenLastCalledWith("objections");
    expect(screen.getByRole("tab", { name: /^Objection library/ })).toHaveFocus();
  });
});
