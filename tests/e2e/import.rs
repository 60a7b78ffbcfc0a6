//! Importing a CRM export through the Lists view, end to end: on an empty
//! database, a sample Salesforce export is opened by its path, one column of
//! the suggested mapping is corrected (the job title read from "Lead Source"),
//! prospects are grouped by industry, the valid rows are imported, and the
//! themes and counts the Lists view then shows are those of the database; the
//! corrected column is what was saved. A theme is then exported to CSV.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{App, By, TestEnv};
use crate::{db_theme_counts, now_db, screen_row, ThemeCounts, THEME_ROWS};

/// The text of the first element `css` matches, read in one script.
fn text_now(app: &App, css: &str) -> Option<String> {
    let script = format!(
        "const el = document.querySelector({}); return el ? el.innerText : null",
        serde_json::to_string(css).expect("a CSS string")
    );
    app.execute(&script).as_str().map(|s| s.trim().to_string())
}

/// The current value of a form control.
fn value_of(app: &App, css: &str) -> String {
    let script = format!(
        "const el = document.querySelector({}); return el ? el.value : null",
        serde_json::to_string(css).expect("a CSS string")
    );
    app.execute(&script)
        .as_str()
        .unwrap_or_else(|| panic!("no control {css}"))
        .to_string()
}

fn sample(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src-tauri/core/tests/fixtures/samples")
        .join(name)
        .display()
        .to_string()
}

/// Choose the option whose text is `option` in the `<select>` named `name`.
fn choose(app: &App, name: &str, option: &str) {
    let select = app.wait_for(&By::named(name));
    select
        .find(&By::xpath(format!(
            ".//option[normalize-space(.)={}]",
            crate::harness::xpath_literal(option)
        )))
        .click();
}

