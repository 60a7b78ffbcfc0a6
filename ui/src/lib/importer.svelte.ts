// The CSV import as the Lists view drives it. The state lives here, not in
// the panel, so that an import keeps its progress (and the app its "busy"
// status) while the rep looks at another view.
//
// The flow: open a file (detected encoding, delimiter, suggested mapping,
// first rows) -> correct the mapping, themes, region (each change previews
// again, then checks every row: a dry run that writes nothing) -> import the
// valid rows, or nothing -> the report. Only one run holds the database at
// a time: a change while a check runs cancels it first.
import { api, events, messageOf, ApiError } from "./api";
import type {
  CsvImportReport,
  Field,
  ImportDefaults,
  ImportDraft,
  ImportProgress,
  ImportSetup,
  ThemeChoice,
} from "./bindings";
import { assign, hasPhone, regionCode, withoutColumn } from "./importing";

export type ImportPhase =
  | "closed"
  | "choosing" // the path field, nothing opened yet
  | "opening"
  | "previewing"
  | "checking"
  | "ready" // preview and check shown; the user chooses
  | "importing"
  | "done";

/** Wait after a change before previewing again (typing a theme name). */
const SETTLE_MS = 300;

class Importer {
  phase = $state<ImportPhase>("closed");
  path = $state("");
  defaults = $state<ImportDefaults | null>(null);
  draft = $state<ImportDraft | null>(null);
  setup = $state<ImportSetup | null>(null);
  rememberRegion = $state(false);
  /** The check of every row (a dry run) for the current setup. */
  check = $state<CsvImportReport | null>(null);
  progress = $state<ImportProgress | null>(null);
  /** The report of the import, once done. */
  report = $state<CsvImportReport | null>(null);
  error = $state<string | null>(null);
  /** Something to say that is not an error (a cancelled import). */
  notice = $state<string | null>(null);
  /** Counts the imports done, so that views reload after one. */
  completed = $state(0);

  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<unknown> | null = null;
  private unlisten: (() => void) | null = null;

  /** An import or a check holds the database. */
  get busy(): boolean {
    return this.phase === "checking" || this.phase === "importing";
  }

  get open(): boolean {
    return this.phase !== "closed";
  }

  /** Show the panel (with the path field when nothing is open). */
  async show(): Promise<void> {
    if (this.phase === "closed") this.phase = "choosing";
    this.listen();
    if (!this.defaults) {
      try {
        await this.loadDefaults(true);
      } catch (e) {
        this.error = messageOf(e);
      }
    }
  }

  /** The downloads folder, the region setting and the fields (once). */
  async loadDefaults(throwing = false): Promise<void> {
    if (this.defaults) return;
    try {
      this.defaults = await api.importDefaults();
      if (!this.path) this.path = this.defaults.folder ?? "";
    } catch (e) {
      if (throwing) throw e;
    }
  }

  /** Listen to the progress events while the panel is open. */
  private listen(): void {
    if (this.unlisten) return;
    let stop: (() => void) | null = null;
    let stopped = false;
    this.unlisten = () => {
      stopped = true;
      stop?.();
    };
    void events.importProgress
      .listen((e) => {
        const p = e.payload;
        if ((this.phase === "checking" && p.dry_run) || (this.phase === "importing" && !p.dry_run)) {
          this.progress = p;
        }
      })
      .then((u) => {
        if (stopped) u();
        else stop = u;
      })
      .catch(() => undefined);
  }

  /** Open the file at `path`: detect, suggest a mapping, preview, check. */
  async openFile(path: string = this.path): Promise<void> {
    const mine = ++this.generation;
    await this.stopCheck();
    this.path = path;
    this.phase = "opening";
    this.error = null;
    this.notice = null;
    this.check = null;
    this.report = null;
    try {
      const draft = await api.openImport(path);
      if (mine !== this.generation) return;
      this.draft = draft;
      this.setup = draft.setup;
      this.rememberRegion = false;
    } catch (e) {
      if (mine !== this.generation) return;
      this.draft = null;
      this.setup = null;
      this.error = messageOf(e);
      this.phase = "choosing";
      return;
    }
    await this.runCheck(mine);
  }

  /** Read `field` from `column` (null: not mapped). */
  mapField(field: Field, column: number | null): Field | null {
    if (!this.setup) return null;
    const { columns, displaced } = assign(this.setup.columns, field, column);
    this.change({ ...this.setup, columns });
    return displaced;
  }

  /** Stop reading `column` (an extra column of a field). */
  dropColumn(column: number): void {
    if (this.setup) this.change({ ...this.setup, columns: withoutColumn(this.setup.columns, column) });
  }

