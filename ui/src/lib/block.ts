// The block's vocabulary on screen: outcome keys (the defaults, and the
// rep's from the settings), phases, objection counter, and the pure keyboard
// mapping (tested on its own).
import type { CallPhase, Outcome, QueueReason } from "./bindings";

export interface OutcomeDef {
  outcome: Outcome;
  key: string;
  label: string;
  /** Needs details before it is logged (an inline form, never a dialog). */
  form?: "meeting" | "callback";
  /** Permanent: asks for its key again (or Enter) before it is logged. */
  confirm?: boolean;
}

/**
 * domain.md section 5, in its order, one number key each: the defaults. The
 * rep's own labels and keys come from the settings (`outcomeDefs`, and the
 * store in outcomes.svelte.ts); the form and the confirmation stay with the
 * outcome whatever its key.
 */
export const DEFAULT_OUTCOMES: readonly OutcomeDef[] = [
  { outcome: "no_answer", key: "1", label: "No answer" },
  { outcome: "voicemail", key: "2", label: "Voicemail left" },
  { outcome: "gatekeeper", key: "3", label: "Gatekeeper" },
  { outcome: "bad_number", key: "4", label: "Bad number" },
  { outcome: "not_interested", key: "5", label: "Not interested" },
  { outcome: "callback", key: "6", label: "Callback requested", form: "callback" },
  { outcome: "meeting", key: "7", label: "Meeting booked", form: "meeting" },
  { outcome: "do_not_call", key: "8", label: "Do not call", confirm: true },
];

/** The longest an outcome's label may be (the core's limit). */
export const OUTCOME_LABEL_MAX = 40;

/** The rep's words and keys for the outcomes, as the settings hold them. */
export interface OutcomeWords {
  outcome_labels: Partial<Record<Outcome, string>>;
  outcome_keys: Partial<Record<Outcome, string>>;
}

/** The outcomes with the rep's labels and keys (a missing or blank one keeps its default). */
export function outcomeDefs(words?: Partial<OutcomeWords> | null): OutcomeDef[] {
  return DEFAULT_OUTCOMES.map((d) => {
    const label = words?.outcome_labels?.[d.outcome]?.trim();
    const key = words?.outcome_keys?.[d.outcome]?.trim().toLowerCase();
    return { ...d, label: label || d.label, key: key || d.key };
  });
}

/** What is wrong with one outcome's label or key, in words. */
export interface OutcomeProblem {
  label?: string;
  key?: string;
}

/**
 * The same checks as the core's (Settings::validate and the objections'
 * hotkeys), before saving: labels not empty, at most 40 characters, no two
 * alike ignoring case; keys one digit 0-9 or letter a-z, no two alike, none
 * an active objection's hotkey. Outcomes without a problem are left out.
 */
export function outcomeProblems(
  words: OutcomeWords,
  objections: readonly { label: string; hotkey: string | null; archived_at?: string | null }[] = [],
): Partial<Record<Outcome, OutcomeProblem>> {
  const out: Partial<Record<Outcome, OutcomeProblem>> = {};
  const labels = new Map<string, OutcomeDef>();
  const keys = new Map<string, OutcomeDef>();
  const add = (o: Outcome, field: keyof OutcomeProblem, text: string) => {
    const p = (out[o] ??= {});
    p[field] ??= text;
  };
  for (const d of DEFAULT_OUTCOMES) {
    const label = (words.outcome_labels[d.outcome] ?? d.label).trim();
    if (!label) add(d.outcome, "label", "Give it a label.");
    else if ([...label].length > OUTCOME_LABEL_MAX) add(d.outcome, "label", `At most ${OUTCOME_LABEL_MAX} characters (this is ${[...label].length}).`);
    else {
      const other = labels.get(label.toLowerCase());
      if (other) add(d.outcome, "label", `“${label}” is already the label of ${other.label}.`);
      else labels.set(label.toLowerCase(), d);
    }
    const raw = (words.outcome_keys[d.outcome] ?? d.key).trim();
    const key = raw.toLowerCase();
    if (!key) add(d.outcome, "key", "Give it a key: a digit 0-9 or a letter a-z.");
    else if (!/^[0-9a-z]$/.test(key)) add(d.outcome, "key", `“${raw}” is not allowed: one digit 0-9 or one letter a-z.`);
    else {
      const other = keys.get(key);
      const objection = objections.find((o) => !o.archived_at && o.hotkey?.toLowerCase() === key);
      if (other) add(d.outcome, "key", `The key ${key} is already the key of ${other.label}.`);
      else if (objection) add(d.outcome, "key", `The key ${key} is already the hotkey of the objection “${objection.label}”.`);
      else keys.set(key, d);
    }
  }
  return out;
}

