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

/** The datetime box's value for a slot (the window's local time). */
export function localInputOf(startsAt: string): string {
  return toLocalInput(new Date(startsAt));
}

/** Is this slot the time in the datetime box? */
export function isPicked(slot: MeetingSlot, boxValue: string): boolean {
  return !!boxValue && localInputOf(slot.starts_at) === boxValue;
}

/** A meeting length the core accepts (whole minutes, 5 to 480). */
export function validLength(minutes: unknown): minutes is number {
  return typeof minutes === "number" && Number.isInteger(minutes) && minutes >= 5 && minutes <= 480;
}
