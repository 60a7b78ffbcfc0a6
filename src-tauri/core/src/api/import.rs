//! The Lists view's import panel, and what `callblock import` shares with
//! it: the fields a column can feed, a file opened as a draft (what was
//! detected, the suggested mapping, the first rows as they will be saved, a
//! sample of each column), the preview again with the user's corrections,
//! and the import itself (or the check of every row) in one transaction.
//! The rules are [`crate::import`]'s.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::domain::Settings;
use crate::error::{Error, Result};
use crate::import::{
    self, Field, ImportOptions, ImportReport, Mapping, OnRejects, Preview, SourceFile, ThemeChoice,
};
use crate::store::Store;
use crate::{files, settings};

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 20;

/// The path of the file to import as typed in the panel (`~/` allowed).
fn typed_csv_path(text: &str) -> Result<std::path::PathBuf> {
    files::typed_path_of(text, "CSV file to import", "contacts.csv")
}

/// A field a column can feed, as the mapping table lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldInfo {
    pub field: Field,
    pub label: String,
    pub is_phone: bool,
}

/// What the import panel starts from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportDefaults {
    /// The downloads folder, with a trailing slash, where exports usually are.
    pub folder: Option<String>,
    /// The region setting for numbers without a country code.
    pub region: String,
    pub fields: Vec<FieldInfo>,
    /// True while an import or a check holds the database.
    pub running: bool,
}

/// One field and the column (0-based) it is read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct FieldColumn {
    pub field: Field,
    pub column: u32,
}

/// The file and the user's choices: which column feeds which field (fields
/// not listed are not mapped), the themes, the region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct ImportSetup {
    pub path: String,
    pub columns: Vec<FieldColumn>,
    pub theme: ThemeChoice,
    pub region: String,
}

/// A file opened for import: what was detected, the suggested mapping, the
/// first rows as they will be saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
pub struct ImportDraft {
    /// `hubspot`, `salesforce`, `apollo`, `pipedrive`, `zoominfo` or `csv`.
    pub format: String,
    /// The format as the user knows it ("Pipedrive", "CSV").
    pub format_label: String,
    pub encoding_label: String,
    pub delimiter_label: String,
    pub setup: ImportSetup,
    pub preview: Preview,
    /// For each column, its first non-empty value among the first rows (to
    /// see what a column holds while correcting the mapping).
    pub column_samples: Vec<String>,
}

/// Rows looked at for [`ImportDraft::column_samples`].
const SAMPLE_ROWS: usize = 50;

fn column_samples(source: &SourceFile) -> Result<Vec<String>> {
    let mut samples = vec![String::new(); source.headers.len()];
    let mut records = source.records()?;
    let mut rec = import::reader::Record::default();
    let mut seen = 0;
    // A row the preview already reports (a cut quote) just ends the samples.
    while seen < SAMPLE_ROWS && records.next_into(&mut rec).unwrap_or(false) {
        seen += 1;
        for (i, sample) in samples.iter_mut().enumerate() {
            if sample.is_empty() {
                let cell = rec.get(i).trim();
                if !cell.is_empty() {
                    *sample = cell
                        .chars()
                        .take(60)
                        .collect::<String>()
                        .replace(['\r', '\n'], " ");
                }
            }
        }
        if samples.iter().all(|s| !s.is_empty()) {
            break;
        }
    }
    Ok(samples)
}

fn source_and_options(
    setup: &ImportSetup,
    settings: &Settings,
) -> Result<(SourceFile, ImportOptions)> {
    let source = import::read_file(typed_csv_path(&setup.path)?)?;
    let mut opts = ImportOptions::new(&source, settings);
    opts.mapping = mapping_of(&source, &setup.columns)?;
    opts.theme = setup.theme.clone();
    opts.region = setup.region.trim().to_uppercase();
    Ok((source, opts))
}

/// The mapping the user chose; a column feeds one field (the last one given);
/// phones, e-mails and the location fields may read several columns (in
/// the order given). A column mapped as suggested keeps the rule that
/// suggested it.
fn mapping_of(source: &SourceFile, columns: &[FieldColumn]) -> Result<Mapping> {
    let suggested = import::suggest_mapping(&source.headers);
    let mut m = Mapping {
        headers: source.headers.clone(),
        entries: Vec::new(),
    };
    for fc in columns {
        if fc.column as usize >= source.headers.len() {
            return Err(Error::invalid(
                "mapping",
                format!(
                    "{} has {} columns; column {} does not exist (the file changed since it was opened: open it again)",
                    source.path.display(),
                    source.headers.len(),
                    fc.column + 1
                ),
            ));
        }
        m.add(fc.field, fc.column as usize, Some(&suggested));
    }
    Ok(m)
}

