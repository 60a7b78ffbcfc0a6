use std::path::{Path, PathBuf};

use super::run::check_references;
use super::*;
use crate::domain::ThemeKind;
use crate::store::Store;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/samples")
        .join(name)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn no_progress() -> impl FnMut(Progress) -> bool {
    |_| true
}

fn import(store: &mut Store, path: &Path, theme: ThemeChoice) -> ImportReport {
    let source = read_file(path).unwrap();
    let mut opts = ImportOptions::new(&source, &Settings::default());
    opts.theme = theme;
    run(store, &source, &opts, &mut no_progress()).unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every row of the tables an import writes, to prove nothing changed.
fn snapshot(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for table in ["imports", "themes", "prospects", "prospect_phones"] {
        let mut stmt = store
            .conn()
            .prepare(&format!(
                "SELECT * FROM {table} ORDER BY {}",
                if table == "prospect_phones" {
                    "prospect_id, position"
                } else {
                    "rowid"
                }
            ))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let mut s = String::new();
                for i in 0..n {
                    let v: rusqlite::types::Value = r.get(i)?;
                    s.push_str(&format!("{v:?}|"));
                }
                Ok(s)
            })
            .unwrap();
        for r in rows {
            out.push(format!("{table}:{}", r.unwrap()));
        }
    }
    out
}

fn prospect_field(store: &Store, email: &str, col: &str) -> Option<String> {
    store
        .conn()
        .query_row(
            &format!("SELECT {col} FROM prospects WHERE email = ?1 COLLATE NOCASE"),
            [email],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn the_sample_exports_import() {
    let mut store = Store::open_in_memory().unwrap();
    // HubSpot: UTF-8 with BOM, CRLF, quoted titles with commas.
    let src = read_file(sample("hubspot-contacts.csv")).unwrap();
    assert_eq!(src.encoding, TextEncoding::Utf8Bom);
    assert_eq!(src.delimiter, Delimiter::Comma);
    assert_eq!(src.headers[0], "Record ID");
    assert_eq!(source_format(&src.headers), "hubspot");
    let r = import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::None,
    );
    // Liam Okafor appears twice under two record ids with one e-mail: the
    // second row is reported, not merged or duplicated.
    assert_eq!((r.rows_read, r.imported, r.rejected_count), (240, 239, 1));
    assert_eq!(r.rejected[0].line, 152);
    assert!(
        r.rejected[0]
            .reason
            .contains("same prospect as line 126 (same e-mail)"),
        "{:?}",
        r.rejected
    );
    assert!(r.committed);
    assert_eq!(r.time_zone_unknown, 0);

    // Salesforce: addresses with line breaks inside quotes.
    let src = read_file(sample("salesforce-leads.csv")).unwrap();
    assert_eq!(source_format(&src.headers), "salesforce");
    let r = import(
        &mut store,
        &sample("salesforce-leads.csv"),
        ThemeChoice::None,
    );
    // Mason Garcia twice (lines 91 and 131, after multi-line addresses).
    let lines: Vec<u32> = r.rejected.iter().map(|i| i.line).collect();
    assert_eq!(lines, [131], "{:?}", r.rejected);
    assert!(r.rejected[0].reason.contains("line 91"));
    assert_eq!(r.imported + r.updated + 1, r.rows_read);
    assert_eq!(
        prospect_field(&store, "emma.muller@cedar.example", "last_name").as_deref(),
        Some("Müller")
    );
    let extra = prospect_field(&store, "emma.muller@cedar.example", "extra").unwrap();
    let extra: serde_json::Value = serde_json::from_str(&extra).unwrap();
    assert_eq!(extra["Street"], "3246 Pioneer St\nSuite 410");
    assert_eq!(extra["Lead Source"], "Web");

    // Apollo: direct, mobile and corporate phones; countries spelled out.
    let r = import(&mut store, &sample("apollo-people.csv"), ThemeChoice::None);
    let lines: Vec<u32> = r.rejected.iter().map(|i| i.line).collect();
    // Two people listed twice, each with one e-mail.
    assert_eq!(lines, [53, 138], "{:?}", r.rejected);
    let (country, region, tz) = store
        .conn()
        .query_row(
            "SELECT country, region, time_zone FROM prospects WHERE email = 'ben.khan@orchard.example'",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)),
        )
        .unwrap();
    assert_eq!((country.as_str(), region.as_str()), ("GB", "England"));
    assert_eq!(tz.as_deref(), Some("Europe/London"));
    let phones: Vec<(String, Option<String>)> = store
        .conn()
        .prepare(
            "SELECT ph.kind, ph.e164 FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
             WHERE p.email = 'diego.tanaka@granite.example' ORDER BY ph.position",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    // Direct and corporate are the same number: kept once, as direct.
    assert_eq!(
        phones,
        vec![("direct".to_string(), Some("+15125550146".to_string()))]
    );

    // Semicolons, Windows-1252, mixed line endings.
    let src = read_file(sample("semicolon-latin1.csv")).unwrap();
    assert_eq!(src.encoding, TextEncoding::Windows1252);
    assert_eq!(src.delimiter, Delimiter::Semicolon);
    let r = import(
        &mut store,
        &sample("semicolon-latin1.csv"),
        ThemeChoice::None,
    );
    assert_eq!(r.rejected_count, 0, "{:?}", r.rejected);
    assert_eq!(r.rows_read, 20);
    // Its Lead IDs are those of the other Salesforce file, on other people:
    // new prospects, each with a remark, none merged into a stranger.
    assert_eq!(r.imported + r.updated, 20);
    assert!(r.imported >= 17 && r.warning_count >= 17, "{r:?}");
    assert_eq!(
        prospect_field(&store, "mateo.muller@granite.example", "last_name").as_deref(),
        Some("Müller")
    );
    assert_eq!(
        prospect_field(&store, "ines.khan@atlas.example", "title").as_deref(),
        Some("Director, Supply Chain")
    );
}

#[test]
fn the_messy_export_lists_its_bad_rows_by_line() {
    let mut store = Store::open_in_memory().unwrap();
    let src = read_file(sample("messy-hubspot.csv")).unwrap();
    let opts = ImportOptions::new(&src, &Settings::default());
    let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
    // Line 7: no phone at all. Line 14: Mason Larsen again.
    let lines: Vec<u32> = r.rejected.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![7, 14], "{:?}", r.rejected);
    assert!(r.rejected[0].reason.contains("no phone number"));
    assert!(
        r.rejected[1].reason.contains("line 4"),
        "{}",
        r.rejected[1].reason
    );
    assert_eq!((r.rows_read, r.imported, r.updated), (13, 11, 0));
    // "not a phone" is kept as text beside the valid mobile, with a warning.
    assert!(r
        .warnings
        .iter()
        .any(|w| w.line == 5 && w.reason.contains("not a phone")));
    let (kinds, e164s): (Vec<String>, Vec<Option<String>>) = store
        .conn()
        .prepare(
            "SELECT ph.kind, ph.e164 FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
             WHERE p.crm_id = '100003' ORDER BY ph.position",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .unzip();
    assert_eq!(kinds, ["office", "mobile"]);
    assert_eq!(e164s, [None, Some("+13035550116".to_string())]);
    // The extension is kept.
    let ext: Option<String> = store
        .conn()
        .query_row(
            "SELECT ph.extension FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
             WHERE p.crm_id = '100007'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ext.as_deref(), Some("12"));

    // Import nothing: the same rows are reported and nothing is written.
    let mut store = Store::open_in_memory().unwrap();
    let before = snapshot(&store);
    let opts = ImportOptions {
        on_rejects: OnRejects::ImportNothing,
        ..opts
    };
    let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
    assert!(!r.committed);
    assert_eq!(r.rejected_count, 2);
    assert_eq!(snapshot(&store), before);
}

