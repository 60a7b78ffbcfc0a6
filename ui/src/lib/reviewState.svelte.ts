// The Review view's selection and tab, kept while the user visits other views.
import { emptyFilter, type FilterState } from "./review";

export type ReviewTab = "dashboard" | "blocks" | "timing" | "length" | "playbook" | "calls" | "team";

export const REVIEW_TABS: readonly { id: ReviewTab; label: string; key: string; code: string }[] = [
  { id: "dashboard", label: "Dashboard", key: "Alt+D", code: "KeyD" },
  { id: "blocks", label: "Blocks", key: "Alt+B", code: "KeyB" },
  { id: "timing", label: "When to call", key: "Alt+W", code: "KeyW" },
  { id: "length", label: "Call length", key: "Alt+L", code: "KeyL" },
  { id: "playbook", label: "Playbook", key: "Alt+P", code: "KeyP" },
  { id: "calls", label: "Call log", key: "Alt+C", code: "KeyC" },
  { id: "team", label: "Team", key: "Alt+T", code: "KeyT" },
];

export const reviewState = $state<{ filter: FilterState; tab: ReviewTab }>({
  filter: emptyFilter(),
  tab: "dashboard",
});