pub fn columns_of(m: &Mapping) -> Vec<FieldColumn> {
    m.entries
        .iter()
        .map(|e| FieldColumn {
            field: e.field,
            column: e.column,
        })
        .collect()
}

/// Where the panel starts: the downloads folder, the region setting (`US`
/// without a database to read it from), the fields. `running`: an import or
/// a check holds the database now.
pub fn defaults(conn: Option<&Connection>, running: bool) -> ImportDefaults {
    let region = conn
        .and_then(|c| settings::load(c).ok())
        .map(|s| s.default_region);
    ImportDefaults {
        folder: files::downloads_dir().map(|d| format!("{}/", d.display())),
        region: region.unwrap_or_else(|| "US".to_string()),
        fields: Field::ALL
            .iter()
            .map(|&f| FieldInfo {
                field: f,
                label: f.label().to_string(),
                is_phone: f.is_phone(),
            })
            .collect(),
        running,
    }
}

/// Open `path` (as typed: `~/` allowed) for import: the detected encoding
/// and delimiter, the header, the suggested mapping, and the first rows as
/// they will be saved. A file that cannot be read fails here with the
/// reason; nothing is written.
pub fn open_draft(conn: &Connection, path: &str) -> Result<ImportDraft> {
    let settings = settings::load(conn)?;
    let source = import::read_file(typed_csv_path(path)?)?;
    let opts = ImportOptions::new(&source, &settings);
    let setup = ImportSetup {
        path: source.path.display().to_string(),
        columns: columns_of(&opts.mapping),
        theme: ThemeChoice::None,
        region: opts.region.clone(),
    };
    draft(conn, &source, &opts, setup)
}

fn draft(
    conn: &Connection,
    source: &SourceFile,
    opts: &ImportOptions,
    setup: ImportSetup,
) -> Result<ImportDraft> {
    // A mapping without a phone column is shown (to be corrected), not refused.
    let preview = if opts.mapping.has_phone() {
        import::preview(conn, source, opts, PREVIEW_ROWS)?
    } else {
        Preview {
            file: source.clone(),
            mapping: opts.mapping.clone(),
            unmapped: (0..source.headers.len())
                .filter(|&i| opts.mapping.field_of(i).is_none())
                .map(|i| source.headers[i].clone())
                .collect(),
            rows: Vec::new(),
            rejected: Vec::new(),
            complete: false,
        }
    };
    Ok(ImportDraft {
        format: import::source_format(&source.headers).to_string(),
        format_label: import::source_format_label(import::source_format(&source.headers))
            .to_string(),
        encoding_label: source.encoding.label().to_string(),
        delimiter_label: source.delimiter.label().to_string(),
        setup,
        preview,
        column_samples: column_samples(source)?,
    })
}

/// The first rows again, with the user's mapping, themes and region.
pub fn preview_draft(conn: &Connection, setup: ImportSetup) -> Result<ImportDraft> {
    let settings = settings::load(conn)?;
    let (source, opts) = source_and_options(&setup, &settings)?;
    if !opts.mapping.has_phone() {
        return Err(import::ImportError::NoPhoneColumn {
            path: source.path.clone(),
        }
        .into());
    }
    let setup = ImportSetup {
        columns: columns_of(&opts.mapping),
        ..setup
    };
    draft(conn, &source, &opts, setup)
}

/// How an import runs: a check of every row that writes nothing
/// (`dry_run`), what to do with rejected rows, and whether the region
/// becomes the setting once the import is saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    pub dry_run: bool,
    pub on_rejects: OnRejects,
    pub remember_region: bool,
}

/// Import the file of `setup` in one transaction (or check every row, with
/// `dry_run`); `progress` hears every thousand rows and stops the run (rolled
/// back) by returning false.
pub fn run(
    store: &mut Store,
    setup: &ImportSetup,
    how: RunOptions,
    progress: &mut dyn FnMut(import::Progress) -> bool,
) -> Result<ImportReport> {
    let settings = settings::load(store.conn())?;
    let (source, mut opts) = source_and_options(setup, &settings)?;
    opts.dry_run = how.dry_run;
    opts.on_rejects = how.on_rejects;
    let report = import::run(store, &source, &opts, progress)?;
    if report.committed && how.remember_region && opts.region != settings.default_region {
        let mut changed = settings.clone();
        changed.default_region = opts.region.clone();
        changed.validate()?;
        store.write(|tx| settings::save(tx, &changed))?;
    }
    Ok(report)
}