#[test]
fn unreadable_files_fail_clearly_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(PathBuf, &str, &str)> = vec![
        (sample("not-a-csv.csv"), "not_text", "binary"),
        (sample("headers-only.csv"), "no_rows", "no rows"),
        (write(dir.path(), "empty.csv", b""), "no_header", "empty"),
        (
            write(dir.path(), "blank.csv", b"\r\n\r\n  \n"),
            "no_header",
            "empty",
        ),
        (
            write(
                dir.path(),
                "data.csv",
                b"Ann,ann@x.example,3125550142\nBob,bob@x.example,3125550143\n",
            ),
            "no_header",
            "not column names",
        ),
        (
            write(
                dir.path(),
                "cut.csv",
                b"Name,Phone,Title\nAnn,3125550142,CEO\nBob,3125550143,\"Director, Sup",
            ),
            "truncated_quote",
            "line 3",
        ),
        (
            write(
                dir.path(),
                "data.json",
                b"{\"name\": \"Ann\", \"phone\": \"3125550142\"}\n",
            ),
            "not_csv",
            "JSON",
        ),
        (
            write(dir.path(), "book.xlsx", b"PK\x03\x04\x14\x00\x06\x00rest"),
            "not_text",
            "xlsx",
        ),
    ];
    for (path, kind, words) in cases {
        let mut store = Store::open_in_memory().unwrap();
        let before = snapshot(&store);
        // The error comes from reading the header, or at the latest from the
        // import pass (a quote cut at the end of a long file).
        let e = match read_file(&path) {
            Err(e) => crate::Error::from(e),
            Ok(src) => {
                let opts = ImportOptions::new(&src, &Settings::default());
                run(&mut store, &src, &opts, &mut no_progress()).unwrap_err()
            }
        };
        assert_eq!(e.kind(), kind, "{}: {e}", path.display());
        let msg = e.to_string();
        assert!(msg.contains(words), "{msg}");
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        assert!(msg.contains(&file_name), "{msg}");
        assert_eq!(snapshot(&store), before, "{}", path.display());
    }
    // A cut quote in a file long enough that the header check does not reach it.
    let mut text = String::from("Name,Phone,Title\n");
    for i in 0..2000 {
        text.push_str(&format!("P{i},312555{:04},CEO\n", i % 10000));
    }
    text.push_str("Zed,3125550199,\"VP, Sales\n");
    let path = write(dir.path(), "long-cut.csv", text.as_bytes());
    let src = read_file(&path).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let before = snapshot(&store);
    let opts = ImportOptions::new(&src, &Settings::default());
    let e = run(&mut store, &src, &opts, &mut no_progress()).unwrap_err();
    assert_eq!(e.kind(), "truncated_quote");
    assert!(e.to_string().contains("line 2002"), "{e}");
    assert_eq!(snapshot(&store), before);
    // Preview works on what it reads.
    let p = preview(store.conn(), &src, &opts, 5).unwrap();
    assert_eq!(p.rows.len(), 5);
    assert!(!p.complete);
}

#[test]
fn encodings_delimiters_and_multiline_fields() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Name\tPhone\tTitle\tCity\r\nRenée Dubois\t+33 1 42 68 53 00\t\"Directrice, \r\nFinance\"\tParis\r\nJürgen Groß\t030 1234567\tCFO\tBerlin\r\n";
    // Excel's "Unicode text": UTF-16 LE with BOM, tab-separated.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    // Windows-1252 with accents, semicolons.
    let semicolons = text.replace('\t', ";");
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(&semicolons);
    // UTF-8 with BOM, commas.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(
        text.replace('\t', ",")
            .replace("Directrice, ", "Directrice; ")
            .as_bytes(),
    );
    let cases = [
        ("utf16.txt", utf16, TextEncoding::Utf16Le, Delimiter::Tab),
        (
            "cp1252.csv",
            cp1252.into_owned(),
            TextEncoding::Windows1252,
            Delimiter::Semicolon,
        ),
        ("bom.csv", bom, TextEncoding::Utf8Bom, Delimiter::Comma),
    ];
    for (name, bytes, enc, delim) in cases {
        let path = write(dir.path(), name, &bytes);
        let src = read_file(&path).unwrap();
        assert_eq!((src.encoding, src.delimiter), (enc, delim), "{name}");
        assert_eq!(src.headers, ["Name", "Phone", "Title", "City"], "{name}");
        let mut opts = ImportOptions::new(&src, &Settings::default());
        opts.mapping
            .apply_overrides(&src.path, &[("full_name".into(), "Name".into())])
            .unwrap();
        // Numbers without a country code are read as German.
        opts.region = "DE".into();
        // Rows carry the line where they start: the second row starts on
        // line 4, after the line break inside the quoted title.
        let p = preview(Store::open_in_memory().unwrap().conn(), &src, &opts, 10).unwrap();
        assert!(p.rejected.is_empty(), "{name}: {:?}", p.rejected);
        let lines: Vec<u32> = p.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4], "{name}");
        let renee = &p.rows[0];
        assert_eq!(
            (renee.first_name.as_str(), renee.last_name.as_str()),
            ("Renée", "Dubois")
        );
        assert_eq!(
            renee.title,
            "Directrice, Finance".replace(',', if delim == Delimiter::Comma { ";" } else { "," })
        );
        assert_eq!(p.rows[1].last_name, "Groß");
        // No country column: the numbers tell the country, and so the zone.
        assert_eq!(renee.phones[0].e164.as_deref(), Some("+33142685300"));
        assert_eq!(renee.country, "FR");
        assert_eq!(renee.time_zone.as_deref(), Some("Europe/Paris"));
        assert_eq!(p.rows[1].phones[0].e164.as_deref(), Some("+49301234567"));
        assert_eq!(p.rows[1].time_zone.as_deref(), Some("Europe/Berlin"));
        let mut store = Store::open_in_memory().unwrap();
        let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
        assert_eq!((r.imported, r.rejected_count), (2, 0), "{name}");
        // Read as American, "030 1234567" is no number: the row is refused,
        // reported at the line where it starts.
        let opts = ImportOptions {
            region: "US".into(),
            ..opts
        };
        let mut store = Store::open_in_memory().unwrap();
        let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
        assert_eq!((r.imported, r.rejected_count), (1, 1), "{name}");
        assert_eq!(r.rejected[0].line, 4);
    }
    // Excel's `sep=` line.
    let path = write(
        dir.path(),
        "sep.csv",
        b"sep=;\nName;Phone\nAnn;3125550142\n",
    );
    let src = read_file(&path).unwrap();
    assert_eq!((src.delimiter, src.header_line), (Delimiter::Semicolon, 2));
    let opts = ImportOptions::new(&src, &Settings::default());
    let p = preview(Store::open_in_memory().unwrap().conn(), &src, &opts, 10).unwrap();
    assert_eq!(p.rows[0].line, 3);
}

