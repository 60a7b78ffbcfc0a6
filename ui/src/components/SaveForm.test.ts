import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import SaveForm from "./SaveForm.svelte";
import { ApiError } from "../lib/api";

const exists = new ApiError({ kind: "conflict", message: "/home/a/x.csv already exists; replace it?" });

describe("SaveForm", () => {
  it("offers to replace an existing file, then saves again with replace", async () => {
    const save = vi.fn().mockRejectedValueOnce(exists).mockResolvedValueOnce({ path: "/home/a/x.csv", rows: 3 });
    const onclose = vi.fn();
    render(SaveForm, { panel: true, focus: "select", label: "Export the table to", path: "/home/a/x.csv", save, onclose });
    const field = screen.getByRole("textbox", { name: "Export the table to" });
    expect(field).toHaveFocus();
    expect(screen.getByRole("group", { name: "Export the table to" })).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Save" }));
    expect(save).toHaveBeenLastCalledWith("/home/a/x.csv", false);
    expect(await screen.findByRole("alert")).toHaveTextContent("already exists");

    await userEvent.click(screen.getByRole("button", { name: "Replace the file" }));
    expect(save).toHaveBeenLastCalledWith("/home/a/x.csv", true);
    const status = await screen.findByRole("status");
    expect(status).toHaveTextContent("Saved to /home/a/x.csv (3 rows).");
    expect(status).toHaveFocus();
    await userEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onclose).toHaveBeenCalled();
  });

  it("shows any other error without offering to replace, and clears it as the path changes", async () => {
    const save = vi.fn().mockRejectedValue(new ApiError({ kind: "invalid", message: "No folder /nope" }));
    const onsaved = vi.fn();
    render(SaveForm, { label: "Export to file", submit: "Export", path: "/nope/x.json", save, onsaved });
    await userEvent.type(screen.getByRole("textbox", { name: "Export to file" }), "{Enter}");
    expect(await screen.findByRole("alert")).toHaveTextContent("No folder /nope");
    expect(screen.queryByRole("button", { name: "Replace the file" })).toBeNull();
    await userEvent.type(screen.getByRole("textbox", { name: "Export to file" }), "x");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(onsaved).not.toHaveBeenCalled();
  });

  it("keeps the button off when told to", () => {
    render(SaveForm, { label: "Export to file", submit: "Export .ics", disabled: true, save: vi.fn() });
    expect(screen.getByRole("button", { name: "Export .ics" })).toBeDisabled();
  });
});
