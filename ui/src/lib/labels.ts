// The words shown for the core's enums.
import type { ProspectStatus, ThemeKind } from "./bindings";

export const THEME_KIND_LABELS: Record<ThemeKind, string> = {
  vertical: "Vertical",
  geography: "Geography",
  size: "Size",
  role: "Role",
  custom: "Custom",
};

export const STATUS_LABELS: Record<ProspectStatus, string> = {
  new: "Never called",
  attempting: "Waiting for a later attempt",
  callback: "Callback agreed",
  meeting: "Meeting booked",
  not_interested: "Not interested",
  exhausted: "Exhausted",
  do_not_call: "Do not call",
  bad_number: "Bad number",
};