  setTheme(theme: ThemeChoice): void {
    if (this.setup) this.change({ ...this.setup, theme });
  }

  setRegion(region: string): void {
    if (this.setup) this.change({ ...this.setup, region });
  }

  /** What stops a preview of the current setup, in words; null when none. */
  get problem(): string | null {
    const s = this.setup;
    if (!s || !this.defaults) return null;
    if (!hasPhone(s.columns, this.defaults.fields)) {
      return "Map a column to a phone field (Phone, Direct phone, Mobile phone, ...): a prospect without a number cannot be called.";
    }
    if (!regionCode(s.region)) return "The region is a two-letter country code, such as US, GB or DE.";
    if (s.theme.by === "named" && !s.theme.value.trim()) return "Type the name of the theme.";
    return null;
  }

  private change(setup: ImportSetup): void {
    this.setup = setup;
    this.check = null;
    this.notice = null;
    clearTimeout(this.timer);
    const mine = ++this.generation;
    if (this.problem) {
      this.error = null;
      void this.stopCheck().then(() => {
        if (mine === this.generation) this.phase = "ready";
      });
      return;
    }
    this.timer = setTimeout(() => void this.refresh(mine), SETTLE_MS);
  }

  private async refresh(mine: number): Promise<void> {
    await this.stopCheck();
    if (mine !== this.generation || !this.setup) return;
    this.phase = "previewing";
    this.error = null;
    try {
      const draft = await api.previewImport(this.setup);
      if (mine !== this.generation) return;
      this.draft = draft;
    } catch (e) {
      if (mine !== this.generation) return;
      this.error = messageOf(e);
      this.phase = "ready";
      return;
    }
    await this.runCheck(mine);
  }

  /** Check every row (a dry run): the counts and every rejected row. */
  private async runCheck(mine: number): Promise<void> {
    if (!this.setup || this.problem) {
      this.phase = "ready";
      return;
    }
    this.phase = "checking";
    this.progress = null;
    const run = api.checkImport(this.setup);
    this.running = run.catch(() => undefined);
    try {
      const report = await run;
      if (mine !== this.generation) return;
      this.check = report;
    } catch (e) {
      if (mine !== this.generation) return;
      if (!(e instanceof ApiError && e.kind === "cancelled")) this.error = messageOf(e);
    } finally {
      if (mine === this.generation) this.phase = "ready";
    }
  }

  /** Cancel a running check and wait until the database is free. */
  private async stopCheck(): Promise<void> {
    if (this.running && this.phase === "checking") {
      await api.cancelImport().catch(() => false);
    }
    if (this.running) await this.running;
    this.running = null;
  }

  /** Import the valid rows in one transaction; the report shows at the end. */
  async run(): Promise<void> {
    if (!this.setup || this.busy) return;
    const mine = ++this.generation;
    this.phase = "importing";
    this.progress = null;
    this.error = null;
    this.notice = null;
    const run = api.runImport(this.setup, "import_valid", this.rememberRegion);
    this.running = run.catch(() => undefined);
    try {
      this.report = await run;
      if (this.rememberRegion && this.defaults && this.setup) {
        this.defaults = { ...this.defaults, region: this.setup.region.trim().toUpperCase() };
      }
      this.phase = "done";
      this.completed += 1;
    } catch (e) {
      if (e instanceof ApiError && e.kind === "cancelled") {
        this.notice = "Import cancelled: nothing was changed.";
      } else {
        this.error = messageOf(e);
      }
      if (mine === this.generation) this.phase = "ready";
    } finally {
      this.running = null;
    }
  }

  /** Stop the running import or check; it rolls back and changes nothing. */
  async cancel(): Promise<void> {
    if (this.busy) await api.cancelImport().catch(() => false);
  }

  /** Close the panel: nothing is imported (a running check is cancelled). */
  async close(): Promise<void> {
    if (this.phase === "importing") return;
    ++this.generation;
    clearTimeout(this.timer);
    await this.stopCheck();
    this.phase = "closed";
    this.unlisten?.();
    this.unlisten = null;
    this.draft = null;
    this.setup = null;
    this.check = null;
    this.report = null;
    this.progress = null;
    this.error = null;
    this.notice = null;
  }

  /** Start over with another file. */
  another(): void {
    this.draft = null;
    this.setup = null;
    this.check = null;
    this.report = null;
    this.error = null;
    this.notice = null;
    this.phase = "choosing";
  }
}

export const importer = new Importer();
