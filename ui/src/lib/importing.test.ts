import { assign, exportPath, extraColumns, folderOf, isWholePath, withoutColumn, hasPhone, progressText, regionCode, themeChoiceText, themeCounts, timeLeft, unmappedHeaders, validRows } from "./importing";
import type { FieldColumn, FieldInfo } from "./bindings";

const fields: FieldInfo[] = [
  { field: "first_name", label: "First name", is_phone: false },
  { field: "title", label: "Job title", is_phone: false },
  { field: "phone", label: "Phone", is_phone: true },
  { field: "mobile", label: "Mobile phone", is_phone: true },
];

describe("the column mapping", () => {
  const columns: FieldColumn[] = [
    { field: "first_name", column: 0 },
    { field: "title", column: 1 },
    { field: "phone", column: 2 },
  ];

  it("moves a field to another column, and a column feeds one field", () => {
    const moved = assign(columns, "title", 3);
    expect(moved.columns).toContainEqual({ field: "title", column: 3 });
    expect(moved.columns.filter((c) => c.field === "title")).toHaveLength(1);
    expect(moved.displaced).toBeNull();
    const taken = assign(columns, "mobile", 2);
    expect(taken.displaced).toBe("phone");
    expect(taken.columns).toContainEqual({ field: "mobile", column: 2 });
    expect(taken.columns.some((c) => c.field === "phone")).toBe(false);
    const unmapped = assign(columns, "title", null);
    expect(unmapped.columns.some((c) => c.field === "title")).toBe(false);
    expect(columns).toHaveLength(3);
  });

  it("changes a field's own column and keeps the other columns it reads", () => {
    const several: FieldColumn[] = [
      { field: "phone", column: 2 },
      { field: "phone", column: 4 },
      { field: "city", column: 5 },
      { field: "city", column: 6 },
    ];
    expect(extraColumns(several, "phone")).toEqual([4]);
    const moved = assign(several, "phone", 7);
    expect(moved.columns.filter((c) => c.field === "phone").map((c) => c.column)).toEqual([7, 4]);
    // Unmapping the first: the next one becomes the field's own.
    const unmapped = assign(several, "city", null);
    expect(unmapped.columns.filter((c) => c.field === "city").map((c) => c.column)).toEqual([6]);
    // An extra column chosen as the field's own is read once.
    const promoted = assign(several, "phone", 4);
    expect(promoted.columns.filter((c) => c.field === "phone")).toEqual([{ field: "phone", column: 4 }]);
    expect(promoted.displaced).toBeNull();
    expect(withoutColumn(several, 4).some((c) => c.column === 4)).toBe(false);
  });

  it("knows when no phone is mapped and which columns stay extra", () => {
    expect(hasPhone(columns, fields)).toBe(true);
    expect(hasPhone(assign(columns, "phone", null).columns, fields)).toBe(false);
    expect(unmappedHeaders(["First", "Title", "Phone", "Lead Source"], columns)).toEqual(["Lead Source"]);
  });
});

describe("words and names", () => {
  it("says where prospects go", () => {
    expect(themeChoiceText({ by: "none" })).toBe("no theme");
    expect(themeChoiceText({ by: "named", value: "Texas" })).toBe("the theme “Texas”");
    expect(themeChoiceText({ by: "field", value: "industry" })).toBe("a theme per industry (vertical)");
    expect(themeChoiceText({ by: "column", value: "Lead Source" })).toBe("a theme per value of “Lead Source”");
  });

  it("counts and orders a report's themes", () => {
    expect(validRows({ imported: 3, updated: 2 })).toBe(5);
    expect(themeCounts({ themes: { B: 2, A: 2, C: 9 } })).toEqual([
      ["C", 9],
      ["A", 2],
      ["B", 2],
    ]);
  });

  it("suggests an export file name and checks regions", () => {
    expect(exportPath("/home/ana/Downloads/", "Hospital & Health Care")).toBe("/home/ana/Downloads/hospital-health-care.csv");
    expect(exportPath(null, "Zürich ÉTÉ")).toBe("zurich-ete.csv");
    expect(exportPath("/x/", "***")).toBe("/x/prospects.csv");
    expect(regionCode(" gb ")).toBe("GB");
    expect(regionCode("USA")).toBeNull();
  });
});

describe("a pasted path", () => {
  it("stands on its own when it is absolute or from home", () => {
    for (const p of ["/tmp/leads.csv", "~/Downloads/a.csv", "C:\\Users\\me\\a.csv", "file:///tmp/a.csv"]) expect(isWholePath(p)).toBe(true);
    for (const p of ["leads.csv", "Downloads/a.csv", ""]) expect(isWholePath(p)).toBe(false);
    // Where the file picker starts.
    expect(folderOf("~/Downloads/")).toBe("~/Downloads/");
    expect(folderOf(" /tmp/exports/leads.csv ")).toBe("/tmp/exports/");
    expect(folderOf("C:\\Users\\me\\a.csv")).toBe("C:\\Users\\me\\");
    expect(folderOf("leads.csv")).toBeNull();
    expect(folderOf("")).toBeNull();
  });
});

describe("the progress of an import", () => {
  it("tells rows, pace and time left as the core gives them", () => {
    expect(progressText({ rows_read: 40000, fraction: 0.4 })).toBe("40 % (40,000 rows)");
    expect(
      progressText({ rows_read: 400000, fraction: 0.4, stage: "reading", rows_per_second: 52345.6, seconds_left: 11.6 }),
    ).toBe("40 % (400,000 rows, 52,346 rows/s, about 12 s left)");
    expect(progressText({ rows_read: 1000, fraction: 0.001, stage: "reading", rows_per_second: 900, seconds_left: null })).toBe(
      "0 % (1,000 rows, 900 rows/s)",
    );
    expect(progressText({ rows_read: 1000000, fraction: 1, stage: "indexing", index: { n: 2, of: 4 } })).toBe(
      "100 %: building the indexes, 2 of 4 (1,000,000 rows read)",
    );
    expect(progressText({ rows_read: 1000000, fraction: 1, stage: "indexing" })).toBe(
      "100 %: building the indexes (1,000,000 rows read)",
    );
    expect(progressText({ rows_read: 1000000, fraction: 1, stage: "saving", dry_run: false })).toBe(
      "100 %: saving (1,000,000 rows read)",
    );
    expect(progressText({ rows_read: 1000000, fraction: 1, stage: "saving", dry_run: true })).toBe(
      "100 %: finishing (1,000,000 rows read)",
    );
  });

  it("says the time left in seconds, minutes or hours", () => {
    expect(timeLeft(0.4)).toBe("0 s");
    expect(timeLeft(59.4)).toBe("59 s");
    expect(timeLeft(200)).toBe("3 min 20 s");
    expect(timeLeft(4000)).toBe("1 h 06 min");
  });
});
