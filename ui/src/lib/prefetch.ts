// The first view's data is asked for as soon as the script runs, alongside
// the app's own info, instead of after it: one round trip less at start-up.
import { commands } from "./bindings";

let themes: ReturnType<typeof commands.listThemes> | null = null;

export function prefetchThemes(): void {
  themes = commands.listThemes();
  // A failure is reported by the view that takes it.
  themes.catch(() => {});
}

/** The prefetched theme list, once; later calls ask again. */
export function takeThemes(): ReturnType<typeof commands.listThemes> {
  const t = themes ?? commands.listThemes();
  themes = null;
  return t;
}
