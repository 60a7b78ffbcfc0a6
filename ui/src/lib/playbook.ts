// The playbook editor's vocabulary: the sections of a talk track in call
// order, warnings grouped by section, unsaved drafts, and a small debounce.
import { SvelteMap } from "svelte/reactivity";
import type { PlaceholderWarning, TalkTrackSections } from "./bindings";

export type SectionKey = keyof TalkTrackSections;

export interface SectionDef {
  key: SectionKey;
  label: string;
  /** When in the call it is said (domain.md section 3). */
  when: string;
  help: string;
  rows: number;
  optional?: boolean;
}

export const SECTIONS: readonly SectionDef[] = [
  { key: "opener", label: "Opener", when: "0:00", help: "Who you are, in one breath.", rows: 2 },
  {
    key: "engage_statement",
    label: "Engage Statement",
    when: "0:00–0:45",
    help: "A short value statement about outcomes that matter to this theme.",
    rows: 4,
  },
  {
    key: "impact_question",
    label: "Impact Question",
    when: "by 0:45",
    help: "Caps the Engage Statement; the answer tees up the request.",
    rows: 2,
  },
  {
    key: "appointment_request",
    label: "Appointment request",
    when: "0:45–1:00",
    help: "Ask for the meeting, not the sale: a short slot, two times to choose from.",
    rows: 3,
  },
  {
    key: "voicemail_script",
    label: "Voicemail script",
    when: "no answer",
    help: "{referral} puts the third-party referral below into the message.",
    rows: 3,
  },
  {
    key: "referral",
    label: "Third-party referral",
    when: "in voicemails",
    help: "A customer in the same vertical or city. May be left empty.",
    rows: 2,
    optional: true,
  },
  {
    key: "agenda_line",
    label: "Agenda line",
    when: "after a yes",
    help: "The answer to questions once they agreed: stop selling.",
    rows: 2,
  },
];

export function emptySections(): TalkTrackSections {
  return {
    opener: "",
    engage_statement: "",
    impact_question: "",
    appointment_request: "",
    voicemail_script: "",
    referral: "",
    agenda_line: "",
  };
}

/** Equal once trimmed, as the core compares them before saving. */
export function sameSections(a: TalkTrackSections | null | undefined, b: TalkTrackSections | null | undefined): boolean {
  if (!a || !b) return a === b;
  return SECTIONS.every((s) => a[s.key].trim() === b[s.key].trim());
}

/** The sections that must have text and do not. */
export function emptyRequired(s: TalkTrackSections): SectionDef[] {
  return SECTIONS.filter((d) => !d.optional && s[d.key].trim() === "");
}

/** Warnings by section key (`opener`, ...). */
export function warningsBySection(ws: readonly PlaceholderWarning[]): Partial<Record<string, PlaceholderWarning[]>> {
  const out: Partial<Record<string, PlaceholderWarning[]>> = {};
  for (const w of ws) (out[w.section] ??= []).push(w);
  return out;
}

/** The warnings of one objection's response: the library's, or a theme's override. */
export function responseWarnings(
  ws: readonly PlaceholderWarning[],
  slug: string,
  themeName: string | null,
): PlaceholderWarning[] {
  const section = themeName ? `objection:${slug}@${themeName}` : `objection:${slug}`;
  return ws.filter((w) => w.section === section);
}

/** "Finance leaders’", "Texas’", "Logistics & freight’s": names ending in s take a bare apostrophe. */
export function possessive(name: string): string {
  return /s$/i.test(name.trim()) ? `${name.trim()}’` : `${name.trim()}’s`;
}

/** Unsaved talk track text by theme id ("" for the default track), kept while the app runs. */
export const drafts = new SvelteMap<string, TalkTrackSections>();

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  cancel(): void;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const d = ((...args: A) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, ms);
  }) as Debounced<A>;
  d.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return d;
}

/** Insert `text` into a textarea's value at its selection; returns the new value and caret. */
export function insertAt(value: string, start: number, end: number, text: string): { value: string; caret: number } {
  const s = Math.max(0, Math.min(start, value.length));
  const e = Math.max(s, Math.min(end, value.length));
  return { value: value.slice(0, s) + text + value.slice(e), caret: s + text.length };
}
