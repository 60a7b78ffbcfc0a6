import { render, screen } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import MultiSelect from "./MultiSelect.svelte";
import { choiceList, choiceSummary, inChoiceOrder, matchesQuery } from "../lib/choices";

const words = { all: "All reps", one: "rep", many: "reps" };
const reps = [
  { value: "r1", label: "Dana Lee" },
  { value: "r2", label: "Sam Okafor" },
  { value: "r3", label: "Alex Rivera" },
];
const many = [
  ...reps,
  { value: "r4", label: "Zoë Martín" },
  { value: "r5", label: "Priya Shah" },
  { value: "r6", label: "Jon Berg" },
  { value: "r7", label: "Mia Chen" },
  { value: "r8", label: "Leo Park" },
  { value: "r9", label: "Ana Sousa" },
];

function setup(props: { selected?: string[]; choices?: typeof reps } = {}) {
  const onchange = vi.fn();
  const user = userEvent.setup();
  render(MultiSelect, { label: "Rep", words, choices: props.choices ?? reps, selected: props.selected ?? [], onchange });
  // Named by its label and what it says (label in name): "Rep All reps".
  const button = screen.getByRole("button", { name: /^Rep\b/ });
  return { onchange, user, button };
}

describe("MultiSelect", () => {
  it("says what is chosen: all, one name, or how many (with every name for screen readers)", async () => {
    const { user, button, onchange } = setup();
    expect(button).toHaveTextContent("All reps");
    expect(button).toHaveAccessibleName("Rep All reps");
    expect(button).toHaveAccessibleDescription("All reps");
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryByRole("group")).not.toBeInTheDocument();

    await user.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    await user.click(screen.getByRole("checkbox", { name: "Sam Okafor" }));
    expect(onchange).toHaveBeenLastCalledWith(["r2"]);
    expect(button).toHaveTextContent("Sam Okafor");

    await user.click(screen.getByRole("checkbox", { name: "Dana Lee" }));
    await user.click(screen.getByRole("checkbox", { name: "Alex Rivera" }));
    // In the list's order, whatever the order of the clicks.
    expect(onchange).toHaveBeenLastCalledWith(["r1", "r2", "r3"]);
    expect(button).toHaveTextContent("3 reps");
    expect(button).toHaveAccessibleDescription("Dana Lee, Sam Okafor, Alex Rivera");
    expect(button).toHaveAttribute("title", "Dana Lee, Sam Okafor, Alex Rivera");

    await user.click(screen.getByRole("checkbox", { name: "Sam Okafor" }));
    expect(onchange).toHaveBeenLastCalledWith(["r1", "r3"]);
    expect(screen.getByRole("checkbox", { name: "Sam Okafor" })).not.toBeChecked();
    expect(screen.getByRole("checkbox", { name: "Dana Lee" })).toBeChecked();
  });

  it("goes back to all in one click, from the list or from the × beside the button", async () => {
    const { user, button, onchange } = setup({ selected: ["r1", "r3"] });
    expect(button).toHaveTextContent("2 reps");
    await user.click(button);
    const all = screen.getByRole("button", { name: "All reps" });
    expect(all).toHaveAttribute("aria-pressed", "false");
    await user.click(all);
    expect(onchange).toHaveBeenLastCalledWith([]);
    expect(all).toHaveAttribute("aria-pressed", "true");
    expect(screen.getAllByRole("checkbox").filter((c) => (c as HTMLInputElement).checked)).toHaveLength(0);
    expect(button).toHaveTextContent("All reps");
    expect(screen.queryByRole("button", { name: "Clear the rep filter" })).not.toBeInTheDocument();

    await user.click(screen.getByRole("checkbox", { name: "Alex Rivera" }));
    await user.keyboard("{Escape}");
    const clear = screen.getByRole("button", { name: "Clear the rep filter" });
    await user.click(clear);
    expect(onchange).toHaveBeenLastCalledWith([]);
    expect(clear).not.toBeInTheDocument();
    // The focus does not fall to the page with the × gone.
    expect(button).toHaveFocus();
  });

  it("works from the keyboard: Enter opens, arrows move, Space ticks, Escape closes back to the button", async () => {
    const escapes = vi.fn();
    const onWindow = (e: KeyboardEvent) => e.key === "Escape" && escapes();
    window.addEventListener("keydown", onWindow);
    const { user, button, onchange } = setup();
    button.focus();
    await user.keyboard("{Enter}");
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("button", { name: "All reps" })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("checkbox", { name: "Dana Lee" })).toHaveFocus();
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(screen.getByRole("checkbox", { name: "Alex Rivera" })).toHaveFocus();
    await user.keyboard("{ArrowDown}");
    expect(screen.getByRole("button", { name: "All reps" })).toHaveFocus();
    await user.keyboard("{End}");
    expect(screen.getByRole("checkbox", { name: "Alex Rivera" })).toHaveFocus();
    await user.keyboard(" ");
    expect(onchange).toHaveBeenLastCalledWith(["r3"]);
    await user.keyboard("{Home}");
    expect(screen.getByRole("button", { name: "All reps" })).toHaveFocus();

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("group", { name: "Choose reps" })).not.toBeInTheDocument();
    expect(button).toHaveAttribute("aria-expanded", "false");
    expect(button).toHaveFocus();
    // Escape closed the list and nothing else (a call's detail, say).
    expect(escapes).not.toHaveBeenCalled();

    await user.keyboard("{ArrowDown}");
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(screen.getByRole("button", { name: "All reps" })).toHaveFocus();
    window.removeEventListener("keydown", onWindow);
  });

  it("closes on a click outside and when the focus leaves it", async () => {
    const outside = document.createElement("button");
    outside.textContent = "elsewhere";
    document.body.append(outside);
    const { user, button } = setup();
    await user.click(button);
    expect(screen.getByRole("group", { name: "Choose reps" })).toBeInTheDocument();
    // A click on a box's text keeps it open.
    await user.click(screen.getByText("Dana Lee"));
    expect(screen.getByRole("group", { name: "Choose reps" })).toBeInTheDocument();
    await user.click(outside);
    expect(screen.queryByRole("group", { name: "Choose reps" })).not.toBeInTheDocument();
    expect(button).toHaveAttribute("aria-expanded", "false");

    button.focus();
    await user.keyboard("{Enter}");
    expect(screen.getByRole("group", { name: "Choose reps" })).toBeInTheDocument();
    // Tab past the last box: to the × (Dana Lee is chosen), still open; then out.
    await user.keyboard("{End}{Tab}");
    expect(screen.getByRole("button", { name: "Clear the rep filter" })).toHaveFocus();
    expect(screen.getByRole("group", { name: "Choose reps" })).toBeInTheDocument();
    await user.keyboard("{Tab}");
    expect(screen.queryByRole("group", { name: "Choose reps" })).not.toBeInTheDocument();
    outside.remove();
  });

  it("has a search box when the list is long: it narrows the boxes, Enter ticks the first match", async () => {
    const { user, button, onchange } = setup({ choices: many });
    await user.click(button);
    const find = screen.getByRole("searchbox", { name: "Find a rep" });
    expect(find).toHaveFocus();
    await user.type(find, "zoe");
    // Accents and case do not matter.
    expect(screen.getAllByRole("checkbox")).toHaveLength(1);
    expect(screen.getByRole("checkbox", { name: "Zoë Martín" })).not.toBeChecked();
    await user.keyboard("{Enter}");
    expect(onchange).toHaveBeenLastCalledWith(["r4"]);
    expect(screen.getByRole("group", { name: "Choose reps" })).toBeInTheDocument();

    await user.clear(find);
    await user.type(find, "nobody");
    expect(screen.queryAllByRole("checkbox")).toHaveLength(0);
    expect(screen.getByRole("status")).toHaveTextContent("No rep matches “nobody”.");
    await user.keyboard("{Escape}");
    // Opened again, the whole list is back.
    await user.click(button);
    expect(screen.getAllByRole("checkbox")).toHaveLength(many.length);
  });

  it("has no search box for a short list", async () => {
    const { user, button } = setup();
    await user.click(button);
    expect(screen.queryByRole("searchbox")).not.toBeInTheDocument();
    expect(screen.getAllByRole("checkbox")).toHaveLength(3);
  });
});

describe("choices", () => {
  it("summarise a selection", () => {
    expect(choiceSummary([], reps, words)).toBe("All reps");
    expect(choiceSummary(["r2"], reps, words)).toBe("Sam Okafor");
    expect(choiceSummary(["r2", "r3"], reps, words)).toBe("2 reps");
    expect(choiceSummary(["gone"], reps, words)).toBe("1 rep");
    expect(choiceList(["r3", "r1"], reps, words)).toBe("Dana Lee, Alex Rivera");
    expect(choiceList(["r1", "gone", "lost"], reps, words)).toBe("Dana Lee, 2 reps no longer listed");
  });

  it("keep the list's order and match what was typed", () => {
    expect(inChoiceOrder(["r3", "gone", "r1"], reps)).toEqual(["r1", "r3", "gone"]);
    expect(matchesQuery("Zoë Martín", " MARTIN ")).toBe(true);
    expect(matchesQuery("Dana Lee", "")).toBe(true);
    expect(matchesQuery("Dana Lee", "sam")).toBe(false);
  });
});
