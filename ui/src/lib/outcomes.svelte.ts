// The rep's outcome labels and keys (Settings), for every view that shows an
// outcome or takes its key: loaded when the app starts, set again when the
// settings are saved or a block is set up. Until then, and if the settings
// cannot be read, the defaults of domain.md.
import { api } from "./api";
import type { Outcome } from "./bindings";
import { DEFAULT_OUTCOMES, outcomeDefs, type OutcomeDef, type OutcomeWords } from "./block";

class OutcomeStore {
  defs = $state<readonly OutcomeDef[]>(DEFAULT_OUTCOMES);

  /** The outcome's definition, with the rep's label and key. */
  def(o: Outcome): OutcomeDef {
    return this.defs.find((d) => d.outcome === o) ?? DEFAULT_OUTCOMES.find((d) => d.outcome === o)!;
  }

  /** The rep's words for the outcome. */
  label(o: Outcome): string {
    return this.def(o).label;
  }

  set(words: Partial<OutcomeWords> | null | undefined) {
    this.defs = outcomeDefs(words);
  }

  /** Read the settings; on failure the words stay as they are. */
  async load(): Promise<void> {
    try {
      this.set(await api.getSettings());
    } catch {
      // The defaults (or the last words read) stay.
    }
  }
}

export const outcomes = new OutcomeStore();

/** The rep's words for an outcome (reactive where it is read in a template). */
export function outcomeLabel(o: Outcome): string {
  return outcomes.label(o);
}