#[test]
fn time_zones_come_from_the_file_or_the_location_never_a_guess() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "tz.csv",
        "Email,Phone,City,State,Country,Time Zone\n\
         a@x.example,3125550101,Chicago,IL,US,America/New_York\n\
         b@x.example,3125550102,Austin,Texas,USA,\n\
         c@x.example,3125550103,Phoenix,AZ,US,MST\n\
         d@x.example,030 1234567,,,Germany,\n\
         e@x.example,3125550105,,,,\n\
         f@x.example,3125550106,,TN,US,\n\
         g@x.example,3125550107,,,,(GMT-08:00) Pacific Time (US & Canada)\n\
         h@x.example,3125550108,,,Brazil,\n\
         i@x.example,3125550109,Denver,CO,US,Mars/Olympus\n"
            .as_bytes(),
    );
    let mut store = Store::open_in_memory().unwrap();
    let r = import(&mut store, &path, ThemeChoice::None);
    assert_eq!(r.imported, 9, "{:?}", r.rejected);
    let tz = |e: &str| prospect_field(&store, e, "time_zone");
    assert_eq!(
        tz("a@x.example").as_deref(),
        Some("America/New_York"),
        "the file's column wins"
    );
    assert_eq!(tz("b@x.example").as_deref(), Some("America/Chicago"));
    assert_eq!(tz("c@x.example").as_deref(), Some("America/Phoenix"));
    assert_eq!(tz("d@x.example").as_deref(), Some("Europe/Berlin"));
    assert_eq!(
        tz("e@x.example"),
        None,
        "a US number alone does not tell the zone"
    );
    assert_eq!(tz("f@x.example"), None, "Tennessee has two zones");
    assert_eq!(tz("g@x.example").as_deref(), Some("America/Los_Angeles"));
    assert_eq!(tz("h@x.example"), None);
    assert_eq!(tz("i@x.example").as_deref(), Some("America/Denver"));
    assert!(r
        .warnings
        .iter()
        .any(|w| w.line == 10 && w.reason.contains("Mars/Olympus")));
    assert_eq!(r.time_zone_unknown, 3);
    assert_eq!(
        prospect_field(&store, "b@x.example", "region").as_deref(),
        Some("TX")
    );
    assert_eq!(
        prospect_field(&store, "b@x.example", "country").as_deref(),
        Some("US")
    );
}

#[test]
fn reimporting_updates_instead_of_duplicating() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let hubspot = sample("hubspot-contacts.csv");
    let first = import(&mut store, &hubspot, ThemeChoice::None);
    assert_eq!((first.imported, first.updated), (239, 0));
    // The rep works the list: calls change status and attempts.
    store
        .conn()
        .execute(
            "UPDATE prospects SET status = 'attempting', attempts = 3,
                next_attempt_at = '2026-11-24T15:00:00.000Z' WHERE crm_id = '100001'",
            [],
        )
        .unwrap();
    store
        .conn()
        .execute(
            "UPDATE prospect_phones SET bad = 1 WHERE prospect_id =
                (SELECT id FROM prospects WHERE crm_id = '100002')",
            [],
        )
        .unwrap();
    let second = import(&mut store, &hubspot, ThemeChoice::None);
    assert_eq!(
        (second.imported, second.updated, second.rejected_count),
        (0, 239, 1)
    );
    assert_eq!(count(&store, "SELECT count(*) FROM prospects"), 239);
    assert_eq!(count(&store, "SELECT count(*) FROM imports"), 2);

    // An updated export: a new title, a new number, a new e-mail (matched
    // on the record id), a row matched by e-mail alone, one by name and
    // company alone, a colleague sharing the switchboard number.
    let path = write(
        dir.path(),
        "updated.csv",
        "Record ID,First Name,Last Name,Email,Phone Number,Job Title,Company Name,State/Region,Country/Region\n\
         100001,Noah,Novak,noah.novak@bluebird.example,(312) 555-0999,VP of IT,Bluebird Partners LLP,IL,USA\n\
         100002,Ines,Silva,ines.silva@granite.example,(303) 555-0137,Office Manager,Granite Engineering,,\n\
         ,Elif,Moreau,ELIF.MOREAU@summit.example,+1 602 555-0124,CFO,Summit Partners LLP,AZ,US\n\
         ,Sofia,Larsen,,206.555.0174,Controller,redwood architects,WA,US\n\
         ,Pat,Colleague,pat@bluebird.example,(312) 555-0999,IT Manager,Bluebird Partners LLP,IL,USA\n"
            .as_bytes(),
    );
    let third = import(&mut store, &path, ThemeChoice::None);
    assert_eq!(
        (third.imported, third.updated, third.rejected_count),
        (1, 4, 0),
        "{:?}",
        third.rejected
    );
    assert_eq!(count(&store, "SELECT count(*) FROM prospects"), 240);
    let (title, status, attempts, next): (String, String, i64, Option<String>) = store
        .conn()
        .query_row(
            "SELECT title, status, attempts, next_attempt_at FROM prospects WHERE crm_id = '100001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(title, "VP of IT");
    assert_eq!(
        (status.as_str(), attempts),
        ("attempting", 3),
        "call history kept"
    );
    assert!(next.is_some());
    let phone: String = store
        .conn()
        .query_row(
            "SELECT group_concat(ph.e164) FROM prospect_phones ph JOIN prospects p ON p.id = ph.prospect_id
             WHERE p.crm_id = '100001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(phone, "+13125550999");
    // A number marked bad stays bad when the phones are refreshed.
    let bad: i64 = count(
        &store,
        "SELECT bad FROM prospect_phones WHERE prospect_id = (SELECT id FROM prospects WHERE crm_id = '100002')",
    );
    assert_eq!(bad, 1);
    // Empty cells do not blank what was saved.
    assert_eq!(
        prospect_field(&store, "ines.silva@granite.example", "time_zone").as_deref(),
        Some("America/Denver")
    );
    assert_eq!(
        prospect_field(&store, "elif.moreau@summit.example", "title").as_deref(),
        Some("CFO")
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM prospects WHERE first_name = 'Sofia' AND last_name = 'Larsen' AND title = 'Controller'"),
        1
    );
    // The colleague on the same number is a prospect of their own.
    assert_eq!(
        count(
            &store,
            "SELECT count(DISTINCT prospect_id) FROM prospect_phones WHERE e164 = '+13125550999'"
        ),
        2
    );

    // A record id of someone else (another CRM's numbering) is not merged:
    // the row becomes a prospect of its own, with a remark.
    let path = write(
        dir.path(),
        "other-crm.csv",
        "ID,First Name,Last Name,Email,Phone\n100001,Zed,Other,zed@elsewhere.example,3125550111\n"
            .as_bytes(),
    );
    let r = import(&mut store, &path, ThemeChoice::None);
    assert_eq!((r.imported, r.updated, r.rejected_count), (1, 0, 0));
    assert!(
        r.warnings[0]
            .reason
            .contains("also belongs to another prospect (Noah Novak"),
        "{:?}",
        r.warnings
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM prospects WHERE crm_id = '100001'"
        ),
        2
    );
    // Importing it again updates Zed, not Noah.
    let r = import(&mut store, &path, ThemeChoice::None);
    assert_eq!((r.imported, r.updated), (0, 1));
    assert_eq!(
        prospect_field(&store, "noah.novak@bluebird.example", "title").as_deref(),
        Some("VP of IT")
    );
}

#[test]
fn formula_cells_are_stored_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "formulas.csv",
        "First Name,Last Name,Company,Phone,Title,Notes\n\
         =cmd|' /C calc'!A0,@SUM(1+1),-2+3,+1 312 555 0142,'=HYPERLINK(\"http://x\"),+danger\n"
            .as_bytes(),
    );
    let mut store = Store::open_in_memory().unwrap();
    let r = import(&mut store, &path, ThemeChoice::None);
    assert_eq!(r.imported, 1, "{:?}", r.rejected);
    let (first, last, company, title, extra): (String, String, String, String, String) = store
        .conn()
        .query_row(
            "SELECT first_name, last_name, company, title, extra FROM prospects",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(first, "=cmd|' /C calc'!A0");
    assert_eq!(last, "@SUM(1+1)");
    assert_eq!(company, "-2+3");
    assert_eq!(title, "=HYPERLINK(\"http://x\")");
    assert!(extra.contains("+danger"));
    let raw: String = count_text(&store, "SELECT raw FROM prospect_phones");
    assert_eq!(raw, "+1 312 555 0142");
}

