import { api } from "./api";

let reported = false;

/** Tell the app (once) that the first view shows data: the start-up benchmark measures up to here. */
export function reportReady(view: string, items: number): void {
  if (reported) return;
  reported = true;
  requestAnimationFrame(() => {
    void api.uiReady(view, items).catch(() => {});
  });
}
