// The meeting form's free slots (issue 18): what a slot's button says, and
// which one the datetime box holds. The slots themselves come from the
// core (`meeting_slots`).
import type { MeetingSlot, MeetingSlots, SlotDay } from "./bindings";
import { toLocalInput } from "./block";

/** The days that have a free slot, in order. */
export function daysWithSlots(slots: MeetingSlots | null): SlotDay[] {
  return (slots?.days ?? []).filter((d) => d.slots.length > 0);
}

/** A slot's button: the rep's time, then the prospect's ("10:00 CEST · 09:00 BST"). */
export function slotText(slot: MeetingSlot): string {
  return slot.prospect_time ? `${slot.rep_time} · ${slot.prospect_time}` : slot.rep_time;
}

/** Its accessible name: the day, the visible text, whose time is whose, outside their hours. */
export function slotName(day: SlotDay, slot: MeetingSlot): string {
  const theirs = slot.prospect_time ? ` · ${slot.prospect_time} (prospect)` : " (their zone unknown)";
  const outside = slot.inside_their_hours ? "" : ", outside their calling hours";
  return `${day.label} ${slot.rep_time}${theirs}${outside}`;
}

/**
 * The datetime box's value (`YYYY-MM-DDTHH:mm`) for an instant: its wall
 * time in `zone` (the rep's, as the slots and "your time" say it), or in
 * the window's zone when none is given or the zone is unknown here.
 */
export function localInputOf(startsAt: string | Date, zone?: string | null): string {
  const at = typeof startsAt === "string" ? new Date(startsAt) : startsAt;
  if (!zone) return toLocalInput(at);
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  } catch {
    return toLocalInput(at);
  }
}

/**
 * The instant the datetime box's value names in `zone` (the window's zone
 * without one); null when the box holds no time. In an hour a change of
 * clocks repeats, the earlier; in one it skips, the hour after.
 */
export function fromLocalInput(value: string, zone?: string | null): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  if (!zone) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const wallOf = (t: number) => {
    const w = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(localInputOf(new Date(t), zone));
    return w ? Date.UTC(+w[1], +w[2] - 1, +w[3], +w[4], +w[5]) : t;
  };
  // The zone's offset at a first guess, then at the answer (twice is enough).
  let t = wall - (wallOf(wall) - wall);
  t = wall - (wallOf(t) - t);
  return new Date(t);
}

/** Is this slot the time in the datetime box (read in `zone`)? */
export function isPicked(slot: MeetingSlot, boxValue: string, zone?: string | null): boolean {
  return !!boxValue && localInputOf(slot.starts_at, zone) === boxValue;
}

/** A meeting length the core accepts (whole minutes, 5 to 480). */
export function validLength(minutes: unknown): minutes is number {
  return typeof minutes === "number" && Number.isInteger(minutes) && minutes >= 5 && minutes <= 480;
}
