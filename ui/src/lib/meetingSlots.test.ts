import { describe, expect, it } from "vitest";
import type { MeetingSlots } from "./bindings";
import { daysWithSlots, fromLocalInput, isPicked, localInputOf, slotName, slotText, validLength } from "./meetingSlots";

const slot = (starts_at: string, prospect_time: string | null, inside = true) => ({
  starts_at,
  rep_time: "10:00 CEST",
  prospect_time,
  inside_their_hours: inside,
});

const slots: MeetingSlots = {
  days: [
    { date: "2026-04-14", label: "Tue 14 Apr", slots: [slot("2026-04-14T08:00:00Z", "09:00 BST")] },
    { date: "2026-04-15", label: "Wed 15 Apr", slots: [] },
  ],
  source: "From your calendar work.ics",
  calendar: "work.ics",
  warning: null,
  rep_zone: "Europe/Paris",
  prospect_zone: "Europe/London",
  duration_minutes: 30,
};

describe("meeting slots", () => {
  it("shows only the days with a free slot", () => {
    expect(daysWithSlots(slots).map((d) => d.label)).toEqual(["Tue 14 Apr"]);
    expect(daysWithSlots(null)).toEqual([]);
  });

  it("names both zones, the rep's first", () => {
    const day = slots.days[0];
    expect(slotText(day.slots[0])).toBe("10:00 CEST · 09:00 BST");
    expect(slotName(day, day.slots[0])).toBe("Tue 14 Apr 10:00 CEST · 09:00 BST (prospect)");
    const far = slot("2026-04-14T08:00:00Z", "Wed 01:00 IST", false);
    expect(slotName(day, far)).toBe("Tue 14 Apr 10:00 CEST · Wed 01:00 IST (prospect), outside their calling hours");
    const unknown = slot("2026-04-14T08:00:00Z", null);
    expect(slotText(unknown)).toBe("10:00 CEST");
    expect(slotName(day, unknown)).toContain("their zone unknown");
  });

  it("fills the datetime box with the slot's start in local time, and knows it picked", () => {
    const at = "2026-04-14T08:00:00Z";
    const local = localInputOf(at);
    expect(new Date(local).toISOString()).toBe("2026-04-14T08:00:00.000Z");
    expect(isPicked(slot(at, null), local)).toBe(true);
    expect(isPicked(slot("2026-04-14T08:30:00Z", null), local)).toBe(false);
    expect(isPicked(slot(at, null), "")).toBe(false);
  });

  it("asks only for lengths the core accepts", () => {
    expect([30, 5, 480].every(validLength)).toBe(true);
    expect([4, 481, 30.5, Number.NaN, null, "30"].some(validLength)).toBe(false);
  });

  it("reads and writes the datetime box in the rep's zone, across a change of clocks", () => {
    // 14 April 2026, 09:00 UTC: 11:00 in Paris (summer time), 18:00 in Tokyo.
    expect(localInputOf("2026-04-14T09:00:00Z", "Europe/Paris")).toBe("2026-04-14T11:00");
    expect(localInputOf("2026-04-14T09:00:00Z", "Asia/Tokyo")).toBe("2026-04-14T18:00");
    expect(fromLocalInput("2026-04-14T11:00", "Europe/Paris")?.toISOString()).toBe("2026-04-14T09:00:00.000Z");
    // Winter time in Paris (UTC+1), and the day the clocks go forward.
    expect(fromLocalInput("2026-01-14T11:00", "Europe/Paris")?.toISOString()).toBe("2026-01-14T10:00:00.000Z");
    expect(fromLocalInput("2026-03-29T12:00", "Europe/Paris")?.toISOString()).toBe("2026-03-29T10:00:00.000Z");
    expect(fromLocalInput("2026-03-28T12:00", "Europe/Paris")?.toISOString()).toBe("2026-03-28T11:00:00.000Z");
    // A slot is the box's time when both read it in the same zone.
    const at = "2026-04-14T09:00:00Z";
    expect(isPicked(slot(at, null), "2026-04-14T11:00", "Europe/Paris")).toBe(true);
    expect(isPicked(slot(at, null), "2026-04-14T09:00", "Europe/Paris")).toBe(false);
    expect(fromLocalInput("", "Europe/Paris")).toBeNull();
    expect(fromLocalInput("tomorrow", null)).toBeNull();
  });
});