#[test]
fn a_csv_imported_through_the_lists_view_matches_the_database() {
    let env = TestEnv::new("a_csv_imported_through_the_lists_view_matches_the_database");
    let file = sample("salesforce-leads.csv");
    let app = env.launch();
    app.wait_for(&By::xpath("//h2[normalize-space(.)='No call lists yet']"));

    // Alt+I opens the panel with the path field.
    app.alt('i');
    let path = app.wait_for(&By::named("File to import"));
    path.clear();
    path.type_text(&file);
    app.wait_for(&By::button("Open")).click();

    let detected = app.wait_for(&By::testid("import-detected"));
    let text = detected.text();
    for needle in [
        "salesforce-leads.csv",
        "Salesforce export",
        "UTF-8",
        "comma-separated",
        "18 columns",
    ] {
        assert!(text.contains(needle), "detected: {text:?} lacks {needle:?}");
    }
    // The suggested mapping reads the job title from "Title".
    app.wait_for(&By::named("Column for Job title"));
    assert_eq!(
        value_of(&app, r#"[aria-label="Column for Job title"]"#),
        "3",
        "Title is column 4"
    );
    app.wait_until(
        "the check of every row",
        crate::harness::WAIT_TIMEOUT,
        |app| {
            text_now(app, "[data-testid=import-check]")
                .is_some_and(|t| t.contains("All 180 rows checked"))
        },
    );
    let preview = app
        .wait_for(&By::css(r#"table[aria-label="Preview"]"#))
        .text();
    assert!(
        preview.contains("Plant Manager"),
        "the first row's title: {preview}"
    );
    app.screenshot("import-opened");

    // Correct one column: the job title from "Lead Source"; the preview follows.
    choose(&app, "Column for Job title", "Lead Source");
    app.wait_until(
        "the preview with the corrected title",
        crate::harness::WAIT_TIMEOUT,
        |app| text_now(app, r#"tr[data-line="2"]"#).is_some_and(|t| t.contains("Trade Show")),
    );
    let unmapped = app.text(&By::testid("import-unmapped"));
    assert!(
        unmapped.contains("Title"),
        "Title is now kept as an extra value: {unmapped}"
    );

    // Group by industry.
    app.wait_for(&By::css(r#"input[type="radio"][value="field"]"#))
        .click();
    assert_eq!(
        value_of(&app, r#"[aria-label="Field to group by"]"#),
        "industry"
    );
    app.wait_until(
        "the preview with industry themes",
        crate::harness::WAIT_TIMEOUT,
        |app| {
            text_now(app, r#"tr[data-line="2"]"#)
                .is_some_and(|t| t.contains("Hospital & Health Care"))
        },
    );
    app.wait_until(
        "the check of the corrected setup",
        crate::harness::WAIT_TIMEOUT,
        |app| {
            text_now(app, "[data-testid=import-run]").is_some_and(|t| t == "Import 179 valid rows")
        },
    );
    let rejected = app.text(&By::testid("import-rejected"));
    assert!(
        rejected.contains("Line 131") && rejected.contains("same prospect as line 91"),
        "the rejected row, with its line and reason: {rejected}"
    );
    {
        let conn = env.open_db();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM prospects", [], |r| r.get(0))
            .expect("count");
        assert_eq!(n, 0, "nothing is written before the import");
    }
    app.screenshot("import-corrected");

    app.wait_for(&By::testid("import-run")).click();
    let report = app.wait_for(&By::testid("import-report"));
    assert_eq!(app.text(&By::testid("report-imported")), "179");
    assert_eq!(app.text(&By::testid("report-rejected")), "1");
    let report_text = report.text();
    assert!(
        report_text.contains("Hospital & Health Care"),
        "{report_text}"
    );
    app.screenshot("import-report");
    app.wait_for(&By::button("Done")).click();
    app.wait_for_absent(&By::testid("import-panel"));

    // The Lists view shows the database's themes and counts.
    let conn = env.open_db();
    let db: BTreeMap<String, ThemeCounts> = db_theme_counts(&conn, &now_db());
    assert_eq!(db.len(), 8, "eight industries: {db:?}");
    let rows = app.wait_for_count(&By::css(THEME_ROWS), db.len());
    let screen: BTreeMap<String, ThemeCounts> = rows.iter().map(screen_row).collect();
    assert_eq!(screen, db, "the themes table is the database's");
    let total: u32 = screen.values().map(|c| c.prospects).sum();
    assert_eq!(total, 179);
    let shown_total = text_now(&app, r#"[data-total="prospects"]"#).expect("a totals row");
    assert_eq!(shown_total, "179");
    for (kind, n) in conn
        .prepare("SELECT kind, count(*) FROM themes GROUP BY kind")
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap()
        .map(Result::unwrap)
    {
        assert_eq!(
            (kind.as_str(), n),
            ("vertical", 8),
            "industries make verticals"
        );
    }

    // The corrected column took effect: titles are the lead sources, and the
    // unmapped "Title" column is kept as an extra value.
    let (title, extra_title, industry, phone): (String, String, String, String) = conn
        .query_row(
            "SELECT p.title, json_extract(p.extra, '$.Title'), t.name, ph.e164
             FROM prospects p JOIN themes t ON t.id = p.theme_id
             JOIN prospect_phones ph ON ph.prospect_id = p.id AND ph.position = 0
             WHERE p.email = 'emma.muller@cedar.example'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("Emma Müller was imported");
    assert_eq!(title, "Web");
    assert_eq!(extra_title, "Chief Financial Officer");
    assert_eq!(industry, "Construction");
    assert_eq!(phone, "+13125550193");
    let (kept_title, with_extra_title, lead_source_extra): (i64, i64, i64) = conn
        .query_row(
            "SELECT count(*) FILTER (WHERE title = json_extract(extra, '$.Title')),
                count(*) FILTER (WHERE json_extract(extra, '$.Title') <> ''),
                count(*) FILTER (WHERE json_extract(extra, '$.\"Lead Source\"') IS NOT NULL)
             FROM prospects",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept_title, 0, "no prospect has its job title as title");
    assert_eq!(
        with_extra_title, 179,
        "every job title is kept as an extra value"
    );
    assert_eq!(
        lead_source_extra, 0,
        "Lead Source is read as the title, not kept as extra"
    );
    let mapping: String = conn
        .query_row("SELECT mapping FROM imports", [], |r| r.get(0))
        .expect("one import");
    let mapping: serde_json::Value = serde_json::from_str(&mapping).unwrap();
    assert_eq!(mapping["title"], "Lead Source");

    // Open a theme: its prospects; export them to CSV.
    app.wait_for(
        &By::button("Construction").inside(&By::xpath(r#"//table[@aria-label="Themes"]"#)),
    )
    .click();
    app.wait_for(&By::xpath(r#"//h2[normalize-space(.)="Construction"]"#));
    let pager = app.text(&By::css(r#"nav[aria-label="Pages"] span"#));
    let construction = db
        .values()
        .find(|c| c.name == "Construction")
        .unwrap()
        .prospects;
    assert_eq!(pager, format!("1–{construction} of {construction}"));
    app.wait_for(&By::button("Export to CSV…")).click();
    let out = env.dir().join("construction.csv");
    let field = app.wait_for(&By::named("Export to file"));
    field.clear();
    field.type_text(&out.display().to_string());
    app.wait_for(&By::xpath(
        "//form[contains(@class,'theme-form')]//button[@type='submit']",
    ))
    .click();
    let done = app.text(&By::testid("theme-action-done"));
    assert!(
        done.contains(&format!("Exported {construction} prospects")),
        "{done}"
    );
    let csv = std::fs::read_to_string(&out).expect("the export was written");
    assert_eq!(
        csv.lines().count() as u32,
        construction + 1,
        "a header and the prospects"
    );
    assert!(
        csv.contains("'+13125550193"),
        "phones escaped for spreadsheets"
    );
    app.screenshot("lists-after-import");
    app.close();
}

/// A file with two columns named "Phone", and names that differ from others
/// only by invisible characters: the panel says so, the second phone is read
/// as another number, and the database holds both numbers and clean names.
/// A CRM export with entity-prefixed headers ("Person - Phone",
/// "Organization - Industry"), a repeated column and one-cell addresses:
/// the mapping screen says how each column was matched, both numbers are
/// kept, and a national-format number is read in the country of the row's
/// address.
#[test]
fn a_repeated_column_is_said_and_both_numbers_are_kept() {
    let env = TestEnv::new("a_repeated_column_is_said_and_both_numbers_are_kept");
    let file = env.dir().join("two-phones.csv");
    let mut csv = String::from(
        "Person - Name,Person - Phone,Person - Email,Person - Phone,Organization - Industry,Person - Postal address\n",
    );
    for i in 0..12 {
        let industry = if i % 2 == 0 {
            "Logistics"
        } else {
            "Logis\u{200B}tics\u{202C}"
        };
        if i == 11 {
            // A Berlin number written as Germans write it.
            csv.push_str(&format!(
                "Jürgen Hoffmann,030 12345678,jh@rheinland.example,,{industry},\"10115 Berlin, Germany\"\n"
            ));
            continue;
        }
        csv.push_str(&format!(
            "Ann{} Lee,+1 312 555 {:04},ann{i}@acme.example,+1 312 555 9{:03},{industry},\"Chicago, IL, United States\"\n",
            "\u{200B}".repeat(i % 2),
            100 + i,
            i
        ));
    }
    std::fs::write(&file, csv).expect("the test file");
    let app = env.launch();
    app.wait_for(&By::xpath("//h2[normalize-space(.)='No call lists yet']"));
    app.alt('i');
    let path = app.wait_for(&By::named("File to import"));
    path.clear();
    path.type_text(&file.display().to_string());
    app.wait_for(&By::button("Open")).click();

    let note = app.wait_for(&By::testid("import-header-note")).text();
    assert!(
        note.contains("Columns 2 and 4 are both named \"Person - Phone\"")
            && note.contains("\"Person - Phone (2)\""),
        "{note}"
    );
    app.wait_for(&By::named("Column for Phone"));
    assert_eq!(value_of(&app, r#"[aria-label="Column for Phone"]"#), "1");
    let phone_row = text_now(&app, r#"[data-field="phone"]"#).unwrap_or_default();
    assert!(
        phone_row.contains("its name")
            && phone_row
                .contains("Also “Person - Phone (2)”: another column like \"Person - Phone\""),
        "the Phone row says how both columns were matched: {phone_row:?}"
    );
    let industry_row = text_now(&app, r#"[data-field="industry"]"#).unwrap_or_default();
    assert!(
        industry_row.contains("its name without \"Organization\"; the company's"),
        "{industry_row:?}"
    );
    assert_eq!(
        value_of(&app, r#"[aria-label="Column for Address (one cell)"]"#),
        "5"
    );
    // Industry is the field first offered: choose another, then it, so the
    // choice fires as a user's would.
    choose(&app, "Field to group by", "Country (geography)");
    choose(&app, "Field to group by", "Industry (vertical)");
    app.wait_until(
        "the check of every row",
        crate::harness::WAIT_TIMEOUT,
        |app| {
            text_now(app, "[data-testid=import-check]")
                .is_some_and(|t| t.contains("All 12 rows checked"))
        },
    );
    app.screenshot("import-repeated-column");
    app.wait_for(&By::testid("import-run")).click();
    app.wait_for(&By::testid("import-report"));
    assert_eq!(app.text(&By::testid("report-imported")), "12");

    let conn = env.open_db();
    let phones: i64 = conn
        .query_row("SELECT count(*) FROM prospect_phones", [], |r| r.get(0))
        .expect("phones");
    assert_eq!(phones, 23, "two numbers a prospect, one for the last");
    let (e164, country, city, zone): (String, String, String, String) = conn
        .query_row(
            "SELECT ph.e164, p.country, p.city, p.time_zone FROM prospects p
             JOIN prospect_phones ph ON ph.prospect_id = p.id WHERE p.last_name = 'Hoffmann'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("the Berlin prospect");
    assert_eq!(
        (
            e164.as_str(),
            country.as_str(),
            city.as_str(),
            zone.as_str()
        ),
        ("+493012345678", "DE", "Berlin", "Europe/Berlin"),
        "read in the country of the row's address"
    );
    let themes: Vec<String> = conn
        .prepare("SELECT name FROM themes")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("themes");
    assert_eq!(themes, ["Logistics"], "one theme, not two that look alike");
    let odd: i64 = conn
        .query_row(
            "SELECT count(*) FROM prospects WHERE instr(first_name, char(8203)) > 0",
            [],
            |r| r.get(0),
        )
        .expect("names");
    assert_eq!(odd, 0, "no zero-width space stored");
}

/// An empty database says what to click: "Load the demo" fills it from the
/// window, and the Lists view shows the demo's themes from the database.
#[test]
fn an_empty_database_offers_the_demo_in_one_click() {
    let env = TestEnv::new("an_empty_database_offers_the_demo");
    let app = env.launch();
    app.wait_for(&By::xpath("//h2[normalize-space(.)='No call lists yet']"));
    app.wait_for(&By::button("Load the demo")).click();
    app.wait_until("the demo's themes", crate::harness::WAIT_TIMEOUT, |a| {
        text_now(a, "main").is_some_and(|t| t.contains("Logistics & freight"))
    });
    let themes: i64 = env
        .open_db()
        .query_row("SELECT count(*) FROM themes", [], |r| r.get(0))
        .expect("themes");
    assert_eq!(themes, 4);
}

#[test]
fn a_number_put_on_the_do_not_call_list_by_hand_marks_its_prospect() {
    let env = TestEnv::new("a_number_put_on_the_do_not_call_list_by_hand");
    env.cli_ok(&["demo"]);
    // A demo prospect not on the list, and a number only they have.
    let (prospect, e164): (String, String) = env
        .open_db()
        .query_row(
            "SELECT p.id, ph.e164 FROM prospects p JOIN prospect_phones ph ON ph.prospect_id = p.id
              WHERE p.do_not_call = 0 AND ph.e164 LIKE '+1%' AND ph.extension IS NULL
                AND (SELECT count(*) FROM prospect_phones o WHERE o.e164 = ph.e164) = 1
              ORDER BY p.rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("a demo prospect with a number of their own");
    let national = format!("({}) {}-{}", &e164[2..5], &e164[5..8], &e164[8..]);
    let app = env.launch();
    app.wait_for(&By::css(
        r#"table[aria-label="Themes"] tbody tr[data-theme-id]"#,
    ));

    // Alt+D opens the list with the typing field focused: the rep types the
    // number as it was given, and adds it.
    app.alt('d');
    app.wait_for(&By::css(r#"[data-testid="dnc-panel"] table tbody tr"#));
    app.wait_until(
        "the typing field focused",
        crate::harness::WAIT_TIMEOUT,
        |a| {
            a.execute("return document.activeElement && document.activeElement.id")
                .as_str()
                == Some("dnc-typed")
        },
    );
    app.press(&national);
    app.wait_for(&By::button("Add to the list")).click();
    let mut said = String::new();
    app.wait_until("what the add says", crate::harness::WAIT_TIMEOUT, |a| {
        said = text_now(a, r#"[data-testid="dnc-said"]"#).unwrap_or_default();
        !said.is_empty()
    });
    assert_eq!(
        said,
        format!("{national} is on the do-not-call list; 1 prospect marked do-not-call.")
    );

    // The database behind it: listed by hand, the prospect marked.
    let db = env.open_db();
    let (status, dnc): (String, bool) = db
        .query_row(
            "SELECT status, do_not_call FROM prospects WHERE id = ?1",
            [&prospect],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the prospect");
    assert_eq!((status.as_str(), dnc), ("do_not_call", true));
    let source: String = db
        .query_row(
            "SELECT source FROM do_not_call WHERE kind = 'phone' AND value = ?1",
            [&e164],
            |r| r.get(0),
        )
        .expect("the entry");
    assert_eq!(source, "manual");

    // The list shows it among the newest (with the prospect's e-mail, listed
    // with it at the same instant), and finds it by its digits.
    let newest = app.execute(
        r#"return [...document.querySelectorAll('[data-testid="dnc-panel"] tbody tr')].slice(0, 2).map(r => r.innerText)"#,
    );
    let newest: Vec<&str> = newest
        .as_array()
        .expect("the rows")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(
        newest
            .iter()
            .any(|r| r.contains(&national) && r.contains("added by hand")),
        "{newest:?}"
    );
    let search = app.wait_for(&By::named("Find on the list"));
    search.type_text(&e164[2..8]);
    app.wait_until("the search's answer", crate::harness::WAIT_TIMEOUT, |a| {
        text_now(a, r#"[data-testid="dnc-summary"]"#).is_some_and(|t| t.contains("match"))
    });
    let rows = app.execute(
        r#"return [...document.querySelectorAll('[data-testid="dnc-panel"] tbody tr th')].map(t => t.innerText)"#,
    );
    let rows: Vec<&str> = rows
        .as_array()
        .expect("the rows")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(rows.contains(&national.as_str()), "{rows:?}");
    let found: i64 = db
        .query_row(
            "SELECT count(*) FROM do_not_call WHERE kind = 'phone' AND instr(value, ?1) > 0",
            [&e164[2..8]],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(rows.len() as i64, found, "{rows:?}");

    // Escape clears the search first (the whole list again), then puts the
    // list away.
    app.press(&App::escape().to_string());
    app.wait_until("the search cleared", crate::harness::WAIT_TIMEOUT, |a| {
        text_now(a, r#"[data-testid="dnc-summary"]"#)
            .is_some_and(|t| t.contains("on the list") && !t.contains("match"))
    });
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("dnc-panel"));
}
