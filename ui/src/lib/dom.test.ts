import { describe, expect, it } from "vitest";
import { rovingIndex } from "./dom";

describe("rovingIndex", () => {
  it("moves right and left, wrapping at the ends", () => {
    expect(rovingIndex("ArrowRight", 0, 3)).toBe(1);
    expect(rovingIndex("ArrowRight", 2, 3)).toBe(0);
    expect(rovingIndex("ArrowLeft", 0, 3)).toBe(2);
    expect(rovingIndex("ArrowLeft", 2, 3)).toBe(1);
  });
  it("goes to the ends with Home and End", () => {
    expect(rovingIndex("Home", 2, 4)).toBe(0);
    expect(rovingIndex("End", 0, 4)).toBe(3);
  });
  it("moves with up and down only when asked", () => {
    expect(rovingIndex("ArrowDown", 0, 3)).toBeNull();
    expect(rovingIndex("ArrowDown", 0, 3, true)).toBe(1);
    expect(rovingIndex("ArrowUp", 0, 3, true)).toBe(2);
  });
  it("ignores other keys and empty rows", () => {
    expect(rovingIndex("Enter", 1, 3)).toBeNull();
    expect(rovingIndex("ArrowRight", 0, 0)).toBeNull();
  });
});
