import { SECTIONS, emptySections, insertAt, possessive, responseWarnings, sameSections, warningsBySection } from "./playbook";

describe("playbook helpers", () => {
  it("lists the seven sections in call order, the referral optional", () => {
    expect(SECTIONS.map((s) => s.key)).toEqual([
      "opener",
      "engage_statement",
      "impact_question",
      "appointment_request",
      "voicemail_script",
      "referral",
      "agenda_line",
    ]);
    expect(SECTIONS.filter((s) => s.optional).map((s) => s.key)).toEqual(["referral"]);
  });

  it("compares sections as the core does, ignoring surrounding white space", () => {
    const a = { ...emptySections(), opener: "Hi" };
    expect(sameSections(a, { ...a, opener: " Hi \n" })).toBe(true);
    expect(sameSections(a, { ...a, opener: "Hello" })).toBe(false);
    expect(sameSections(a, null)).toBe(false);
  });

  it("groups warnings by section and picks an objection's", () => {
    const w = (section: string) => ({ section, placeholder: "{x}", message: "m" });
    const by = warningsBySection([w("opener"), w("opener"), w("referral")]);
    expect(by.opener).toHaveLength(2);
    expect(by.engage_statement).toBeUndefined();
    const ws = [w("objection:no_budget"), w("objection:no_budget@Finance leaders")];
    expect(responseWarnings(ws, "no_budget", null)).toEqual([ws[0]]);
    expect(responseWarnings(ws, "no_budget", "Finance leaders")).toEqual([ws[1]]);
  });

  it("inserts at the selection and names possessives", () => {
    expect(insertAt("Hi there", 3, 8, "{first_name}")).toEqual({ value: "Hi {first_name}", caret: 15 });
    expect(insertAt("ab", 9, 9, "!")).toEqual({ value: "ab!", caret: 3 });
    expect(possessive("Finance leaders")).toBe("Finance leaders’");
    expect(possessive("Logistics & freight")).toBe("Logistics & freight’s");
  });
});