fn count_text(store: &Store, sql: &str) -> String {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn cancelling_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Email,Phone,Industry\n");
    for i in 0..3500 {
        text.push_str(&format!(
            "p{i}@x.example,312555{:04},Logistics\n",
            i % 10000
        ));
    }
    let path = write(dir.path(), "long.csv", text.as_bytes());
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &sample("messy-hubspot.csv"),
        ThemeChoice::Named("Earlier".into()),
    );
    let before = snapshot(&store);
    let src = read_file(&path).unwrap();
    let mut opts = ImportOptions::new(&src, &Settings::default());
    opts.theme = ThemeChoice::Field(Field::Industry);
    let mut seen = Vec::new();
    let e = run(&mut store, &src, &opts, &mut |p| {
        seen.push(p);
        p.rows_read < 2000
    })
    .unwrap_err();
    assert_eq!(e.kind(), "cancelled");
    assert!(e.to_string().contains("nothing was changed"), "{e}");
    assert_eq!(seen.len(), 2);
    assert!(seen[0].fraction > 0.0 && seen[0].fraction <= seen[1].fraction);
    assert!(seen[1].fraction <= 1.0);
    assert_eq!(snapshot(&store), before);
    // A dry run reports and writes nothing either.
    opts.dry_run = true;
    let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
    assert_eq!(
        (r.imported, r.committed, r.import_id.clone()),
        (3500, false, None)
    );
    assert_eq!(r.themes.get("Logistics"), Some(&3500));
    assert_eq!(snapshot(&store), before);
    assert_eq!(foreign_keys(&store), 1, "foreign keys are back on");
}

fn foreign_keys(store: &Store) -> i64 {
    count(store, "PRAGMA foreign_keys")
}

#[test]
fn foreign_keys_are_checked_before_commit_and_back_on_after() {
    let mut store = Store::open_in_memory().unwrap();
    import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::Field(Field::Industry),
    );
    assert_eq!(foreign_keys(&store), 1);
    assert_eq!(
        count(&store, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    // (A cancelled import switches them back on too: see above.)
    // The check before commit finds a reference to nothing, in each table
    // the import writes.
    let conn = store.conn();
    conn.execute_batch("PRAGMA foreign_keys = OFF; BEGIN")
        .unwrap();
    check_references(conn).unwrap();
    conn.execute(
        "INSERT INTO prospect_phones (prospect_id, position, kind, raw)
         VALUES ('no-such-prospect', 0, 'direct', '312')",
        [],
    )
    .unwrap();
    let e = check_references(conn).unwrap_err();
    assert_eq!(e.kind(), "broken_references");
    assert!(e.to_string().contains("1 rows of prospect_phones"), "{e}");
    conn.execute_batch("ROLLBACK; PRAGMA foreign_keys = ON")
        .unwrap();
}

#[test]
fn themes_group_by_each_kind_and_reuse_names() {
    let mut store = Store::open_in_memory().unwrap();
    crate::lists::create_theme(store.conn(), "construction", ThemeKind::Custom, "").unwrap();
    let cases = [
        (
            ThemeChoice::Field(Field::Industry),
            ThemeKind::Vertical,
            "Construction",
        ),
        (
            ThemeChoice::Field(Field::Region),
            ThemeKind::Geography,
            "Illinois",
        ),
        (
            ThemeChoice::Field(Field::Country),
            ThemeKind::Geography,
            "United Kingdom",
        ),
        (
            ThemeChoice::Field(Field::Employees),
            ThemeKind::Size,
            "501-1000 employees",
        ),
        (
            ThemeChoice::Field(Field::Title),
            ThemeKind::Role,
            "Finance roles",
        ),
        (
            ThemeChoice::Named("Q4 push".into()),
            ThemeKind::Custom,
            "Q4 push",
        ),
        (
            ThemeChoice::Column("Lifecycle Stage".into()),
            ThemeKind::Custom,
            "Lead",
        ),
    ];
    for (choice, kind, expected) in cases {
        let mut s = Store::open_in_memory().unwrap();
        crate::lists::create_theme(s.conn(), "construction", ThemeKind::Custom, "").unwrap();
        let r = import(&mut s, &sample("hubspot-contacts.csv"), choice.clone());
        let themes = crate::lists::themes(s.conn()).unwrap();
        let found = themes
            .iter()
            .find(|t| t.name.eq_ignore_ascii_case(expected))
            .unwrap_or_else(|| panic!("{choice:?}: no theme {expected} in {:?}", r.themes));
        if expected == "Construction" {
            // The existing theme of that name (any case) is reused.
            assert_eq!(found.name, "construction");
            assert_eq!(found.kind, ThemeKind::Custom);
            assert!(r.themes.contains_key("construction"), "{:?}", r.themes);
        } else {
            assert_eq!(found.kind, kind, "{choice:?}");
        }
        let total: u32 = r.themes.values().sum::<u32>() + r.unthemed + r.rejected_count;
        assert_eq!(total, 240, "{choice:?}");
        let in_db = count(
            &s,
            &format!(
                "SELECT count(*) FROM prospects WHERE theme_id = '{}'",
                found.id
            ),
        );
        assert_eq!(in_db as u32, r.themes[&found.name], "{choice:?}");
    }
    // Unknown theme column.
    let src = read_file(sample("hubspot-contacts.csv")).unwrap();
    let mut opts = ImportOptions::new(&src, &Settings::default());
    opts.theme = ThemeChoice::Column("Colour".into());
    let e = run(&mut store, &src, &opts, &mut no_progress()).unwrap_err();
    assert_eq!(e.kind(), "unknown_theme_column");
    // Re-import with another theme: prospects already in a theme stay.
    let r1 = import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::Named("First".into()),
    );
    assert_eq!(r1.themes["First"], 239);
    let r2 = import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::Named("Second".into()),
    );
    assert_eq!(r2.themes.get("Second"), None);
    let mut opts = ImportOptions::new(&src, &Settings::default());
    opts.theme = ThemeChoice::Named("Second".into());
    opts.retheme_existing = true;
    let r3 = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
    assert_eq!(r3.themes["Second"], 239);
}

#[test]
fn preview_shows_rows_as_saved_and_what_they_update() {
    let mut store = Store::open_in_memory().unwrap();
    let src = read_file(sample("messy-hubspot.csv")).unwrap();
    let mut opts = ImportOptions::new(&src, &Settings::default());
    opts.theme = ThemeChoice::Field(Field::Title);
    let p = preview(store.conn(), &src, &opts, 8).unwrap();
    assert_eq!(p.rows.len() + p.rejected.len(), 8);
    assert_eq!(p.rejected[0].line, 7);
    assert_eq!(p.rows[0].line, 2);
    assert_eq!(p.rows[0].phones[0].e164.as_deref(), Some("+16025550147"));
    assert_eq!(p.rows[0].theme.as_deref(), Some("Finance roles"));
    assert_eq!(p.rows[0].action, RowAction::New);
    assert!(p.unmapped.contains(&"Contact owner".to_string()));
    // The preview writes nothing.
    assert_eq!(count(&store, "SELECT count(*) FROM prospects"), 0);
    import(&mut store, &sample("messy-hubspot.csv"), ThemeChoice::None);
    let p = preview(store.conn(), &src, &opts, 3).unwrap();
    assert!(matches!(
        p.rows[0].action,
        RowAction::Update {
            matched_by: MatchKey::CrmId,
            ..
        }
    ));
    // A mapping without any phone column is refused.
    opts.mapping
        .apply_overrides(
            &src.path,
            &[("phone".into(), "".into()), ("mobile".into(), "".into())],
        )
        .unwrap();
    let e = preview(store.conn(), &src, &opts, 3).unwrap_err();
    assert_eq!(e.kind(), "no_phone_column");
}

