// Numbers, durations and dates as the views show them.

const counts = new Intl.NumberFormat("en-US");

export function count(n: number): string {
  return counts.format(n);
}

/** 0.1234 -> "12.3 %"; a rate with no denominator is shown as a dash. */
export function percent(numerator: number, denominator: number): string {
  if (denominator <= 0) return "–";
  return `${((100 * numerator) / denominator).toFixed(1)} %`;
}

/** Seconds as m:ss (or h:mm:ss from an hour up). */
export function clock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** Seconds as "2 h 05 min" or "14 min". */
export function minutes(totalSeconds: number): string {
  const m = Math.round(totalSeconds / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

const dateTime = new Intl.DateTimeFormat("en-US", {
  weekday: "short",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});

/** An RFC 3339 instant in the rep's local time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** The local time now in an IANA zone, e.g. "9:41 AM"; null when unknown. */
export function localTime(zone: string | null, at: Date = new Date()): string | null {
  if (!zone) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone, hour: "numeric", minute: "2-digit" }).format(at);
  } catch {
    return null;
  }
}

const dayTime = new Intl.DateTimeFormat("en-US", { weekday: "short", hour: "numeric", minute: "2-digit" });
const timeOnly = new Intl.DateTimeFormat("en-US", { hour: "numeric", minute: "2-digit" });

/**
 * When a calling window closes or opens, in the viewer's time: "4:00 PM"
 * today, "Mon 8:00 AM" another day.
 */
export function windowTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toDateString() === now.toDateString() ? timeOnly.format(d) : dayTime.format(d);
}

/** Who is callable on a theme, in words: "42 callable now, until 4:00 PM · 7 later, from Mon 8:00 AM". */
export function callableText(
  c: { callable_now: number; callable_until: string | null; later: number; next_window_at: string | null },
  now: Date = new Date(),
): string {
  const n = (x: number) => new Intl.NumberFormat("en-US").format(x);
  const parts: string[] = [];
  if (c.callable_now > 0) {
    parts.push(`${n(c.callable_now)} callable now${c.callable_until ? `, until ${windowTime(c.callable_until, now)}` : ""}`);
  } else {
    parts.push("nobody callable now");
  }
  if (c.later > 0) parts.push(`${n(c.later)} later${c.next_window_at ? `, from ${windowTime(c.next_window_at, now)}` : ""}`);
  return parts.join(" · ");
}
