// The app's views, in navigation order, with their keyboard shortcuts.
export type ViewId = "lists" | "block" | "playbook" | "review" | "plan" | "settings";

export interface ViewDef {
  id: ViewId;
  label: string;
  shortcut: string;
}

export const VIEWS: readonly ViewDef[] = [
  { id: "lists", label: "Lists", shortcut: "Alt+1" },
  { id: "block", label: "Block", shortcut: "Alt+2" },
  { id: "playbook", label: "Playbook", shortcut: "Alt+3" },
  { id: "review", label: "Review", shortcut: "Alt+4" },
  { id: "plan", label: "Plan", shortcut: "Alt+5" },
  { id: "settings", label: "Settings", shortcut: "Alt+6" },
];

/** The view an Alt+digit press asks for, if any. */
export function viewForShortcut(e: Pick<KeyboardEvent, "altKey" | "ctrlKey" | "metaKey" | "key" | "code">): ViewId | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const digit = /^Digit([1-9])$/.exec(e.code)?.[1] ?? (/^[1-9]$/.test(e.key) ? e.key : null);
  if (!digit) return null;
  return VIEWS[Number(digit) - 1]?.id ?? null;
}

/** A window event Settings sends after the rep's profile is saved (the footer shows the new name). */
export const PROFILE_CHANGED = "callblock:profile-changed";
