// Helpers of the import panel and the theme tools: the column mapping as the
// user corrects it, theme choices, and the words shown for them.
import type { CsvImportReport, Field, FieldColumn, FieldInfo, ImportProgress, PreviewRow, ThemeChoice } from "./bindings";
import { count } from "./format";

/** The fields a list can be grouped by, and the kind of theme each makes. */
export const GROUP_FIELDS: readonly { field: Field; label: string }[] = [
  { field: "industry", label: "Industry (vertical)" },
  { field: "region", label: "State or region (geography)" },
  { field: "country", label: "Country (geography)" },
  { field: "employees", label: "Employee band (size)" },
  { field: "title", label: "Title family (role)" },
];

/** The column (0-based) `field` is read from, or null. */
export function columnOf(columns: readonly FieldColumn[], field: Field): number | null {
  return columns.find((c) => c.field === field)?.column ?? null;
}

/** The field column `column` feeds, or null. */
export function fieldOf(columns: readonly FieldColumn[], column: number): Field | null {
  return columns.find((c) => c.column === column)?.field ?? null;
}

/**
 * Read `field` from `column` (null: from no column). A column feeds one
 * field, as in the core: the field that read it before loses it and is
 * returned as `displaced`. Only the field's own (first) column changes; the
 * other columns it reads (extra phones, the company's city) stay.
 */
export function assign(
  columns: readonly FieldColumn[],
  field: Field,
  column: number | null,
): { columns: FieldColumn[]; displaced: Field | null } {
  let displaced: Field | null = null;
  const first = columns.findIndex((c) => c.field === field);
  const out: FieldColumn[] = [];
  columns.forEach((c, i) => {
    if (i === first) {
      if (column !== null) out.push({ field, column });
      return;
    }
    if (column !== null && c.column === column) {
      if (c.field !== field) displaced = c.field;
      return;
    }
    out.push(c);
  });
  if (first < 0 && column !== null) out.push({ field, column });
  return { columns: out, displaced };
}

/** The columns `field` reads besides its own (first) one. */
export function extraColumns(columns: readonly FieldColumn[], field: Field): number[] {
  return columns
    .filter((c) => c.field === field)
    .slice(1)
    .map((c) => c.column);
}

/** The mapping without `column`. */
export function withoutColumn(columns: readonly FieldColumn[], column: number): FieldColumn[] {
  return columns.filter((c) => c.column !== column);
}

/** True when at least one phone field is mapped. */
export function hasPhone(columns: readonly FieldColumn[], fields: readonly FieldInfo[]): boolean {
  return columns.some((c) => fields.find((f) => f.field === c.field)?.is_phone);
}

/** The header names no field reads (kept with each prospect as extra values). */
export function unmappedHeaders(headers: readonly string[], columns: readonly FieldColumn[]): string[] {
  return headers.filter((_, i) => fieldOf(columns, i) === null);
}

/** How the theme choice reads in a sentence. */
export function themeChoiceText(choice: ThemeChoice): string {
  switch (choice.by) {
    case "none":
      return "no theme";
    case "named":
      return `the theme “${choice.value}”`;
    case "field":
      return `a theme per ${GROUP_FIELDS.find((g) => g.field === choice.value)?.label.toLowerCase() ?? choice.value}`;
    case "column":
      return `a theme per value of “${choice.value}”`;
  }
}

export function plural(n: number, one: string, many: string): string {
  return `${new Intl.NumberFormat("en-US").format(n)} ${n === 1 ? one : many}`;
}

/** The name a preview row shows. */
export function personName(row: Pick<PreviewRow, "first_name" | "last_name">): string {
  return `${row.first_name} ${row.last_name}`.trim() || "(no name)";
}

/** The rows an import would write: new and updated. */
export function validRows(report: Pick<CsvImportReport, "imported" | "updated">): number {
  return report.imported + report.updated;
}

/** The themes of a report, largest first. */
export function themeCounts(report: Pick<CsvImportReport, "themes">): [string, number][] {
  return Object.entries(report.themes)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** A file name for a theme's export: `~/Downloads/` + `texas-spring.csv`. */
export function exportPath(folder: string | null, themeName: string): string {
  const slug =
    themeName
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "prospects";
  return `${folder ?? ""}${slug}.csv`;
}

/** A two-letter region code, upper case; null when it is not one. */
export function regionCode(text: string): string | null {
  const t = text.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(t) ? t : null;
}

/** A path that stands on its own: absolute ("/tmp/x.csv", "C:\\x.csv", "\\\\server\\x.csv"), from home ("~/x.csv") or a file: URL. */
export function isWholePath(text: string): boolean {
  return /^(\/|~\/|~$|[A-Za-z]:[\\/]|\\\\|file:\/\/)/.test(text.trim());
}

/** The folder a typed path is in ("~/Downloads/" for "~/Downloads/a.csv", the
 * path itself when it ends with a slash); null when it names no folder. */
export function folderOf(path: string): string | null {
  const t = path.trim();
  if (!t) return null;
  if (/[\\/]$/.test(t)) return t;
  const cut = Math.max(t.lastIndexOf("/"), t.lastIndexOf("\\"));
  return cut > 0 ? t.slice(0, cut + 1) : null;
}

/** Seconds left as "4 s", "3 min 20 s" or "1 h 07 min". */
export function timeLeft(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

/**
 * How far a running import (or check) is, as the panel and the terminal say
 * it: "40 % (40,000 rows, 52,300 rows/s, about 12 s left)", then the steps of
 * its end. The pace and the time left come from the core (its clock, not the
 * window's); they are left out until it tells them.
 */
export function progressText(p: Pick<ImportProgress, "rows_read" | "fraction"> & Partial<ImportProgress>): string {
  const rows = count(p.rows_read);
  if (p.stage === "indexing") {
    const which = p.index ? `, ${p.index.n} of ${p.index.of}` : "";
    return `100 %: building the indexes${which} (${rows} rows read)`;
  }
  if (p.stage === "saving") return `100 %: ${p.dry_run ? "finishing" : "saving"} (${rows} rows read)`;
  const parts = [`${rows} rows`];
  if (p.rows_per_second && p.rows_per_second > 0) parts.push(`${count(Math.round(p.rows_per_second))} rows/s`);
  if (p.seconds_left != null) parts.push(`about ${timeLeft(p.seconds_left)} left`);
  return `${Math.round(p.fraction * 100)} % (${parts.join(", ")})`;
}