#[test]
fn matching_uses_the_indexes() {
    let store = Store::open_in_memory().unwrap();
    for sql in [write::BY_CRM, write::BY_EMAIL, write::BY_NAME] {
        let n = sql.matches('?').count();
        let args = &["a", "b", "c"][..n];
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(args), |r| r.get(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let plan = plan.join(" / ");
        assert!(plan.contains("USING INDEX"), "{sql}: {plan}");
    }
    // An import reads the saved keys from the indexes alone.
    for sql in [
        write::KEYS_BY_CRM,
        write::KEYS_BY_EMAIL,
        write::KEYS_BY_NAME,
    ] {
        let plan: String = store
            .conn()
            .query_row(&format!("EXPLAIN QUERY PLAN {sql}"), [], |r| r.get(3))
            .unwrap();
        assert!(plan.contains("USING COVERING INDEX"), "{sql}: {plan}");
    }
}

#[test]
fn statements_are_not_prepared_again_for_each_row() {
    // SQLite prepares a statement again on every bind when its plan depends
    // on the bound value; that tripled the time of an import once.
    use rusqlite::StatementStatus;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let check = |store: &Store, sqls: &[&str]| {
        for sql in sqls {
            let stmt = store.conn().prepare_cached(sql).unwrap();
            let runs = stmt.get_status(StatementStatus::Run);
            assert!(runs > 200, "{sql}: {runs} runs");
            // At most once per import (the import's pragmas expire
            // statements), never once per row.
            let again = stmt.get_status(StatementStatus::RePrepare);
            assert!(again <= 4, "{sql}: prepared again {again} times");
        }
    };
    import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::Field(Field::Industry),
    );
    // Again, matching on the CRM id, then on e-mail, then on name and company
    // (each row's candidates read back by rowid, the saved row and its phones
    // compared with the row).
    let src = read_file(sample("hubspot-contacts.csv")).unwrap();
    for unmap in [vec![], vec!["crm_id"], vec!["crm_id", "email"]] {
        let mut opts = ImportOptions::new(&src, &Settings::default());
        let overrides: Vec<(String, String)> = unmap
            .iter()
            .map(|f| (f.to_string(), String::new()))
            .collect();
        opts.mapping.apply_overrides(&src.path, &overrides).unwrap();
        let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
        assert_eq!(r.imported, 0, "{unmap:?}");
        check(&store, &[write::SAVED_ROW, write::SAVED_PHONES]);
    }
    // Every row moved to another theme: every prospect updated.
    let mut opts = ImportOptions::new(&src, &Settings::default());
    opts.theme = ThemeChoice::Named("Moved".into());
    opts.retheme_existing = true;
    let r = run(&mut store, &src, &opts, &mut no_progress()).unwrap();
    assert_eq!((r.updated, r.unchanged), (239, 0));
    check(&store, &[write::SAVED_ROW]);
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM prospects p JOIN themes t ON t.id = p.theme_id WHERE t.name = 'Moved'"
        ),
        239
    );
}

#[test]
fn imported_rows_satisfy_every_constraint_of_the_schema() {
    // The import writes with every constraint checked as it goes (no
    // `ignore_check_constraints`); what it wrote passes them all.
    let mut store = Store::open_in_memory().unwrap();
    for name in [
        "hubspot-contacts.csv",
        "salesforce-leads.csv",
        "apollo-people.csv",
        "semicolon-latin1.csv",
        "messy-hubspot.csv",
    ] {
        import(&mut store, &sample(name), ThemeChoice::Field(Field::Title));
    }
    import(
        &mut store,
        &sample("hubspot-contacts.csv"),
        ThemeChoice::Field(Field::Employees),
    );
    let check: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let ignored: i64 = store
        .conn()
        .query_row("PRAGMA ignore_check_constraints", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ignored, 0);
    let e = store
        .conn()
        .execute(
            "UPDATE prospect_phones SET kind = 'pager'
             WHERE prospect_id = (SELECT min(prospect_id) FROM prospect_phones) AND position = 0",
            [],
        )
        .unwrap_err();
    assert!(e.to_string().contains("CHECK"), "{e}");
}

#[test]
fn a_header_of_millions_of_columns_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // 10 MB of commas: ten million empty columns.
    let mut bytes = vec![b','; 10 * 1024 * 1024];
    bytes.extend_from_slice(b"\nAda,+13125550142\n");
    let path = write(dir.path(), "wide.csv", &bytes);
    let e = read_file(&path).unwrap_err();
    assert_eq!(e.kind(), "too_many_fields", "{e}");
    assert!(
        e.to_string()
            .contains("line 1: more than 10000 columns in one record"),
        "{e}"
    );
    // A row of a normal header with too many fields is refused the same way.
    let mut wide_row = b"Name,Phone\nAda,+13125550142\n".to_vec();
    wide_row.extend(std::iter::repeat_n(b',', 20_000));
    wide_row.push(b'\n');
    let path = write(dir.path(), "wide-row.csv", &wide_row);
    let source = read_file(&path).unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let opts = ImportOptions::new(&source, &crate::domain::Settings::default());
    let e = run(&mut store, &source, &opts, &mut no_progress()).unwrap_err();
    assert!(
        e.to_string().contains("line 3: more than 10000 columns"),
        "{e}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM prospects"), 0);
}

#[test]
fn bytes_past_the_sample_that_are_not_text_are_said_and_never_stored() {
    // 70 KiB of good rows (past the 64 KiB the encoding is detected on),
    // then a row with a NUL byte and invalid UTF-8, an escape sequence and
    // look-alike characters.
    let mut csv = b"First Name,Last Name,Company,Phone,Email\n".to_vec();
    let mut i = 0;
    while csv.len() < 70 * 1024 {
        csv.extend_from_slice(
            format!(
                "Ann{i},Lee,Acme,+1 312 555 {:04},ann{i}@acme.example\n",
                i % 10_000
            )
            .as_bytes(),
        );
        i += 1;
    }
    csv.extend_from_slice(
        b"Bo\0b,Sm\xffith,\x1b[31mRed\x1b[0m Co,+1 312 555 9999,bob@red.example\n",
    );
    csv.extend_from_slice(
        "Cara\u{200B},\u{202E}Diaz,Tex\u{200B}as Co,+1 312 555 9998,cara@tx.example\n".as_bytes(),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "late.csv", &csv);
    let mut store = Store::open_in_memory().unwrap();
    let r = import(&mut store, &path, ThemeChoice::None);
    assert!(r.rejected.is_empty(), "{:?}", r.rejected);
    let bob_line = u32::try_from(i).unwrap() + 2;
    let said: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.line == bob_line)
        .map(|w| w.reason.as_str())
        .collect();
    assert!(said.iter().any(|w| w.contains("not UTF-8")), "{said:?}");
    assert!(said.iter().any(|w| w.contains("NUL")), "{said:?}");
    assert_eq!(
        prospect_field(&store, "bob@red.example", "first_name").unwrap(),
        "Bob"
    );
    assert_eq!(
        prospect_field(&store, "bob@red.example", "last_name").unwrap(),
        "Sm\u{FFFD}ith"
    );
    assert_eq!(
        prospect_field(&store, "bob@red.example", "company").unwrap(),
        "[31mRed[0m Co"
    );
    assert_eq!(
        prospect_field(&store, "cara@tx.example", "first_name").unwrap(),
        "Cara"
    );
    assert_eq!(
        prospect_field(&store, "cara@tx.example", "last_name").unwrap(),
        "Diaz"
    );
    assert_eq!(
        prospect_field(&store, "cara@tx.example", "company").unwrap(),
        "Texas Co"
    );
    let nul: i64 = count(&store, "SELECT count(*) FROM prospects WHERE instr(first_name || last_name || company || extra, char(0)) > 0");
    assert_eq!(nul, 0);
}

