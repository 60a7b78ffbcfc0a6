//! Accessibility: axe-core (the npm package in `ui/node_modules`), injected
//! into the real window, finds no violation of WCAG 2.1 A and AA or of its
//! best practices on any view, a running block and the meeting form included.
//! The same walk through the views saves a screenshot of each at 1400 x 900
//! and at 800 x 600 (a window beside the CRM), where nothing may scroll
//! sideways and no control may reach past the window's edge.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::{App, By, TestEnv};

/// The rule sets axe runs.
const TAGS: &str = "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']";
/// How many nodes of each violation a failure names.
const NODES_SHOWN: usize = 5;

fn axe_source() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "read {} ({e}): run `npm --prefix ui install` (axe-core is a devDependency of ui/)",
            path.display()
        )
    })
}

/// Put axe into the page, once. WebDriver's script is the body of a function
/// that the browser's automation compiles and runs in the page: the page's CSP
/// (no inline script, no eval) does not apply to it, and is left as it is. The
/// library's own source is that body; it sets `window.axe`.
fn inject_axe(app: &App, source: &str) {
    if app
        .execute("return typeof window.axe")
        .as_str()
        .is_some_and(|t| t == "object")
    {
        return;
    }
    let loaded = app.execute(&format!("{source}\n;return typeof window.axe;"));
    assert_eq!(
        loaded.as_str(),
        Some("object"),
        "axe-core did not load in the page"
    );
}

/// Let the view settle: no busy region, then a moment for the last paint.
fn settle(app: &App) {
    app.wait_until("the view to settle", Duration::from_secs(10), |a| {
        a.execute("return document.querySelector('[aria-busy=\"true\"]') === null")
            .as_bool()
            .unwrap_or(false)
    });
    std::thread::sleep(Duration::from_millis(400));
}

/// What axe found on the whole document: its violations (as axe reports
/// them), how many rules passed, and what it could not decide (text over a
/// chart or under the sticky bars...: for a person to look at, not a failure).
struct AxeResult {
    violations: Vec<Value>,
    passes: usize,
    incomplete: Vec<Value>,
}

fn run_axe(app: &App, source: &str) -> AxeResult {
    inject_axe(app, source);
    app.execute(&format!(
        "window.__axeResult = null; \
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {TAGS} }} }}) \
           .then(r => {{ window.__axeResult = JSON.stringify({{ ok: r.violations, \
                   passes: r.passes.length, \
                   incomplete: r.incomplete.map(v => ({{ id: v.id, nodes: v.nodes.map(n => \
                     ({{ target: n.target, html: n.html, summary: n.failureSummary }})) }})) }}); }}, \
                 e => {{ window.__axeResult = JSON.stringify({{ error: String(e && e.stack || e) }}); }}); \
         return true;"
    ));
    let deadline = Instant::now() + Duration::from_secs(60);
    let text = loop {
        if let Some(s) = app.execute("return window.__axeResult").as_str() {
            break s.to_string();
        }
        assert!(Instant::now() < deadline, "axe.run did not finish in 60 s");
        std::thread::sleep(Duration::from_millis(200));
    };
    let result: Value = serde_json::from_str(&text).expect("axe's result is JSON");
    if let Some(e) = result.get("error") {
        panic!("axe.run failed: {e}");
    }
    AxeResult {
        violations: result["ok"].as_array().cloned().unwrap_or_default(),
        passes: result["passes"].as_u64().unwrap_or(0) as usize,
        incomplete: result["incomplete"].as_array().cloned().unwrap_or_default(),
    }
}

/// One violation: its id, impact, help, how many nodes, and the first nodes'
/// targets with axe's summary of what is wrong.
fn describe(v: &Value) -> String {
    let nodes = v["nodes"].as_array().cloned().unwrap_or_default();
    let mut out = format!(
        "  {} ({}, {} node{}): {}\n",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("?"),
        nodes.len(),
        if nodes.len() == 1 { "" } else { "s" },
        v["help"].as_str().unwrap_or("?"),
    );
    for n in nodes.iter().take(NODES_SHOWN) {
        let summary = n["failureSummary"]
            .as_str()
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("Fix"))
            .collect::<Vec<_>>()
            .join(" / ");
        let _ = writeln!(out, "    {}: {summary}", n["target"]);
    }
    if nodes.len() > NODES_SHOWN {
        let _ = writeln!(out, "    ... and {} more", nodes.len() - NODES_SHOWN);
    }
    out
}