export const PHASE_LABELS: Record<CallPhase, string> = {
  ringing: "Ringing · press Space when they answer",
  opening: "Opening · Engage Statement · Impact Question",
  request: "Their answer · ask for the appointment",
  objections: "Objections",
  caution: "A good call is done by now",
  limit: "Ask for the meeting or let go",
};

export const REASON_LABELS: Record<QueueReason, string> = {
  callback_due: "Callback due",
  new: "First call",
  retry: "Next attempt",
  next_number: "Next number",
  referral: "Referral",
};

/** What the objection counter says after `n` objections. */
export function objectionAdvice(n: number): string {
  if (n === 0) return "No objection yet.";
  if (n === 1) return "1st objection: usually a reflex, not a reason. Answer it and ask again.";
  if (n === 2) return "2nd objection: answer it briefly and ask for the meeting.";
  if (n === 3) return "3rd objection: the call is usually decided. Ask once more or let go.";
  return `${n} objections: past the usual limit. Ask for the meeting or let go.`;
}

/** Block-level shortcuts (Alt+letter, so that plain letters stay objection keys). */
export const BLOCK_KEYS = {
  startCall: "Space",
  dial: "Alt+D",
  copy: "Alt+C",
  skip: "Alt+S",
  pause: "Alt+P",
  end: "Alt+E",
  voicemail: "Alt+V",
  notes: "Alt+N",
  gap: "Alt+G",
  asked: "Alt+A",
  referral: "Alt+R",
  undo: "Alt+Z",
} as const;

/** The key that dials the prospect's number at `position` (0 = the first). */
export function dialKey(position: number): string | null {
  return position < 9 ? `Alt+${position + 1}` : null;
}

export type BlockAction =
  | { kind: "start_call" }
  | { kind: "dial"; position: number | null }
  | { kind: "asked" }
  | { kind: "referral" }
  | { kind: "undo" }
  | { kind: "copy" }
  | { kind: "skip" }
  | { kind: "pause" }
  | { kind: "end" }
  | { kind: "voicemail" }
  | { kind: "notes" }
  | { kind: "gap" }
  | { kind: "outcome"; def: OutcomeDef }
  | { kind: "objection"; objectionId: string };

type Key = Pick<KeyboardEvent, "key" | "code" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey">;

const ALT_ACTIONS: Record<string, BlockAction["kind"]> = {
  KeyD: "dial",
  KeyC: "copy",
  KeyS: "skip",
  KeyP: "pause",
  KeyE: "end",
  KeyV: "voicemail",
  KeyN: "notes",
  KeyG: "gap",
  KeyA: "asked",
  KeyR: "referral",
  KeyZ: "undo",
};

/**
 * The action a key asks for in a running block, or null. `typing` is true
 * when the focus is in a text field (then only Alt combinations count).
 */
export function blockAction(
  e: Key,
  typing: boolean,
  objections: readonly { objection_id: string; hotkey: string | null }[],
  outcomes: readonly OutcomeDef[] = DEFAULT_OUTCOMES,
): BlockAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.altKey) {
    const digit = /^Digit([1-9])$/.exec(e.code);
    if (digit) return { kind: "dial", position: Number(digit[1]) - 1 };
    const kind = ALT_ACTIONS[e.code];
    if (kind === "dial") return { kind: "dial", position: null };
    return kind ? ({ kind } as BlockAction) : null;
  }
  if (typing || e.shiftKey) return null;
  if (e.key === " " || e.code === "Space") return { kind: "start_call" };
  const key = e.key.toLowerCase();
  const def = outcomes.find((o) => o.key === key);
  if (def) return { kind: "outcome", def };
  const objection = objections.find((o) => o.hotkey && o.hotkey.toLowerCase() === key);
  if (objection) return { kind: "objection", objectionId: objection.objection_id };
  return null;
}

/** An input's datetime-local value for a Date (the rep's local time). */
export function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The next business day at `hour`:00 local time. */
export function nextBusinessDayAt(from: Date, hour: number): Date {
  const d = new Date(from);
  d.setHours(hour, 0, 0, 0);
  do {
    d.setDate(d.getDate() + 1);
  } while (d.getDay() === 0 || d.getDay() === 6);
  return d;
}

/** A window event the Block view sends after each action (the sidebar's callbacks look again). */
export const BLOCK_CHANGED = "callblock:block-changed";