#[test]
fn a_repeated_header_is_numbered_said_and_read_as_another_phone() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "two-phones.csv",
        b"Name,Phone,Email,Phone,Email,Column 6,\n\
          Ann Lee,+1 312 555 0101,ann@acme.example,+1 312 555 0199,ann.lee@home.example,x,y\n",
    );
    let source = read_file(&path).unwrap();
    assert_eq!(
        source.headers,
        [
            "Name",
            "Phone",
            "Email",
            "Phone (2)",
            "Email (2)",
            "Column 6",
            "Column 7"
        ]
    );
    assert_eq!(source.notes.len(), 2, "{:?}", source.notes);
    assert!(
        source.notes[0].contains("columns 2 and 4 are both named \"Phone\""),
        "{:?}",
        source.notes
    );
    let m = suggest_mapping(&source.headers);
    assert_eq!(m.columns(Field::Phone).collect::<Vec<_>>(), vec![1, 3]);
    assert_eq!(m.columns(Field::Email).collect::<Vec<_>>(), vec![2, 4]);
    assert_eq!(
        m.merged(),
        vec![
            "\"Email (2)\" read as another e-mail beside \"Email\"".to_string(),
            "\"Phone (2)\" read as another phone beside \"Phone\"".to_string()
        ]
    );
    let mut store = Store::open_in_memory().unwrap();
    import(&mut store, &path, ThemeChoice::None);
    let phones = count(&store, "SELECT count(*) FROM prospect_phones");
    assert_eq!(phones, 2, "both numbers are kept");
    let extra = prospect_field(&store, "ann@acme.example", "extra").unwrap();
    let v: serde_json::Value = serde_json::from_str(&extra).unwrap();
    assert_eq!(v["Email (2)"], "ann.lee@home.example", "{extra}");
}

#[test]
fn a_message_lists_some_columns_not_ten_thousand() {
    let dir = tempfile::tempdir().unwrap();
    // 2,000 columns of 150-character names, and a row.
    let names: Vec<String> = (0..2000)
        .map(|i| format!("{i:04}{}", "n".repeat(146)))
        .collect();
    let mut text = format!("Phone,{}\n+1 312 555 0142", names.join(","));
    text.push_str(&",x".repeat(names.len()));
    text.push('\n');
    let path = write(dir.path(), "wide.csv", text.as_bytes());
    let source = read_file(&path).unwrap();
    let mut opts = ImportOptions::new(&source, &Settings::default());
    let mut store = Store::open_in_memory().unwrap();
    opts.theme = ThemeChoice::Column(format!("\u{1b}[2J{}", "q".repeat(10_000)));
    let e = run(&mut store, &source, &opts, &mut no_progress())
        .unwrap_err()
        .to_string();
    assert!(e.len() < 500 + path.display().to_string().len(), "{e}");
    assert!(e.contains("\"Phone\", \"0000nnn"), "{e}");
    assert!(e.contains("more"), "{e}");
    assert!(!e.chars().any(char::is_control), "{e:?}");
    let e = opts
        .mapping
        .apply_overrides(&path, &[("email".into(), "no such column".into())])
        .unwrap_err()
        .to_string();
    assert!(e.len() < 500 + path.display().to_string().len(), "{e}");
    let e = parse_override(&"x".repeat(100_000))
        .unwrap_err()
        .to_string();
    assert!(e.len() < 300, "{e}");
}

#[test]
fn ten_thousand_columns_of_one_name_are_numbered_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let n = crate::import::reader::MAX_FIELDS - 1;
    let mut text = vec!["Phone"; n].join(",");
    text.push('\n');
    text.push_str(&vec!["+1 312 555 0142"; n].join(","));
    text.push('\n');
    let path = write(dir.path(), "same.csv", text.as_bytes());
    let start = std::time::Instant::now();
    let source = read_file(&path).unwrap();
    // Numbering them one try at a time took 33 s in a debug build.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
    assert_eq!(source.headers[0], "Phone");
    assert_eq!(source.headers[1], "Phone (2)");
    assert_eq!(source.headers[n - 1], format!("Phone ({n})"));
    assert_eq!(source.notes.len(), 21, "twenty notes, then how many more");
    assert!(source.notes[20].starts_with(&format!("{} more columns", n - 21)));
}

#[test]
fn a_typed_theme_name_too_long_is_refused_not_cut() {
    let mut store = Store::open_in_memory().unwrap();
    let path = sample("hubspot-contacts.csv");
    let source = read_file(&path).unwrap();
    let before = snapshot(&store);
    for (name, words) in [
        ("T".repeat(100_000), "is 100000 characters long; at most 80"),
        (" \u{200B} ".to_string(), "must not be empty"),
    ] {
        let mut opts = ImportOptions::new(&source, &Settings::default());
        opts.theme = ThemeChoice::Named(name);
        let e = run(&mut store, &source, &opts, &mut no_progress())
            .unwrap_err()
            .to_string();
        assert!(e.contains(words), "{e}");
        assert!(e.len() < 200, "{e}");
    }
    assert_eq!(snapshot(&store), before);
}

/// Each CRM's export as it is (headers from the vendors' documented
/// exports): mapped without `--map`, every number read in its row's
/// country, no row lost.
#[test]
fn every_crm_export_maps_by_itself() {
    // (file, has a job title column, (line, country, region) of some rows)
    type Expected<'a> = (&'a str, bool, &'a [(u32, &'a str, &'a str)]);
    let files: &[Expected] = &[
        (
            "pipedrive-persons.csv",
            true,
            &[
                (2, "US", "IL"),
                (3, "DE", ""),
                (4, "GB", "England"),
                (5, "FR", ""),
            ],
        ),
        (
            "pipedrive-organizations.csv",
            false,
            &[(2, "US", "IL"), (3, "DE", ""), (4, "AU", "NSW")],
        ),
        (
            "salesforce-report.csv",
            true,
            &[(2, "US", "TX"), (3, "IN", "Maharashtra"), (4, "US", "")],
        ),
        (
            "salesforce-dataloader.csv",
            true,
            &[(2, "US", "CA"), (3, "IE", ""), (4, "FR", "")],
        ),
        (
            "hubspot-contacts.csv",
            true,
            &[(2, "US", "CO"), (3, "DE", "Bayern"), (4, "JP", "")],
        ),
        (
            "hubspot-companies.csv",
            false,
            &[(2, "US", "CO"), (3, "DE", "Bayern"), (4, "CA", "ON")],
        ),
        (
            "close-leads.csv",
            true,
            &[(2, "US", "TX"), (3, "NO", ""), (4, "AU", "WA")],
        ),
        (
            "apollo-contacts.csv",
            true,
            &[
                (2, "TR", ""),
                (3, "ES", "Community of Madrid"),
                (4, "IT", ""),
            ],
        ),
        (
            "zoominfo-contacts.csv",
            true,
            &[(2, "US", "GA"), (3, "CA", "BC")],
        ),
        (
            "lusha-contacts.csv",
            true,
            &[
                (2, "NL", "North Holland"),
                (3, "CH", ""),
                (4, "JP", "Tokyo"),
            ],
        ),
        (
            "salesnav-evaboot.csv",
            true,
            &[
                (2, "GB", "England"),
                (3, "BR", "São Paulo"),
                (4, "US", "WA"),
            ],
        ),
        (
            "outreach-prospects.csv",
            true,
            &[(2, "US", "MN"), (3, "GB", "")],
        ),
    ];
    let store = Store::open_in_memory().unwrap();
    for (name, has_title, rows) in files {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/crm")
            .join(name);
        let source = read_file(&path).unwrap();
        let opts = ImportOptions::new(&source, &Settings::default());
        let m = &opts.mapping;
        let shown: Vec<String> = m
            .entries
            .iter()
            .map(|e| format!("{}={:?} ({})", e.field, e.header, e.why))
            .collect();
        for f in [Field::Industry, Field::Employees, Field::Company] {
            assert!(m.column(f).is_some(), "{name}: {f} unmapped: {shown:#?}");
        }
        if *has_title {
            assert!(m.column(Field::Title).is_some(), "{name}: {shown:#?}");
        }
        assert!(
            m.column(Field::Country).is_some() || m.column(Field::Address).is_some(),
            "{name}: no country: {shown:#?}"
        );
        // Every column that holds a number is read as one.
        for (i, h) in source.headers.iter().enumerate() {
            let lower = h.to_lowercase();
            if lower.contains("phone") && !lower.contains("type") {
                assert!(
                    m.field_of(i).is_some_and(Field::is_phone),
                    "{name}: {h:?} is not read as a phone: {shown:#?}"
                );
            }
        }
        let preview = preview(store.conn(), &source, &opts, 100).unwrap();
        assert!(
            preview.rejected.is_empty(),
            "{name}: {:?}",
            preview.rejected
        );
        for row in &preview.rows {
            assert!(
                row.phones.iter().all(|p| p.e164.is_some()),
                "{name} line {}: {:?} {:?}",
                row.line,
                row.phones,
                row.warnings
            );
            assert!(
                group::employee_band(&row.employees).is_some(),
                "{name} line {}: employees {:?}",
                row.line,
                row.employees
            );
        }
        for (line, country, region) in rows.iter() {
            let row = preview.rows.iter().find(|r| r.line == *line).unwrap();
            assert_eq!(
                (row.country.as_str(), row.region.as_str()),
                (*country, *region),
                "{name} line {line}: {row:?}"
            );
            // Brazil spans four zones and its states are not in the table:
            // unknown, not guessed.
            assert_eq!(
                row.time_zone.is_some(),
                *country != "BR" && (*country != "US" || !region.is_empty()),
                "{name} line {line}: {row:?}"
            );
        }
    }
}