/// Checks views one after the other and remembers what axe found on each.
struct Audit<'a> {
    app: &'a App,
    source: String,
    views: Vec<String>,
    found: Vec<(String, Vec<Value>)>,
    /// At 800 x 600: per view, what scrolls sideways and the controls past
    /// the right edge.
    narrow: Vec<(String, Vec<String>)>,
    /// The window's size to come back to.
    size: (u32, u32),
}

/// The sizes every view is shown at: a wide screen, and a window beside the CRM.
const SIZES: [(u32, u32); 2] = [(1400, 900), (800, 600)];

impl<'a> Audit<'a> {
    fn new(app: &'a App) -> Self {
        let size = app.execute("return [window.outerWidth, window.outerHeight]");
        let dim = |i: usize, or: u32| size[i].as_u64().map_or(or, |v| v as u32);
        Audit {
            app,
            source: axe_source(),
            views: Vec::new(),
            found: Vec::new(),
            narrow: Vec::new(),
            size: (dim(0, 1280), dim(1, 820)),
        }
    }

    /// Screenshots of the view at each of [`SIZES`]; at the narrow one, what
    /// scrolls sideways or reaches past the edge.
    fn sizes(&mut self, name: &str) {
        for (w, h) in SIZES {
            self.app.place(w, h);
            self.app
                .wait_until("the window's new size", Duration::from_secs(5), |a| {
                    a.execute("return window.outerWidth")
                        .as_u64()
                        .is_some_and(|x| x as u32 == w)
                });
            settle(self.app);
            self.app.screenshot_corner(&format!("{name}-{w}x{h}"), w, h);
            if w < 1000 {
                let mut wrong: Vec<String> = self
                    .app
                    .sideways_scrollers()
                    .into_iter()
                    .map(|s| format!("scrolls sideways: {s}"))
                    .collect();
                wrong.extend(
                    self.app
                        .controls_off_screen()
                        .into_iter()
                        .map(|c| format!("past the right edge: {c}")),
                );
                if !wrong.is_empty() {
                    self.narrow.push((name.to_string(), wrong));
                }
            }
        }
        self.app.resize(self.size.0, self.size.1);
        settle(self.app);
    }

    /// Run axe on what the window shows now, and save a screenshot as `name`.
    fn check(&mut self, name: &str) {
        settle(self.app);
        let shot = self.app.screenshot(name);
        let AxeResult {
            violations,
            passes,
            incomplete,
        } = run_axe(self.app, &self.source);
        // A run that checked nothing would find nothing.
        assert!(passes > 10, "{name}: axe passed only {passes} rules");
        // All of it beside the screenshot, for a closer look.
        let json = shot.with_file_name(format!("axe-{name}.json"));
        let all = serde_json::json!({ "violations": violations, "incomplete": incomplete });
        let text = serde_json::to_string_pretty(&all).expect("axe's findings to JSON");
        std::fs::write(&json, text).unwrap_or_else(|e| panic!("write {}: {e}", json.display()));
        let counts = |found: &[Value]| -> Vec<String> {
            found
                .iter()
                .map(|v| {
                    format!(
                        "{} x{}",
                        v["id"].as_str().unwrap_or("?"),
                        v["nodes"].as_array().map_or(0, Vec::len)
                    )
                })
                .collect()
        };
        let (counts, undecided) = (counts(&violations), counts(&incomplete));
        eprintln!(
            "a11y: {name}: {}; {passes} rules passed; not decided: {}",
            if counts.is_empty() {
                "no violation".to_string()
            } else {
                counts.join(", ")
            },
            if undecided.is_empty() {
                "none".to_string()
            } else {
                undecided.join(", ")
            }
        );
        self.views.push(name.to_string());
        if !violations.is_empty() {
            self.found.push((name.to_string(), violations));
        }
        self.sizes(name);
    }