// -- An import typed on the command line -------------------------------------------

/// An import as `callblock import` takes it: columns named by header
/// (`FIELD=HEADER`), the theme by name or by a field or column, the region,
/// and how to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedImport {
    /// `(field, header)` pairs that correct the suggested mapping.
    pub map: Vec<(String, String)>,
    /// Every prospect into the theme of this name.
    pub theme: Option<String>,
    /// One theme per value of this field or column.
    pub theme_by: Option<String>,
    /// Region for numbers without a country code (two letters).
    pub region: Option<String>,
    pub dry_run: bool,
    pub all_or_nothing: bool,
    /// Move prospects already in a theme to this import's theme.
    pub retheme: bool,
}

/// The themes `--theme-by` asks for: the method's kinds of theme by their
/// names ("role", "size", "geography", "vertical"), a field ("industry",
/// "state", "title", ...), whatever its column is called, or else a column
/// of the file by its header ("Lead Source"): one theme per value.
pub fn theme_by(typed: &str) -> ThemeChoice {
    let by = typed.trim();
    match by.to_ascii_lowercase().as_str() {
        "role" | "title_family" | "title-family" | "titlefamily" => {
            ThemeChoice::Field(Field::Title)
        }
        "size" | "employee_band" => ThemeChoice::Field(Field::Employees),
        "geography" => ThemeChoice::Field(Field::Region),
        "vertical" => ThemeChoice::Field(Field::Industry),
        _ => match Field::parse(by) {
            Ok(f) => ThemeChoice::Field(f),
            Err(_) => ThemeChoice::Column(by.to_string()),
        },
    }
}

