import { blockAction, dialKey, objectionAdvice, nextBusinessDayAt, DEFAULT_OUTCOMES as OUTCOMES, outcomeDefs, outcomeProblems } from "./block";

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

describe("the rep's outcome words", () => {
  const words = (labels: Record<string, string>, keys: Record<string, string>) => ({ outcome_labels: labels, outcome_keys: keys });

  it("takes the rep's labels and keys, keeping the form and the confirmation with the outcome", () => {
    const defs = outcomeDefs(words({ meeting: " Demo set ", do_not_call: "" }, { meeting: "M", do_not_call: "0", no_answer: " " }));
    const meeting = defs.find((d) => d.outcome === "meeting")!;
    expect(meeting).toEqual({ outcome: "meeting", key: "m", label: "Demo set", form: "meeting" });
    const dnc = defs.find((d) => d.outcome === "do_not_call")!;
    expect(dnc).toEqual({ outcome: "do_not_call", key: "0", label: "Do not call", confirm: true });
    expect(defs[0].key).toBe("1");
    expect(outcomeDefs(null)).toEqual([...OUTCOMES]);
    // The block takes the rep's keys: "m" logs the meeting, "7" nothing now.
    expect(blockAction(key("m", "KeyM"), false, objections, defs)).toEqual({ kind: "outcome", def: meeting });
    expect(blockAction(key("M", "KeyM"), false, objections, defs)).toEqual({ kind: "outcome", def: meeting });
    expect(blockAction(key("7", "Digit7"), false, objections, defs)).toBeNull();
    expect(blockAction(key("0", "Digit0"), false, objections, defs)).toEqual({ kind: "outcome", def: dnc });
    expect(blockAction(key("m", "KeyM"), true, objections, defs)).toBeNull();
  });

  it("says what is wrong before saving, as the core does", () => {
    const defaults = outcomeDefs(null);
    const base = words(
      Object.fromEntries(defaults.map((d) => [d.outcome, d.label])),
      Object.fromEntries(defaults.map((d) => [d.outcome, d.key])),
    );
    expect(outcomeProblems(base, objections.map((o) => ({ label: o.objection_id, hotkey: o.hotkey })))).toEqual({});
    const bad = structuredClone(base);
    bad.outcome_labels.voicemail = "  ";
    bad.outcome_labels.gatekeeper = "NO ANSWER";
    bad.outcome_labels.bad_number = "x".repeat(41);
    bad.outcome_keys.not_interested = "12";
    bad.outcome_keys.callback = "1";
    bad.outcome_keys.meeting = "Q";
    bad.outcome_keys.do_not_call = "!";
    const lib = [
      { label: "Send me an email", hotkey: "q", archived_at: null },
      { label: "Old one", hotkey: "z", archived_at: "2026-01-01" },
    ];
    expect(outcomeProblems(bad, lib)).toEqual({
      voicemail: { label: "Give it a label." },
      gatekeeper: { label: "“NO ANSWER” is already the label of No answer." },
      bad_number: { label: "At most 40 characters (this is 41)." },
      not_interested: { key: "“12” is not allowed: one digit 0-9 or one letter a-z." },
      callback: { key: "The key 1 is already the key of No answer." },
      meeting: { key: "The key q is already the hotkey of the objection “Send me an email”." },
      do_not_call: { key: "“!” is not allowed: one digit 0-9 or one letter a-z." },
    });
    // An archived objection's key is free.
    const z = structuredClone(base);
    z.outcome_keys.meeting = "z";
    expect(outcomeProblems(z, lib)).toEqual({});
  });
});