#[test]
fn entity_prefixes_are_taken_off_and_said() {
    let h = |s: &str| s.split('|').map(str::to_string).collect::<Vec<_>>();
    let m = suggest_mapping(&h(
        "Person - Name|Organization - Phone|Person - Phone - Work|Organization - Industry|Account Name: Billing Country|Person - Email - Home|Person - Email - Work|Organization - ID|Person - ID",
    ));
    assert_eq!(
        m.column(Field::CorporatePhone),
        Some(1),
        "the company's line"
    );
    assert_eq!(m.column(Field::Phone), Some(2));
    assert_eq!(m.column(Field::Industry), Some(3));
    assert_eq!(m.column(Field::Country), Some(4));
    assert_eq!(m.columns(Field::Email).collect::<Vec<_>>(), vec![5, 6]);
    assert_eq!(
        m.column(Field::CrmId),
        Some(8),
        "a person's id, not the company's"
    );
    let why = |c: usize| {
        m.entries
            .iter()
            .find(|e| e.column as usize == c)
            .unwrap()
            .why
            .clone()
    };
    assert_eq!(why(3), "its name without \"Organization\"; the company's");
    assert_eq!(
        why(4),
        "its name without \"Account Name Billing\"; the company's"
    );
    assert_eq!(
        why(6),
        "another column like \"Person - Email - Home\": kept as well"
    );
    // A company's id is the record id of a file of companies.
    let m = suggest_mapping(&h(
        "Organization - ID|Organization - Name|Organization - Phone",
    ));
    assert_eq!(m.column(Field::CrmId), Some(0));
    assert_eq!(m.column(Field::Company), Some(1));
    // Words that are not fields stay extra values.
    for header in [
        "Company Domain Name",
        "Account Owner",
        "Lead Status",
        "Email Status",
        "Phone 1 Type",
        "Primary Sub-Industry",
        "Last Contacted",
        "Person - Label",
    ] {
        assert_eq!(mapping::field_for_header(header), None, "{header}");
    }
    for (header, field) in [
        ("lead.custom.Industry", Field::Industry),
        ("contact_name", Field::FullName),
        ("Company Industry", Field::Industry),
        ("# Employees", Field::Employees),
        ("Associated Company", Field::Company),
        ("Organization - Number of employees", Field::Employees),
        ("Person - Job title", Field::Title),
        ("Account: Industry", Field::Industry),
        ("Industry (Company)", Field::Industry),
        ("Work Phones", Field::Phone),
        ("Company City", Field::City),
        ("Location", Field::Address),
    ] {
        assert_eq!(mapping::field_for_header(header), Some(field), "{header}");
    }
}

#[test]
fn a_number_is_read_in_its_rows_country_and_a_rejection_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "where.csv",
        "Name,Phone,Location\n\
         Ann Lee,030 12345678,\"10115 Berlin, Germany\"\n\
         Bo Sand,030 12345678,\n\
         Cy Ode,12345,\"London, England, UK\"\n"
            .as_bytes(),
    );
    let source = read_file(&path).unwrap();
    let opts = ImportOptions::new(&source, &Settings::default());
    let store = Store::open_in_memory().unwrap();
    let p = preview(store.conn(), &source, &opts, 10).unwrap();
    let ann = &p.rows[0];
    assert_eq!(ann.phones[0].e164.as_deref(), Some("+493012345678"));
    assert_eq!((ann.country.as_str(), ann.city.as_str()), ("DE", "Berlin"));
    assert_eq!(ann.time_zone.as_deref(), Some("Europe/Berlin"));
    let reasons: Vec<&str> = p.rejected.iter().map(|r| r.reason.as_str()).collect();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].contains("United States, the default region: the row names no country"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].contains("United Kingdom, from the row's address"),
        "{reasons:?}"
    );
}

#[test]
fn employee_bands_read_as_exports_write_them() {
    for (text, band) in [
        ("1001-5000", "1001-5000"),
        ("5,001-10,000", "5000+"),
        ("10K+", "5000+"),
        ("51 to 200", "51-200"),
        ("Micro (1-9)", "1-10"),
        ("250", "201-500"),
        ("1,000 - 5,000", "1001-5000"),
    ] {
        assert_eq!(group::employee_band(text), Some(band), "{text}");
    }
}

/// A HubSpot-shaped export: (record id, person number, e-mail in upper
/// case, title) per row. Person `n` is "First{n} Last{n}" at "Company{n}",
/// p{n}@x.example, a number of their own.
fn people(rows: &[(u64, u64, bool, &str)]) -> String {
    let mut text = String::from(
        "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lead Source\n",
    );
    for &(id, n, upper, title) in rows {
        let email = format!("p{n}@x.example");
        text.push_str(&format!(
            "{id},First{n},Last{n},{},(312) {}-{:04},Company{n},{title},Fair\n",
            if upper {
                email.to_ascii_uppercase()
            } else {
                email
            },
            200 + n % 700,
            n % 10_000
        ));
    }
    text
}

/// Every schema object, to prove the indexes are as they were.
fn schema(store: &Store) -> Vec<(String, Option<String>)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// Rows of the tables an import writes, but its own `imports` row.
fn prospects_snapshot(store: &Store) -> Vec<String> {
    snapshot(store)
        .into_iter()
        .filter(|l| !l.starts_with("imports:"))
        .collect()
}

/// 1,200 saved people, then a file of 12,000 rows: 9,600 new people,
/// 1,200 updates of the saved (by record id, a new title), 1,200 repeats of
/// a row two lines up (the same e-mail in upper case, under a new record id).
fn saved_and_mixed(dir: &Path) -> (PathBuf, PathBuf) {
    let saved: Vec<_> = (0..1200).map(|k| (9_000 + k, k, false, "Buyer")).collect();
    let mut rows = Vec::new();
    for j in 0..12_000u64 {
        rows.push(match j % 10 {
            3 => (9_000 + j / 10, j / 10, false, "Head buyer"),
            7 => (50_000 + j, 2_000 + j - 2, true, "Engineer"),
            _ => (20_000 + j, 2_000 + j, false, "Engineer"),
        });
    }
    (
        write(dir, "saved.csv", people(&saved).as_bytes()),
        write(dir, "mixed.csv", people(&rows).as_bytes()),
    )
}

