import { blockAction, dialKey, objectionAdvice, nextBusinessDayAt, OUTCOMES } from "./block";

const key = (k: string, code: string, mods: Partial<KeyboardEvent> = {}) =>
  ({ key: k, code, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods }) as KeyboardEvent;

const objections = [
  { objection_id: "o-n", hotkey: "n" },
  { objection_id: "o-i", hotkey: "i" },
];

describe("block keys", () => {
  it("maps every outcome to its number key", () => {
    expect(OUTCOMES.map((o) => o.key)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8"]);
    for (const o of OUTCOMES) {
      expect(blockAction(key(o.key, `Digit${o.key}`), false, objections)).toEqual({ kind: "outcome", def: o });
    }
  });

  it("maps objection letters, space and Alt shortcuts", () => {
    expect(blockAction(key("n", "KeyN"), false, objections)).toEqual({ kind: "objection", objectionId: "o-n" });
    expect(blockAction(key("I", "KeyI", { shiftKey: true }), false, objections)).toBeNull();
    expect(blockAction(key(" ", "Space"), false, objections)).toEqual({ kind: "start_call" });
    expect(blockAction(key("p", "KeyP", { altKey: true }), false, objections)).toEqual({ kind: "pause" });
    expect(blockAction(key("n", "KeyN", { altKey: true }), false, objections)).toEqual({ kind: "notes" });
    expect(blockAction(key("z", "KeyZ"), false, objections)).toBeNull();
  });

  it("dials the first number or the one named, and marks the ask", () => {
    expect(blockAction(key("d", "KeyD", { altKey: true }), false, objections)).toEqual({ kind: "dial", position: null });
    expect(blockAction(key("2", "Digit2", { altKey: true }), false, objections)).toEqual({ kind: "dial", position: 1 });
    expect(blockAction(key("a", "KeyA", { altKey: true }), true, objections)).toEqual({ kind: "asked" });
    expect(blockAction(key("r", "KeyR", { altKey: true }), false, objections)).toEqual({ kind: "referral" });
    expect(blockAction(key("z", "KeyZ", { altKey: true }), true, objections)).toEqual({ kind: "undo" });
    expect(dialKey(0)).toBe("Alt+1");
    expect(dialKey(9)).toBeNull();
  });

  it("leaves typing alone except for Alt shortcuts", () => {
    expect(blockAction(key("1", "Digit1"), true, objections)).toBeNull();
    expect(blockAction(key("n", "KeyN"), true, objections)).toBeNull();
    expect(blockAction(key(" ", "Space"), true, objections)).toBeNull();
    expect(blockAction(key("s", "KeyS", { altKey: true }), true, objections)).toEqual({ kind: "skip" });
  });

  it("counts objections the way the method does", () => {
    expect(objectionAdvice(1)).toMatch(/reflex/);
    expect(objectionAdvice(3)).toMatch(/decided/);
  });

  it("proposes the next business day", () => {
    const friday = new Date(2026, 10, 27, 15, 30);
    const next = nextBusinessDayAt(friday, 10);
    expect([next.getDay(), next.getDate(), next.getHours()]).toEqual([1, 30, 10]);
  });
});
