// What a multi-select (several reps, themes, outcomes) says about its
// selection, and how its search box matches. Nothing chosen means all.

export interface Choice<T extends string = string> {
  value: T;
  label: string;
}

/** The words of one multi-select: "All reps", "rep", "reps". */
export interface ChoiceWords {
  all: string;
  one: string;
  many: string;
}

/** The button's text: "All reps", "Dana Lee", "3 reps". */
export function choiceSummary(selected: readonly string[], choices: readonly Choice[], words: ChoiceWords): string {
  if (selected.length === 0) return words.all;
  if (selected.length === 1) return choices.find((c) => c.value === selected[0])?.label ?? `1 ${words.one}`;
  return `${selected.length} ${words.many}`;
}

/** Every chosen label, for a tooltip and screen readers: "Dana Lee, Sam Okafor". */
export function choiceList(selected: readonly string[], choices: readonly Choice[], words: ChoiceWords): string {
  if (selected.length === 0) return words.all;
  const labels = choices.filter((c) => selected.includes(c.value)).map((c) => c.label);
  const unknown = selected.length - labels.length;
  if (unknown > 0) labels.push(`${unknown} ${unknown === 1 ? words.one : words.many} no longer listed`);
  return labels.join(", ");
}

/** The selection in the order of the choices (values not listed any more last). */
export function inChoiceOrder<T extends string>(selected: readonly T[], choices: readonly Choice<T>[]): T[] {
  const listed = choices.filter((c) => selected.includes(c.value)).map((c) => c.value);
  return [...listed, ...selected.filter((v) => !listed.includes(v))];
}

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase("en-US");

/** Whether a label matches what was typed in the search box (case and accents ignored). */
export function matchesQuery(label: string, query: string): boolean {
  const q = fold(query.trim());
  return q === "" || fold(label).includes(q);
}