/// Deciding after 4,000 rows (the reader reads 256 KiB at a time: the
/// share of the file read is coarse in a small file), from 1,000 new
/// prospects on.
const SMALL_BIG: run::Tuning = run::Tuning {
    decide_after: 4_000,
    defer_from: 1_000,
};

#[test]
fn a_big_import_builds_its_random_key_indexes_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let (saved, mixed) = saved_and_mixed(dir.path());
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    import(&mut store, &saved, ThemeChoice::None);
    let before = schema(&store);
    let src = read_file(&mixed).unwrap();
    let opts = ImportOptions::new(&src, &Settings::default());
    let mut stages = Vec::new();
    let r = run::run_with(
        &mut store,
        &src,
        &opts,
        &mut |p| {
            stages.push((p.stage, p.index));
            true
        },
        SMALL_BIG,
    )
    .unwrap();
    assert_eq!(
        (r.imported, r.updated, r.unchanged, r.rejected_count),
        (9600, 1200, 0, 1200),
        "{:?}",
        &r.rejected[..3]
    );
    assert!(
        r.rejected[0]
            .reason
            .contains("the same prospect as line 7 (same e-mail)"),
        "{:?}",
        r.rejected[0]
    );
    // The indexes were built again at the end, as they were, each told.
    let of = run::DEFERRED_INDEXES.len() as u32;
    assert_eq!(
        stages
            .iter()
            .filter(|s| s.0 == ImportStage::Indexing)
            .map(|s| s.1)
            .collect::<Vec<_>>(),
        (1..=of)
            .map(|n| Some(crate::import::IndexStep { n, of }))
            .collect::<Vec<_>>()
    );
    assert!(stages
        .iter()
        .all(|s| (s.0 == ImportStage::Indexing) == s.1.is_some()));
    assert_eq!(schema(&store), before);
    assert_eq!(count_text(&store, "PRAGMA integrity_check"), "ok");
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM prospects WHERE email = 'P2005@X.EXAMPLE' COLLATE NOCASE"
        ),
        1
    );
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM prospects WHERE title = 'Head buyer'"
        ),
        1200
    );
    // Again: every row matches, nothing is new, nothing is written.
    let kept = prospects_snapshot(&store);
    let again = run::run_with(&mut store, &src, &opts, &mut no_progress(), SMALL_BIG).unwrap();
    assert_eq!(
        (
            again.imported,
            again.updated,
            again.unchanged,
            again.rejected_count
        ),
        (0, 10_800, 10_800, 1200)
    );
    assert_eq!(prospects_snapshot(&store), kept);
}

#[test]
fn a_big_import_cancelled_or_checked_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (saved, mixed) = saved_and_mixed(dir.path());
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    import(&mut store, &saved, ThemeChoice::None);
    let (before, rows) = (schema(&store), snapshot(&store));
    let src = read_file(&mixed).unwrap();
    let mut opts = ImportOptions::new(&src, &Settings::default());
    // Cancelled while reading (the indexes dropped at row 4,000), while
    // building them again, while saving.
    for stop in [
        ImportStage::Reading,
        ImportStage::Indexing,
        ImportStage::Saving,
    ] {
        let e = run::run_with(
            &mut store,
            &src,
            &opts,
            &mut |p| !(p.stage == stop && p.rows_read >= 6000),
            SMALL_BIG,
        )
        .unwrap_err();
        assert_eq!(e.kind(), "cancelled", "{stop:?}");
        assert_eq!(schema(&store), before, "{stop:?}");
        assert_eq!(snapshot(&store), rows, "{stop:?}");
    }
    // Checked: the counts of the import, nothing written.
    opts.dry_run = true;
    let r = run::run_with(&mut store, &src, &opts, &mut no_progress(), SMALL_BIG).unwrap();
    assert_eq!(
        (r.imported, r.updated, r.rejected_count),
        (9600, 1200, 1200)
    );
    assert_eq!(schema(&store), before);
    assert_eq!(snapshot(&store), rows);
    // The connection's settings are back (temporary storage in memory).
    assert_eq!(foreign_keys(&store), 1);
    assert_eq!(count(&store, "PRAGMA temp_store"), 2);
}

#[test]
fn a_row_that_brings_nothing_new_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open_in_memory().unwrap();
    let hubspot = sample("hubspot-contacts.csv");
    import(&mut store, &hubspot, ThemeChoice::Named("Spring".into()));
    let kept = prospects_snapshot(&store);
    let again = import(&mut store, &hubspot, ThemeChoice::Named("Spring".into()));
    assert_eq!((again.updated, again.unchanged), (239, 239));
    assert_eq!(prospects_snapshot(&store), kept);
    // Another theme only fills a prospect without one: still nothing new.
    let again = import(&mut store, &hubspot, ThemeChoice::Named("Fall".into()));
    assert_eq!((again.updated, again.unchanged), (239, 239));
    assert_eq!(again.themes.get("Fall"), None);

    // One row as saved; one with a new title, one with a value in a new
    // unmapped column, one with its number written another way: those
    // three written, with this import's id.
    let path = write(
        dir.path(),
        "a.csv",
        people(&[
            (6, 6, false, "Buyer"),
            (7, 7, false, "Buyer"),
            (8, 8, false, "Buyer"),
            (9, 9, false, "Buyer"),
        ])
        .as_bytes(),
    );
    let first = import(&mut store, &path, ThemeChoice::None);
    assert_eq!((first.imported, first.unchanged), (4, 0));
    let path = write(
        dir.path(),
        "b.csv",
        "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title,Lead Source,Stage\n\
         6,First6,Last6,p6@x.example,(312) 206-0006,Company6,Buyer,Fair,\n\
         7,First7,Last7,p7@x.example,(312) 207-0007,Company7,CFO,Fair,\n\
         8,First8,Last8,p8@x.example,(312) 208-0008,Company8,Buyer,Fair,Won\n\
         9,First9,Last9,p9@x.example,312-209-0009,Company9,Buyer,Fair,\n"
            .as_bytes(),
    );
    let second = import(&mut store, &path, ThemeChoice::None);
    assert_eq!((second.updated, second.unchanged), (4, 1));
    let written: String = store
        .conn()
        .query_row(
            "SELECT group_concat(crm_id, ' ') FROM (SELECT crm_id FROM prospects
              WHERE import_id = (SELECT id FROM imports ORDER BY rowid DESC LIMIT 1)
              ORDER BY crm_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(written, "7 8 9");
    assert_eq!(
        prospect_field(&store, "p8@x.example", "extra").as_deref(),
        Some(r#"{"Lead Source":"Fair","Stage":"Won"}"#)
    );
}

#[test]
fn rowids_past_the_key_index_are_matched_with_queries_alike() {
    let dir = tempfile::tempdir().unwrap();
    let (saved, mixed) = saved_and_mixed(dir.path());
    let mut reports = Vec::new();
    for rowid in [5, 3_000_000_000i64] {
        let mut store = Store::open_in_memory().unwrap();
        // A prospect of no file, far along the rowids or not.
        store
            .conn()
            .execute(
                "INSERT INTO prospects (rowid, id, first_name, created_at, updated_at)
                 VALUES (?1, 'x', 'First2005', '2026-01-01', '2026-01-01')",
                [rowid],
            )
            .unwrap();
        let mut seen = Vec::new();
        for path in [&saved, &mixed, &mixed, &sample("hubspot-contacts.csv")] {
            let r = import(&mut store, path, ThemeChoice::None);
            seen.push((
                r.imported,
                r.updated,
                r.unchanged,
                r.rejected_count,
                r.rejected,
                r.warnings,
            ));
        }
        reports.push(seen);
    }
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0][1].0, 9600);
}
