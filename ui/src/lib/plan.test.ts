import { describe, expect, it } from "vitest";
import type { PlanForm, PlanRate } from "./bindings";
import { RATES, fieldsOf, formOf, gridHours, hhmm, hoursText, parseAmount, parseHhmm, placement, rateText, sameForm, sourceBadge } from "./plan";

const rate = (over: Partial<PlanRate>): PlanRate => ({
  value: 0.1,
  source: "history",
  basis: "",
  history_numerator: 94,
  history_denominator: 941,
  min_history: 30,
  ...over,
});

describe("plan helpers", () => {
  it("reads amounts the way reps type them", () => {
    expect(parseAmount("120000")).toBe(120000);
    expect(parseAmount("120,000")).toBe(120000);
    expect(parseAmount(" $15 000 ")).toBe(15000);
    expect(parseAmount("120k")).toBe(120000);
    expect(parseAmount("1.5M")).toBe(1500000);
    expect(parseAmount("-5")).toBe(-5);
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("lots")).toBeNull();
    expect(parseAmount("12.3.4")).toBeNull();
  });

  it("turns the fields into a form: percentages become shares, empty overrides stay automatic", () => {
    const fields = fieldsOf(null, 4);
    expect(formOf(fields)).toMatchObject({ form: null, missing: true });
    fields.quota = "120k";
    fields.dealSize = "15,000";
    fields.overrides.dial_to_connect = "8 %";
    fields.overrides.dials_per_block = "40";
    const { form, errors } = formOf(fields);
    expect(errors).toEqual({});
    expect(form).toEqual({
      period: "month",
      quota: 120000,
      deal_size: 15000,
      close_ratio: 4,
      won_to_date: 0,
      open_pipeline: 0,
      overrides: {
        meeting_to_opportunity: null,
        conversation_to_meeting: null,
        connect_to_conversation: null,
        dial_to_connect: 0.08,
        dials_per_block: 40,
      },
    });
    // The saved form fills the fields back, and is the same plan.
    const again = fieldsOf(form, 4);
    expect(again.quota).toBe("120,000");
    expect(again.overrides.dial_to_connect).toBe("8");
    expect(sameForm(formOf(again).form, form)).toBe(true);
    expect(sameForm({ ...(form as PlanForm), quota: 1 }, form)).toBe(false);
    expect(again.wonToDate).toBe("");
  });

  it("reads what is won and open as amounts, empty as none, and keeps them in the saved plan", () => {
    const fields = fieldsOf(null, 4);
    fields.quota = "120k";
    fields.dealSize = "15,000";
    fields.wonToDate = "$30,000";
    fields.openPipeline = "60k";
    const { form } = formOf(fields);
    expect(form).toMatchObject({ won_to_date: 30000, open_pipeline: 60000 });
    const again = fieldsOf(form, 4);
    expect([again.wonToDate, again.openPipeline]).toEqual(["30,000", "60,000"]);
    expect(sameForm(formOf(again).form, form)).toBe(true);
    expect(sameForm({ ...(form as PlanForm), open_pipeline: 0 }, form)).toBe(false);
    expect(sameForm({ ...(form as PlanForm), won_to_date: 1 }, form)).toBe(false);
    fields.wonToDate = "some";
    fields.openPipeline = "a bit";
    const bad = formOf(fields);
    expect(bad.form).toBeNull();
    expect(Object.keys(bad.errors).sort()).toEqual(["openPipeline", "wonToDate"]);
    expect(bad.errors.wonToDate).toMatch(/or leave it empty/);
  });

  it("shows hours a week to one decimal and a year whole", () => {
    expect(hoursText(27.6)).toBe("27.6");
    expect(hoursText(4)).toBe("4.0");
    expect(hoursText(1214.4, true)).toBe("1,214");
  });

  it("says which field is not a number, and leaves the sense of the numbers to the core", () => {
    const fields = fieldsOf(null, 4);
    fields.quota = "a lot";
    fields.dealSize = "0";
    fields.closeRatio = "";
    fields.overrides.conversation_to_meeting = "five";
    const { form, errors } = formOf(fields);
    expect(form).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(["closeRatio", "conversation_to_meeting", "quota"]);
  });

  it("labels each rate's source, with the calls behind history", () => {
    const dials = RATES[0];
    expect(sourceBadge(rate({}), dials)).toEqual({ text: "Your history · 941 dials", cls: "history" });
    expect(sourceBadge(rate({ source: "benchmark" }), dials).text).toBe("Benchmark");
    expect(sourceBadge(rate({ source: "assumption" }), dials).text).toBe("Assumption");
    expect(sourceBadge(rate({ source: "user" }), dials).text).toBe("Yours");
    expect(rateText(0.1158, true)).toBe("11.6 %");
    expect(rateText(0.5, true)).toBe("50 %");
    expect(rateText(52.33, false)).toBe("52.3");
  });

  it("places slots on the week grid in 15-minute rows", () => {
    expect(hhmm(545)).toBe("09:05");
    expect(parseHhmm("9:30")).toBe(570);
    expect(parseHhmm("24:00")).toBe(1440);
    expect(parseHhmm("25:00")).toBeNull();
    expect(parseHhmm("0930")).toBeNull();
    // From 07:00: 09:00 is row 8 of the body (line 10 with the header); 52 minutes take 4 rows.
    expect(placement(1, 540, 52, 7)).toEqual({ row: "10 / 14", column: "3" });
    expect(gridHours([], 540, 720)).toEqual({ from: 7, to: 19 });
    expect(gridHours([{ start_minute: 6 * 60 + 30, minutes: 30 }], 540, 720)).toEqual({ from: 6, to: 19 });
    expect(gridHours([{ start_minute: 20 * 60, minutes: 90 }], 540, 720)).toEqual({ from: 7, to: 22 });
  });
});

describe("a rate's basis", () => {
  it("does not repeat the badge's word", async () => {
    const { basisText } = await import("./plan");
    const rate = (source: "assumption" | "benchmark" | "history" | "user", basis: string) =>
      ({ value: 0.5, source, basis, history_numerator: 0, history_denominator: 0, min_history: 0 }) as Parameters<typeof basisText>[0];
    expect(basisText(rate("assumption", "assumption: 50 % of meetings become opportunities"))).toBe("50 % of meetings become opportunities");
    expect(basisText(rate("benchmark", "benchmark: 7.5 % of dials connect"))).toBe("7.5 % of dials connect");
    expect(basisText(rate("history", "your last 90 days: 40 of 80"))).toBe("Your last 90 days: 40 of 80");
  });
});
