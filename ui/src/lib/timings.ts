// Timings the app records about itself, read by the speed benchmark through
// WebDriver (`window.__callblockTimings`). Bounded, so a long day stays small.
type Timings = Record<string, number[]>;

declare global {
  interface Window {
    __callblockTimings?: Timings;
  }
}

const MAX = 5000;

export function recordTiming(name: string, ms: number): void {
  const all = (window.__callblockTimings ??= {});
  const list = (all[name] ??= []);
  if (list.length >= MAX) list.shift();
  list.push(ms);
}