    /// Fail with every violation of every view, and what did not fit in
    /// the narrow window.
    fn finish(self) {
        let mut narrow = String::new();
        for (view, wrong) in &self.narrow {
            let _ = writeln!(narrow, "{view}:");
            for w in wrong {
                let _ = writeln!(narrow, "  {w}");
            }
        }
        if self.found.is_empty() {
            assert!(
                narrow.is_empty(),
                "at 800 x 600, {} of {} views do not fit:\n{narrow}",
                self.narrow.len(),
                self.views.len()
            );
            return;
        }
        if !narrow.is_empty() {
            eprintln!("a11y: at 800 x 600, these views do not fit:\n{narrow}");
        }
        let mut report = String::new();
        for (view, violations) in &self.found {
            let _ = writeln!(report, "{view}:");
            for v in violations {
                report.push_str(&describe(v));
            }
        }
        panic!(
            "axe found violations on {} of {} views:\n{report}",
            self.found.len(),
            self.views.len()
        );
    }
}

#[test]
fn axe_finds_no_violation_on_any_view() {
    let env = TestEnv::new("axe_finds_no_violation_on_any_view");
    env.cli_ok(&["demo"]);
    // Unknown zones are inside calling hours: the block has prospects at any hour.
    env.write_db("UPDATE prospects SET time_zone = NULL;");
    let app = env.launch();
    let mut audit = Audit::new(&app);

    // Lists.
    app.wait_for(&By::css(
        r#"table[aria-label="Themes"] tbody tr[data-theme-id]"#,
    ));
    audit.check("lists");
    // The import panel (Alt+I), with its file picker's button.
    app.alt('i');
    app.wait_for(&By::button("Choose a file… Alt+F"));
    audit.check("lists-import");
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("import-panel"));
    // The do-not-call list (Alt+D), with the demo's entries.
    app.alt('d');
    app.wait_for(&By::css(r#"[data-testid="dnc-panel"] table tbody tr"#));
    audit.check("lists-do-not-call");
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("dnc-panel"));

    // Block, its setup.
    app.alt('2');
    app.wait_for(&By::named("Length (minutes)"));
    audit.check("block-setup");

    // Playbook.
    app.alt('3');
    app.wait_for(&By::css("[data-track-theme]"));
    audit.check("playbook");
    app.alt('o');
    app.wait_for(&By::css("#pb-panel-objections"));
    audit.check("playbook-objections");
    app.alt('i');
    app.wait_for(&By::css("#pb-panel-share"));
    audit.check("playbook-share");

    // Review and each of its tabs.
    app.alt('4');
    app.wait_for(&By::testid("funnel-figures"));
    audit.check("review-dashboard");
    app.alt('r');
    app.wait_for(&By::css(r#"#rv-panel-reps table"#));
    audit.check("review-reps");
    for (key, tab, figure) in crate::review::FIGURE_TABS {
        app.alt(key);
        app.wait_for(&By::css(format!(
            r#"[data-figure="{figure}"] svg[role="img"]"#
        )));
        audit.check(&format!("review-{tab}"));
    }
    app.alt('c');
    app.wait_for(&By::css(
        r#"[data-testid="call-log"] [data-row="0"][data-call-id]"#,
    ));
    audit.check("review-call-log");
    app.find(&By::css(r#"[data-row="0"] [data-col="prospect"]"#))
        .expect("the call log's first row")
        .click();
    app.wait_for(&By::css(r#"[data-testid="call-detail"] svg[role="img"]"#));
    audit.check("review-call-detail");
    app.press(&App::escape().to_string());
    app.wait_for_absent(&By::testid("call-detail"));
    app.alt('t');
    app.wait_for(&By::named("Bundle file"));
    audit.check("review-team");

    // Plan, Settings.
    app.alt('5');
    app.wait_for(&By::named("Quota for the month"));
    audit.check("plan");
    app.alt('6');
    app.wait_for(&By::testid("profile-form"));
    audit.check("settings");

    // A running block: the card, a call, the meeting form.
    app.alt('2');
    let length = app.wait_for(&By::named("Length (minutes)"));
    length.clear();
    length.type_text("5");
    app.press(&App::enter().to_string());
    app.wait_for(&By::testid("block-clock"));
    app.wait_for(&By::testid("call-card"));
    audit.check("block-card");
    app.press(" ");
    app.wait_for(&By::css(r#"[data-testid="call-timer"] .phase[data-phase]"#));
    audit.check("block-call");
    app.press("7");
    app.wait_for(&By::css(r#"form[aria-label="Meeting booked"]"#));
    // Its free slots shown (the working hours: no calendar here).
    app.wait_for(&By::css(r#"[data-testid="meeting-slots"] button.slot"#));
    audit.check("block-meeting-form");

    audit.finish();
    app.close();
}