/// The options of a typed import of `source`: the suggested mapping with the
/// typed corrections, the themes, the region and the settings' defaults. A
/// theme by a field that no column feeds is refused with what to do.
pub fn typed_options(
    conn: &Connection,
    source: &SourceFile,
    typed: &TypedImport,
) -> Result<ImportOptions> {
    let settings = settings::load(conn)?;
    let mut opts = ImportOptions::new(source, &settings);
    opts.mapping.apply_overrides(&source.path, &typed.map)?;
    opts.theme = match (&typed.theme, &typed.theme_by) {
        (Some(name), _) => ThemeChoice::Named(name.clone()),
        (None, Some(by)) => theme_by(by),
        (None, None) => ThemeChoice::None,
    };
    if let ThemeChoice::Field(f) = opts.theme {
        if opts.mapping.column(f).is_none() {
            return Err(Error::invalid(
                format!(
                    "{}: --theme-by {}",
                    source.path.display(),
                    typed.theme_by.as_deref().unwrap_or_default()
                ),
                format!("no column is mapped to {f}; map one with --map {f}=HEADER"),
            ));
        }
    }
    if let Some(r) = &typed.region {
        opts.region = r.clone();
    }
    opts.dry_run = typed.dry_run;
    opts.retheme_existing = typed.retheme;
    if typed.all_or_nothing {
        opts.on_rejects = OnRejects::ImportNothing;
    }
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample(name: &str) -> String {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/samples")
            .join(name)
            .display()
            .to_string()
    }

    fn setup_of(conn: &Connection, path: &str) -> ImportSetup {
        let settings = settings::load(conn).unwrap();
        let source = import::read_file(path).unwrap();
        let opts = ImportOptions::new(&source, &settings);
        ImportSetup {
            path: path.to_string(),
            columns: columns_of(&opts.mapping),
            theme: ThemeChoice::Field(Field::Industry),
            region: "us".into(),
        }
    }

    fn prospects(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_corrected_mapping_is_kept_and_a_column_feeds_one_field() {
        let store = Store::open_in_memory().unwrap();
        let path = sample("salesforce-leads.csv");
        let mut setup = setup_of(store.conn(), &path);
        let title_col = setup
            .columns
            .iter()
            .find(|c| c.field == Field::Title)
            .unwrap()
            .column;
        // "Lead Source" (column 10) as the title; then the industry column too.
        setup.columns.push(FieldColumn {
            field: Field::Title,
            column: 9,
        });
        let d = preview_draft(store.conn(), setup.clone()).unwrap();
        assert!(d.setup.columns.contains(&FieldColumn {
            field: Field::Title,
            column: 9
        }));
        assert!(!d.setup.columns.iter().any(|c| c.column == title_col));
        assert!(d.preview.unmapped.contains(&"Title".to_string()));
        assert_eq!(d.column_samples[9], "Trade Show");
        assert_eq!(
            d.column_samples[10], "7579 Beacon St Suite 510",
            "line breaks shown as spaces"
        );
        // The preview shows the corrected column.
        assert_eq!(d.preview.rows[0].title, "Trade Show");
        assert_eq!(d.preview.rows[1].title, "Web");
        // Unmapping every phone is refused with the reason.
        setup.columns.retain(|c| !c.field.is_phone());
        let e = preview_draft(store.conn(), setup).unwrap_err();
        assert_eq!(e.kind(), "no_phone_column");
        assert_eq!(prospects(&store), 0);
    }

    #[test]
    fn a_check_writes_nothing_and_an_import_then_commits() {
        let mut store = Store::open_in_memory().unwrap();
        let setup = setup_of(store.conn(), &sample("hubspot-contacts.csv"));
        let how = |dry_run, on_rejects, remember_region| RunOptions {
            dry_run,
            on_rejects,
            remember_region,
        };
        let mut seen = Vec::new();
        let check = run(
            &mut store,
            &setup,
            how(true, OnRejects::ImportValid, false),
            &mut |p| {
                seen.push(p);
                true
            },
        )
        .unwrap();
        assert!(!check.committed && check.dry_run);
        assert_eq!((check.imported, check.rejected_count), (239, 1));
        assert_eq!(prospects(&store), 0);
        let last = seen.last().cloned().unwrap();
        assert!(last.fraction == 1.0 && last.rows_read == 240);

        // Import nothing when a row is rejected: rolled back.
        let nothing = how(false, OnRejects::ImportNothing, false);
        let r = run(&mut store, &setup, nothing, &mut |_| true).unwrap();
        assert!(!r.committed);
        assert_eq!(prospects(&store), 0);

        let valid = how(false, OnRejects::ImportValid, true);
        let r = run(&mut store, &setup, valid, &mut |_| true).unwrap();
        assert!(r.committed);
        assert_eq!(prospects(&store), 239);
        let themed: u32 = r.themes.values().sum();
        assert_eq!(themed, 239);
        // The region typed in lower case was kept as the setting, in upper case.
        let region = settings::load(store.conn()).unwrap().default_region;
        assert_eq!(region, "US");
    }

    #[test]
    fn typed_themes_name_kinds_fields_or_columns() {
        assert_eq!(theme_by("role"), ThemeChoice::Field(Field::Title));
        assert_eq!(theme_by(" Vertical "), ThemeChoice::Field(Field::Industry));
        assert_eq!(theme_by("geography"), ThemeChoice::Field(Field::Region));
        assert_eq!(theme_by("size"), ThemeChoice::Field(Field::Employees));
        assert_eq!(theme_by("industry"), ThemeChoice::Field(Field::Industry));
        assert_eq!(
            theme_by("Lead Source"),
            ThemeChoice::Column("Lead Source".into())
        );
        let store = Store::open_in_memory().unwrap();
        let source = import::read_file(sample("hubspot-contacts.csv")).unwrap();
        let typed = TypedImport {
            theme_by: Some("industry".into()),
            map: vec![("industry".into(), String::new())],
            ..TypedImport::default()
        };
        let e = typed_options(store.conn(), &source, &typed).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("--theme-by industry: no column is mapped to industry; map one with --map industry=HEADER"),
            "{e}"
        );
    }

    #[test]
    fn an_unreadable_file_is_a_clear_error() {
        let store = Store::open_in_memory().unwrap();
        for (name, kind) in [
            ("not-a-csv.csv", "not_text"),
            ("headers-only.csv", "no_rows"),
        ] {
            let e = open_draft(store.conn(), &sample(name)).unwrap_err();
            assert_eq!(e.kind(), kind, "{name}: {e}");
            assert!(e.to_string().contains(name), "{e}");
        }
        assert_eq!(prospects(&store), 0);
    }
}
