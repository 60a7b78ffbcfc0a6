//! The end-to-end harness: the real Callblock binary in a real window, driven
//! over WebDriver.
//!
//! Each test makes a [`TestEnv`]: a temp dir with its own database and its own
//! `HOME` and XDG directories, so that neither the app nor WebKit touches the
//! user's files. [`TestEnv::launch`] starts an X server (Xvfb) on a display it
//! picks itself, tauri-driver (which starts WebKitWebDriver) on free ports, and
//! a WebDriver session on the app, and returns an [`App`] with blocking helpers.
//!
//! Every process the harness starts runs in its own process group and carries
//! a marker in its environment (inherited by the app and WebKit's helper
//! processes). [`App::close`] ends the session, stops the groups and fails the
//! test if any marked process is left; dropping an `App` (also when the test
//! panics) does the same without failing, after a screenshot of the display
//! and a copy of the page source when the test failed. Artifacts go to
//! `target/e2e-artifacts/<test>/`.
//!
//! Environment (all optional):
//! - `TAURI_DRIVER`: the tauri-driver binary (default: `PATH`, then `~/.cargo/bin`)
//! - `WEBKIT_WEBDRIVER`: the native driver, passed as `--native-driver`
//! - `CALLBLOCK_E2E_DBUS=1`: run tauri-driver, and so the app, inside a private
//!   D-Bus session (`dbus-run-session`); by default there is no session bus
//! - `CALLBLOCK_E2E_ARTIFACTS`: where screenshots go (default `target/e2e-artifacts`)
//! - `CALLBLOCK_E2E_KEEP=1`: keep each test's temp dir (it is always kept when the test fails)

#![allow(dead_code)] // Not every helper is used by every test yet.

use std::ffi::OsStr;
use std::fmt;
use std::fs::{self, File};
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Seek};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::elements::Element;
use fantoccini::error::CmdError;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// Starting Xvfb, tauri-driver, or the session (each).
pub const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Waiting for something to show on the page.
pub const WAIT_TIMEOUT: Duration = Duration::from_secs(15);
/// A headless run of the CLI (`demo` in a debug build included).
pub const CLI_TIMEOUT: Duration = Duration::from_secs(60);
/// One WebDriver command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);
/// How long stopped processes get to exit before they are killed.
const STOP_GRACE: Duration = Duration::from_secs(3);
const POLL: Duration = Duration::from_millis(100);
/// Room for the window at 1400 x 900, the largest size a test shows it at.
const SCREEN: &str = "1400x900x24";
/// The environment variable that marks every process a test starts.
const MARKER_VAR: &str = "CALLBLOCK_E2E_RUN";

/// The app under test: the binary Cargo built for this test run.
pub fn app_binary() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_callblock"))
}

fn artifacts_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("CALLBLOCK_E2E_ARTIFACTS") {
        return PathBuf::from(dir);
    }
    // target/debug/callblock -> target/e2e-artifacts
    let bin = app_binary();
    bin.parent()
        .and_then(Path::parent)
        .map(|target| target.join("e2e-artifacts"))
        .unwrap_or_else(|| PathBuf::from("target/e2e-artifacts"))
}

fn env_flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| v == "1")
}

/// A program from `override_var`, else `PATH`, else `fallbacks`; panics with
/// `install` when it is nowhere.
fn find_program(name: &str, override_var: &str, fallbacks: &[PathBuf], install: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(override_var) {
        let p = PathBuf::from(p);
        assert!(p.is_file(), "{override_var}={} is not a file", p.display());
        return p;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .chain(fallbacks.iter().cloned())
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{name} was not found on PATH (or set {override_var}); {install}")
        })
}

fn tauri_driver() -> PathBuf {
    let mut fallbacks = Vec::new();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        fallbacks.push(PathBuf::from(cargo_home).join("bin/tauri-driver"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        fallbacks.push(PathBuf::from(home).join(".cargo/bin/tauri-driver"));
    }
    find_program(
        "tauri-driver",
        "TAURI_DRIVER",
        &fallbacks,
        "install it with `cargo install tauri-driver --locked`",
    )
}

// ---------------------------------------------------------------------------
// Processes

/// A process started by the harness, as seen in `/proc`.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: i32,
    pub pgid: i32,
    pub name: String,
}

impl fmt::Display for Proc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (pid {}, group {})", self.name, self.pid, self.pgid)
    }
}

/// The live (not zombie) processes whose environment carries `marker`.
fn marked_processes(marker: &str) -> Vec<Proc> {
    let needle = format!("{MARKER_VAR}={marker}");
    let me = std::process::id() as i32;
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if pid == me {
            continue;
        }
        let Ok(environ) = fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        if !environ.split(|b| *b == 0).any(|kv| kv == needle.as_bytes()) {
            continue;
        }
        // "pid (name) state ppid pgrp ..."; the name may contain spaces and parentheses.
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if rest.first() == Some(&"Z") {
            continue;
        }
        let pgid = rest.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        found.push(Proc {
            pid,
            pgid,
            name: stat[open + 1..close].to_string(),
        });
    }
    found
}

/// Send `sig` to the process group `pgid`, never to our own group or to init.
fn signal_group(pgid: i32, sig: libc::c_int) {
    // SAFETY: getpgrp and kill have no memory-safety preconditions.
    let own = unsafe { libc::getpgrp() };
    if pgid > 1 && pgid != own {
        // SAFETY: as above; a negative pid addresses the process group.
        unsafe { libc::kill(-pgid, sig) };
    }
}

fn signal(pid: i32, sig: libc::c_int) {
    if pid > 1 && pid != std::process::id() as i32 {
        // SAFETY: kill has no memory-safety preconditions.
        unsafe { libc::kill(pid, sig) };
    }
}

/// Stop the process group led by `child`: SIGTERM, then SIGKILL after
/// [`STOP_GRACE`]; reap the child.
fn stop_group(child: &mut Child, marker: &str) {
    let pgid = child.id() as i32;
    signal_group(pgid, libc::SIGTERM);
    let deadline = Instant::now() + STOP_GRACE;
    loop {
        let _ = child.try_wait();
        if !marked_processes(marker).iter().any(|p| p.pgid == pgid) {
            break;
        }
        if Instant::now() >= deadline {
            signal_group(pgid, libc::SIGKILL);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.wait();
}

/// SIGKILL every process that still carries `marker`; returns them.
fn kill_marked(marker: &str) -> Vec<Proc> {
    let left = marked_processes(marker);
    for p in &left {
        signal(p.pid, libc::SIGKILL);
    }
    left
}

fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

fn read_all(mut file: File) -> Vec<u8> {
    let mut buf = Vec::new();
    let _ = file.rewind();
    let _ = file.read_to_end(&mut buf);
    buf
}

/// Run `cmd` (in its own process group) to the end, for at most `timeout`;
/// stdin is empty, stdout and stderr are captured.
pub fn try_run_bounded(mut cmd: Command, timeout: Duration) -> Result<Output, String> {
    let what = format!("{cmd:?}");
    let out = tempfile::tempfile().map_err(|e| format!("temp file: {e}"))?;
    let err = tempfile::tempfile().map_err(|e| format!("temp file: {e}"))?;
    let (out_w, err_w) = match (out.try_clone(), err.try_clone()) {
        (Ok(o), Ok(e)) => (o, e),
        _ => return Err("cannot duplicate a temp file handle".into()),
    };
    cmd.stdin(Stdio::null())
        .stdout(out_w)
        .stderr(err_w)
        .process_group(0);
    let mut child = cmd.spawn().map_err(|e| format!("cannot run {what}: {e}"))?;
    let Some(status) = wait_timeout(&mut child, timeout) else {
        signal_group(child.id() as i32, libc::SIGKILL);
        let _ = child.wait();
        return Err(format!(
            "{what} did not finish within {timeout:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            String::from_utf8_lossy(&read_all(out)),
            String::from_utf8_lossy(&read_all(err))
        ));
    };
    Ok(Output {
        status,
        stdout: read_all(out),
        stderr: read_all(err),
    })
}

/// [`try_run_bounded`], panicking if the program cannot run or times out.
pub fn run_bounded(cmd: Command, timeout: Duration) -> Output {
    try_run_bounded(cmd, timeout).unwrap_or_else(|e| panic!("{e}"))
}

/// stdout and stderr of `out`, for messages.
pub fn describe_output(out: &Output) -> String {
    format!(
        "exit status: {}\n--- stdout:\n{}\n--- stderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn free_port() -> (TcpListener, u16) {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind a free local port");
    let port = l.local_addr().expect("local address").port();
    (l, port)
}

fn port_answers(port: u16) -> bool {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

fn tail_of_file(path: &Path, max: usize) -> String {
    let text = fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    if text.is_empty() {
        "(empty)".into()
    } else {
        text[start..].to_string()
    }
}

// ---------------------------------------------------------------------------
// The test environment

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// One WebDriver session at a time in this process, whatever `--test-threads`
/// says: an [`App`] holds this lock from before Xvfb starts until it is torn down.
static ONE_SESSION: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_session() -> std::sync::MutexGuard<'static, ()> {
    // A test that panicked while holding the lock has already torn its app down.
    ONE_SESSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a test's processes share: the directories, the database, the marker.
#[derive(Debug, Clone)]
struct Spec {
    test: String,
    root: PathBuf,
    db: PathBuf,
    artifacts: PathBuf,
    marker: String,
}

impl Spec {
    /// A command with the test's own HOME and XDG directories, no display,
    /// no session bus, no `CALLBLOCK_DB`, and the marker.
    fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        let dir = |d: &str| self.root.join(d);
        cmd.current_dir(&self.root)
            .env("HOME", dir("home"))
            .env("XDG_CONFIG_HOME", dir("config"))
            .env("XDG_DATA_HOME", dir("data"))
            .env("XDG_CACHE_HOME", dir("cache"))
            .env("XDG_STATE_HOME", dir("state"))
            .env("XDG_RUNTIME_DIR", dir("runtime"))
            .env(MARKER_VAR, &self.marker)
            .env("RUST_BACKTRACE", "1")
            .env_remove("CALLBLOCK_DB")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null())
            .process_group(0);
        cmd
    }

    fn app_command(&self) -> Command {
        let mut cmd = self.command(app_binary());
        cmd.arg("--db").arg(&self.db);
        cmd
    }
}

/// One test's isolated world: a temp dir with the database (in `db/`) and
/// HOME, XDG config/data/cache/state/runtime directories. The temp dir is
/// removed at the end unless the test failed or `CALLBLOCK_E2E_KEEP=1`.
pub struct TestEnv {
    spec: Spec,
    dir: Option<tempfile::TempDir>,
}

impl TestEnv {
    /// An environment whose database is `db/callblock.db` (not created yet).
    pub fn new(test: &str) -> TestEnv {
        TestEnv::with_db_file(test, "callblock.db")
    }

    /// An environment whose database is `db/<file_name>` (not created yet).
    pub fn with_db_file(test: &str, file_name: &str) -> TestEnv {
        assert!(
            !test.is_empty() && test.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "test names are [A-Za-z0-9_]: {test:?}"
        );
        let dir = tempfile::Builder::new()
            .prefix(&format!("callblock-e2e-{test}-"))
            .tempdir()
            .expect("create the test's temp dir");
        let root = dir.path().to_path_buf();
        for sub in ["home", "config", "data", "cache", "state", "runtime", "db"] {
            fs::create_dir_all(root.join(sub)).expect("create the test's directories");
        }
        fs::set_permissions(root.join("runtime"), fs::Permissions::from_mode(0o700))
            .expect("chmod the runtime dir");
        let artifacts = artifacts_root().join(test);
        if let Err(e) = fs::remove_dir_all(&artifacts) {
            assert!(
                e.kind() == std::io::ErrorKind::NotFound,
                "clear {}: {e}",
                artifacts.display()
            );
        }
        fs::create_dir_all(&artifacts).expect("create the artifacts dir");
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let marker = format!(
            "{}-{}-{}-{nanos}",
            std::process::id(),
            test,
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        TestEnv {
            spec: Spec {
                test: test.to_string(),
                db: root.join("db").join(file_name),
                root,
                artifacts,
                marker,
            },
            dir: Some(dir),
        }
    }

    /// The test's temp dir.
    pub fn dir(&self) -> &Path {
        &self.spec.root
    }

    /// The database file.
    pub fn db(&self) -> &Path {
        &self.spec.db
    }

    /// Where this test's screenshots and logs go.
    pub fn artifacts(&self) -> &Path {
        &self.spec.artifacts
    }

    /// A command for `program` with the test's environment (no display).
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        self.spec.command(program)
    }

    /// `callblock --db <db>` with the test's environment (no display).
    pub fn app_command(&self) -> Command {
        self.spec.app_command()
    }

    /// Run `callblock --db <db> ARGS...` headless and return its output,
    /// whatever its exit status.
    pub fn cli(&self, args: &[&str]) -> Output {
        let mut cmd = self.app_command();
        cmd.args(args);
        run_bounded(cmd, CLI_TIMEOUT)
    }

    /// Run `callblock --db <db> ARGS...` headless; it must succeed. Returns stdout.
    pub fn cli_ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "`callblock --db {} {}` failed\n{}",
            self.db().display(),
            args.join(" "),
            describe_output(&out)
        );
        String::from_utf8(out.stdout).expect("the CLI prints UTF-8")
    }

    /// The database, opened read-only (never creates or migrates it).
    pub fn open_db(&self) -> rusqlite::Connection {
        use rusqlite::OpenFlags;
        rusqlite::Connection::open_with_flags(
            self.db(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .unwrap_or_else(|e| panic!("open {} read-only: {e}", self.db().display()))
    }

    /// Run SQL on the database while the app is not running (to set up a test).
    pub fn write_db(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.db())
            .unwrap_or_else(|e| panic!("open {}: {e}", self.db().display()));
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("run {sql:?}: {e}"));
    }

    /// Run SQL on the database while the app runs (another connection, as
    /// another program on the same file would; WAL lets both write).
    pub fn write_db_while_running(&self, sql: &str) {
        let conn = rusqlite::Connection::open(self.db())
            .unwrap_or_else(|e| panic!("open {}: {e}", self.db().display()));
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        conn.execute_batch(sql)
            .unwrap_or_else(|e| panic!("run {sql:?}: {e}"));
    }

    /// Start Xvfb, tauri-driver and a WebDriver session on the app with
    /// `--db <db>`, and wait until the page has loaded.
    pub fn launch(&self) -> App {
        App::launch(self.spec.clone())
    }
}

impl Drop for TestEnv {
    fn drop(&mut self) {
        // Processes started with `command()` and not waited for.
        for p in kill_marked(&self.spec.marker) {
            eprintln!("e2e: {}: killed a leftover process: {p}", self.spec.test);
        }
        if std::thread::panicking() || env_flag("CALLBLOCK_E2E_KEEP") {
            if let Some(dir) = self.dir.take() {
                eprintln!(
                    "e2e: {}: kept the test's files in {}",
                    self.spec.test,
                    dir.keep().display()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Locators

/// How to find an element: CSS or XPath. XPath built by the constructors here
/// starts at the document root (`//`); for a search inside an element, write
/// a relative one (`.//`) or use CSS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum By {
    Css(String),
    XPath(String),
}

/// `s` as an XPath string literal (XPath 1.0 has no escapes).
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

impl By {
    pub fn css(selector: impl Into<String>) -> By {
        By::Css(selector.into())
    }

    pub fn xpath(expr: impl Into<String>) -> By {
        By::XPath(expr.into())
    }

    /// `[data-testid="ID"]`
    pub fn testid(id: &str) -> By {
        By::XPath(format!("//*[@data-testid={}]", xpath_literal(id)))
    }

    /// An element whose `aria-label` is `name`.
    pub fn aria_label(name: &str) -> By {
        By::XPath(format!("//*[@aria-label={}]", xpath_literal(name)))
    }

    /// A button (or `role="button"`) whose text or `aria-label` is `name`.
    pub fn button(name: &str) -> By {
        let n = xpath_literal(name);
        By::XPath(format!(
            "//*[(self::button or @role='button') and (normalize-space(.)={n} or @aria-label={n})]"
        ))
    }

    /// A `<nav>` landmark whose `aria-label` is `name`.
    pub fn nav(name: &str) -> By {
        By::XPath(format!("//nav[@aria-label={}]", xpath_literal(name)))
    }

    /// An element by its accessible name, roughly: its `aria-label`, a
    /// button's text, or a form control's `<label>` (by `for`, or wrapping it).
    pub fn named(name: &str) -> By {
        let n = xpath_literal(name);
        By::XPath(format!(
            "//*[@aria-label={n} \
             or ((self::button or @role='button') and normalize-space(.)={n}) \
             or @id=//label[normalize-space(.)={n}]/@for \
             or ((self::input or self::select or self::textarea) \
                 and ancestor::label[normalize-space(text()[1])={n} or normalize-space(.)={n}])]"
        ))
    }

    /// This (XPath) locator, searched only inside the elements `outer` finds.
    pub fn inside(&self, outer: &By) -> By {
        match (outer, self) {
            (By::XPath(o), By::XPath(i)) if i.starts_with("//") => By::XPath(format!("({o}){i}")),
            _ => panic!("By::inside needs two XPath locators, the inner starting with //: {self} in {outer}"),
        }
    }

    fn locator(&self) -> Locator<'_> {
        match self {
            By::Css(s) => Locator::Css(s),
            By::XPath(s) => Locator::XPath(s),
        }
    }
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            By::Css(s) => write!(f, "css `{s}`"),
            By::XPath(s) => write!(f, "xpath `{s}`"),
        }
    }
}

// ---------------------------------------------------------------------------
// The running app

struct Xvfb {
    child: Child,
    display: u32,
}

struct Driver {
    child: Child,
    port: u16,
}

/// The app in its window under Xvfb, with a WebDriver session on it. All
/// methods block; WebDriver commands are bounded by timeouts and panic with
/// a clear message when they fail.
pub struct App {
    /// Held for the app's lifetime (see [`ONE_SESSION`]); released last.
    _session_lock: Option<std::sync::MutexGuard<'static, ()>>,
    spec: Spec,
    rt: tokio::runtime::Runtime,
    xvfb: Option<Xvfb>,
    driver: Option<Driver>,
    client: Option<Client>,
    driver_log: PathBuf,
    closed: bool,
    /// From the session request to the loaded page.
    pub session_start: Duration,
    /// From starting Xvfb to the loaded page.
    pub total_start: Duration,
}

impl App {
    fn launch(spec: Spec) -> App {
        let lock = one_session();
        let t0 = Instant::now();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("start a tokio runtime");
        // Built field by field so that a panic half-way stops what was started.
        let mut app = App {
            _session_lock: Some(lock),
            driver_log: spec.artifacts.join("tauri-driver.log"),
            spec,
            rt,
            xvfb: None,
            driver: None,
            client: None,
            closed: false,
            session_start: Duration::ZERO,
            total_start: Duration::ZERO,
        };
        app.start_xvfb();
        app.start_driver();
        let t1 = Instant::now();
        app.start_session();
        app.wait_until("the page to finish loading", START_TIMEOUT, |app| {
            app.try_execute("return document.readyState", COMMAND_TIMEOUT)
                .is_ok_and(|v| v == "complete")
        });
        app.session_start = t1.elapsed();
        app.total_start = t0.elapsed();
        eprintln!(
            "e2e: {}: page loaded {} ms after the session request ({} ms after starting Xvfb), display {}",
            app.spec.test,
            app.session_start.as_millis(),
            app.total_start.as_millis(),
            app.display()
        );
        app
    }

    fn start_xvfb(&mut self) {
        let log_path = self.spec.artifacts.join("xvfb.log");
        let log = File::create(&log_path).expect("create xvfb.log");
        let xvfb = find_program("Xvfb", "XVFB", &[], "install the Debian package xvfb");
        let mut cmd = self.spec.command(xvfb);
        // -displayfd 1: Xvfb picks a free display and writes its number to
        // stdout once it accepts connections.
        cmd.args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            SCREEN,
            "-nolisten",
            "tcp",
            "-noreset",
        ])
        .stdout(Stdio::piped())
        .stderr(log);
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start Xvfb: {e}"));
        let stdout = child.stdout.take().expect("Xvfb's stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(START_TIMEOUT).unwrap_or_default();
        match line.trim().parse::<u32>() {
            Ok(display) => self.xvfb = Some(Xvfb { child, display }),
            Err(_) => {
                stop_group(&mut child, &self.spec.marker);
                panic!(
                    "Xvfb did not report a display within {START_TIMEOUT:?} (got {line:?}); its log:\n{}",
                    tail_of_file(&log_path, 4000)
                );
            }
        }
    }

    fn start_driver(&mut self) {
        let log = File::create(&self.driver_log).expect("create tauri-driver.log");
        let log2 = log.try_clone().expect("duplicate the log handle");
        let driver = tauri_driver();
        let (l1, port) = free_port();
        let (l2, native_port) = free_port();
        drop((l1, l2));
        let mut cmd = if env_flag("CALLBLOCK_E2E_DBUS") {
            let mut c = self.spec.command(find_program(
                "dbus-run-session",
                "DBUS_RUN_SESSION",
                &[],
                "install the Debian package dbus",
            ));
            c.arg("--").arg(driver);
            c
        } else {
            self.spec.command(driver)
        };
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string());
        if let Some(native) = std::env::var_os("WEBKIT_WEBDRIVER") {
            cmd.arg("--native-driver").arg(native);
        } else {
            find_program(
                "WebKitWebDriver",
                "WEBKIT_WEBDRIVER",
                &[],
                "install the Debian package webkit2gtk-driver",
            );
        }
        cmd.env("DISPLAY", self.display())
            .env("GDK_BACKEND", "x11")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
            .stdout(log)
            .stderr(log2);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start tauri-driver: {e}"));
        self.driver = Some(Driver { child, port });
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let exited = self
                .driver
                .as_mut()
                .and_then(|d| d.child.try_wait().ok().flatten());
            if let Some(status) = exited {
                panic!(
                    "tauri-driver exited ({status}) before it answered; its output ({}):\n{}",
                    self.driver_log.display(),
                    tail_of_file(&self.driver_log, 4000)
                );
            }
            if port_answers(port) && port_answers(native_port) {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "tauri-driver did not answer on port {port} and WebKitWebDriver on port {native_port} \
                     within {START_TIMEOUT:?}; tauri-driver's output ({}):\n{}",
                    self.driver_log.display(),
                    tail_of_file(&self.driver_log, 4000)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn start_session(&mut self) {
        let port = self.driver.as_ref().expect("tauri-driver runs").port;
        let app = app_binary()
            .to_str()
            .expect("the app's path is UTF-8")
            .to_string();
        let db = self
            .spec
            .db
            .to_str()
            .expect("the database path is UTF-8")
            .to_string();
        let mut caps = serde_json::Map::new();
        // Only tauri:options: setting browserName makes session creation fail.
        caps.insert(
            "tauri:options".into(),
            json!({ "application": app, "args": ["--db", db] }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let connect = async move {
            ClientBuilder::rustls()
                .expect("set up the WebDriver HTTP client")
                .capabilities(caps)
                .connect(&url)
                .await
        };
        match self.timed(START_TIMEOUT, connect) {
            Ok(Ok(client)) => self.client = Some(client),
            Ok(Err(e)) => panic!(
                "WebDriver session on {} failed: {e}\ntauri-driver's output:\n{}",
                app_binary().display(),
                tail_of_file(&self.driver_log, 4000)
            ),
            Err(_) => panic!(
                "WebDriver session on {} not created within {START_TIMEOUT:?}\ntauri-driver's output:\n{}",
                app_binary().display(),
                tail_of_file(&self.driver_log, 4000)
            ),
        }
    }

    // -- basics --------------------------------------------------------------

    /// The X display, like `:1`.
    pub fn display(&self) -> String {
        format!(":{}", self.xvfb.as_ref().expect("Xvfb runs").display)
    }

    /// `callblock --db <db>` with the test's environment and this display,
    /// for launching a second instance next to the session's.
    pub fn app_command(&self) -> Command {
        let mut cmd = self.spec.app_command();
        cmd.env("DISPLAY", self.display())
            .env("GDK_BACKEND", "x11")
            .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        cmd
    }

    /// The live processes this test started (the app, WebKit's helpers, the
    /// drivers, Xvfb), from `/proc`.
    pub fn processes(&self) -> Vec<Proc> {
        marked_processes(&self.spec.marker)
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the WebDriver session is open")
    }

    /// Run `fut` on the runtime for at most `timeout`.
    fn timed<F: Future>(
        &self,
        timeout: Duration,
        fut: F,
    ) -> Result<F::Output, tokio::time::error::Elapsed> {
        self.rt
            .block_on(async move { tokio::time::timeout(timeout, fut).await })
    }

    fn try_block<T, F>(&self, fut: F, timeout: Duration) -> Result<T, String>
    where
        F: Future<Output = Result<T, CmdError>>,
    {
        match self.timed(timeout, fut) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {timeout:?}")),
        }
    }

    /// Run one WebDriver command; panic (with `what`) if it fails or hangs.
    fn block<T, F>(&self, what: &str, fut: F) -> T
    where
        F: Future<Output = Result<T, CmdError>>,
    {
        self.try_block(fut, COMMAND_TIMEOUT)
            .unwrap_or_else(|e| panic!("WebDriver: {what}: {e}"))
    }

    fn try_execute(&self, script: &str, timeout: Duration) -> Result<Value, String> {
        self.try_block(self.client().execute(script, Vec::new()), timeout)
    }

    /// Run JavaScript in the page and return its result.
    pub fn execute(&self, script: &str) -> Value {
        self.block("execute script", self.client().execute(script, Vec::new()))
    }

    /// Resize the window (its outer size, in CSS pixels at scale 1).
    pub fn resize(&self, width: u32, height: u32) {
        self.block(
            "resize the window",
            self.client().set_window_size(width, height),
        )
    }

    /// Put the window at the screen's top left corner, `width` x `height`
    /// (so that a screenshot of that corner is the window).
    pub fn place(&self, width: u32, height: u32) {
        self.block(
            "place the window",
            self.client().set_window_rect(0, 0, width, height),
        )
    }

    /// Controls (buttons, inputs, selects, textareas) that are shown but
    /// reach past the window's right edge: "tag: text" of each.
    pub fn controls_off_screen(&self) -> Vec<String> {
        self.strings(
            "const w = document.documentElement.clientWidth; \
             return [...document.querySelectorAll('button, input, select, textarea')] \
               .filter(e => { const r = e.getBoundingClientRect(); \
                 return r.width > 0 && r.height > 0 && r.right > w + 1; }) \
               .map(e => e.tagName.toLowerCase() + ': ' + (e.innerText || e.getAttribute('aria-label') || e.name || '').trim());",
        )
    }

    /// Whatever scrolls sideways in the window now: the page itself, or an
    /// element that scrolls its content sideways (a table in a scroller),
    /// each as "tag#id.class [label]".
    pub fn sideways_scrollers(&self) -> Vec<String> {
        self.strings(
            "const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') \
               + (e.classList.length ? '.' + [...e.classList].join('.') : '') \
               + ((e.getAttribute('aria-label') || e.dataset.testid) ? \
                  ' [' + (e.getAttribute('aria-label') || e.dataset.testid) + ']' : '') \
               + ' (' + e.scrollWidth + ' > ' + e.clientWidth + ')'; \
             const out = []; \
             const root = document.documentElement; \
             if (root.scrollWidth > root.clientWidth + 1) { \
               const past = [...document.querySelectorAll('body *')].filter(e => { \
                 const r = e.getBoundingClientRect(); \
                 return r.width > 0 && r.right > root.clientWidth + 1 \
                   && ![...e.children].some(c => c.getBoundingClientRect().right > root.clientWidth + 1); }); \
               out.push('the page (' + root.scrollWidth + ' > ' + root.clientWidth + '), past the edge: ' \
                 + past.slice(0, 4).map(name).join(', ')); } \
             for (const e of document.querySelectorAll('body *')) { \
               const x = getComputedStyle(e).overflowX; \
               if ((x === 'auto' || x === 'scroll') && e.clientWidth > 0 \
                   && e.scrollWidth > e.clientWidth + 1) out.push(name(e)); \
             } \
             return out;",
        )
    }

    /// The strings a script returns (an array of them; nothing else kept).
    fn strings(&self, script: &str) -> Vec<String> {
        self.execute(script)
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn title(&self) -> String {
        self.block("read the title", self.client().title())
    }

    /// The page's visible text.
    pub fn body_text(&self) -> String {
        let body = self.block("find body", self.client().find(Locator::Css("body")));
        self.block("read the body text", body.text())
    }

    pub fn source(&self) -> String {
        self.block("read the page source", self.client().source())
    }

    // -- keyboard ------------------------------------------------------------

    /// Press keys one after the other, as a user types them on the focused
    /// element (each char is one key: `"1"`, `" "`, or a [`fantoccini::key::Key`] as char).
    pub fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut seq = KeyActions::new("keyboard".into());
        for c in keys.chars() {
            seq = seq
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        self.block(
            &format!("press {keys:?}"),
            self.client().perform_actions(seq),
        );
        let _ = self.try_block(self.client().release_actions(), COMMAND_TIMEOUT);
    }

    /// Press `key` with Alt held (`app.alt('e')` for Alt+E).
    pub fn alt(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let alt: char = Key::Alt.into();
        let seq = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: alt })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: alt });
        self.block(
            &format!("press Alt+{key}"),
            self.client().perform_actions(seq),
        );
        let _ = self.try_block(self.client().release_actions(), COMMAND_TIMEOUT);
    }

    /// Press `key` with Control held (`app.ctrl('s')` for Ctrl+S).
    pub fn ctrl(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let ctrl: char = Key::Control.into();
        let seq = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: ctrl })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: ctrl });
        self.block(
            &format!("press Ctrl+{key}"),
            self.client().perform_actions(seq),
        );
        let _ = self.try_block(self.client().release_actions(), COMMAND_TIMEOUT);
    }

    /// Enter, as a char for [`press`](Self::press).
    pub fn enter() -> char {
        fantoccini::key::Key::Enter.into()
    }

    /// Escape, as a char for [`press`](Self::press).
    pub fn escape() -> char {
        fantoccini::key::Key::Escape.into()
    }

    // -- finding -------------------------------------------------------------

    /// The first element `by` finds now, if any.
    pub fn find(&self, by: &By) -> Option<El<'_>> {
        match self.timed(COMMAND_TIMEOUT, self.client().find(by.locator())) {
            Ok(Ok(el)) => Some(self.el(el, by)),
            Ok(Err(e)) if e.is_no_such_element() => None,
            Ok(Err(e)) => panic!("WebDriver: find {by}: {e}"),
            Err(_) => panic!("WebDriver: find {by}: no answer within {COMMAND_TIMEOUT:?}"),
        }
    }

    /// Every element `by` finds now.
    pub fn find_all(&self, by: &By) -> Vec<El<'_>> {
        self.block(
            &format!("find all {by}"),
            self.client().find_all(by.locator()),
        )
        .into_iter()
        .map(|el| self.el(el, by))
        .collect()
    }

    /// Wait (up to [`WAIT_TIMEOUT`]) for an element.
    pub fn wait_for(&self, by: &By) -> El<'_> {
        self.wait_for_within(by, WAIT_TIMEOUT)
    }

    /// Wait up to `timeout` for an element; panic with what the page shows.
    pub fn wait_for_within(&self, by: &By, timeout: Duration) -> El<'_> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(el) = self.find(by) {
                return el;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {by}\n{}",
                    self.page_summary()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Wait (up to [`WAIT_TIMEOUT`]) until `by` finds exactly `n` elements.
    pub fn wait_for_count(&self, by: &By, n: usize) -> Vec<El<'_>> {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        loop {
            let found = self.find_all(by);
            if found.len() == n {
                return found;
            }
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {WAIT_TIMEOUT:?} waiting for {n} elements matching {by} (found {})\n{}",
                    found.len(),
                    self.page_summary()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Wait until `by` finds nothing (up to [`WAIT_TIMEOUT`]).
    pub fn wait_for_absent(&self, by: &By) {
        self.wait_until(&format!("{by} to disappear"), WAIT_TIMEOUT, |app| {
            app.find(by).is_none()
        });
    }

    /// Poll `ready` until it returns true, for up to `timeout`.
    pub fn wait_until(&self, what: &str, timeout: Duration, mut ready: impl FnMut(&App) -> bool) {
        let deadline = Instant::now() + timeout;
        while !ready(self) {
            if Instant::now() >= deadline {
                panic!(
                    "timed out after {timeout:?} waiting for {what}\n{}",
                    self.page_summary()
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// The visible text of the first element `by` finds (waiting for it).
    pub fn text(&self, by: &By) -> String {
        self.wait_for(by).text()
    }

    /// The title and the start of the visible text, for failure messages; never panics.
    pub fn page_summary(&self) -> String {
        let Some(client) = &self.client else {
            return "(no WebDriver session)".into();
        };
        let short = Duration::from_secs(3);
        let title = self
            .try_block(client.title(), short)
            .unwrap_or_else(|e| format!("({e})"));
        let text = self
            .try_block(
                client.execute(
                    "return document.body ? document.body.innerText : ''",
                    Vec::new(),
                ),
                short,
            )
            .map(|v| v.as_str().unwrap_or_default().to_string())
            .unwrap_or_else(|e| format!("({e})"));
        let text: String = text.chars().take(800).collect();
        format!("page title: {title:?}\npage text (start): {text:?}")
    }

    fn el(&self, el: Element, by: &By) -> El<'_> {
        El {
            app: self,
            el,
            by: by.to_string(),
        }
    }

    // -- screenshots ---------------------------------------------------------

    /// A screenshot of the whole X display (`import -window root`; WebDriver's
    /// own screenshot can hang under Xvfb) into the test's artifacts dir.
    pub fn screenshot(&self, name: &str) -> PathBuf {
        self.try_screenshot(name)
            .unwrap_or_else(|e| panic!("screenshot {name:?}: {e}"))
    }

    /// A screenshot of the screen's top left `width` x `height` (a window
    /// [`App::place`]d there).
    pub fn screenshot_corner(&self, name: &str, width: u32, height: u32) -> PathBuf {
        self.try_screenshot_of(name, Some((width, height)))
            .unwrap_or_else(|e| panic!("screenshot {name:?}: {e}"))
    }

    fn try_screenshot(&self, name: &str) -> Result<PathBuf, String> {
        self.try_screenshot_of(name, None)
    }

    fn try_screenshot_of(&self, name: &str, corner: Option<(u32, u32)>) -> Result<PathBuf, String> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(format!("screenshot names are [A-Za-z0-9_-]: {name:?}"));
        }
        let xvfb = self.xvfb.as_ref().ok_or("no X display")?;
        let path = self.spec.artifacts.join(format!("{name}.png"));
        let import = find_program(
            "import",
            "IMAGEMAGICK_IMPORT",
            &[],
            "install the Debian package imagemagick",
        );
        let mut cmd = Command::new(import);
        cmd.arg("-display")
            .arg(format!(":{}", xvfb.display))
            .args(["-window", "root"]);
        if let Some((w, h)) = corner {
            cmd.args(["-crop", &format!("{w}x{h}+0+0")]);
        }
        cmd.arg(&path);
        let out = try_run_bounded(cmd, Duration::from_secs(10))?;
        if !out.status.success() {
            return Err(describe_output(&out));
        }
        Ok(path)
    }

    // -- the end -------------------------------------------------------------

    /// End the session and stop everything; fail if a process is left over.
    pub fn close(mut self) {
        self.closed = true;
        let left = self.teardown();
        assert!(
            left.is_empty(),
            "processes outlived their process group and were killed: {}",
            left.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    /// Stop everything that was started, in order; returns the processes that
    /// had to be killed one by one at the end.
    fn teardown(&mut self) -> Vec<Proc> {
        if let Some(client) = self.client.take() {
            // Deleting the session closes the app's window; bounded, since the
            // groups are stopped next anyway.
            let _ = self.timed(STOP_GRACE, client.close());
        }
        if let Some(mut driver) = self.driver.take() {
            stop_group(&mut driver.child, &self.spec.marker);
        }
        if let Some(mut xvfb) = self.xvfb.take() {
            stop_group(&mut xvfb.child, &self.spec.marker);
        }
        kill_marked(&self.spec.marker)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.closed {
            let test = self.spec.test.clone();
            match self.try_screenshot("failure") {
                Ok(p) => eprintln!("e2e: {test}: screenshot of the failure: {}", p.display()),
                Err(e) => eprintln!("e2e: {test}: no screenshot of the failure: {e}"),
            }
            if let Some(client) = &self.client {
                if let Ok(html) = self.try_block(client.source(), Duration::from_secs(3)) {
                    let path = self.spec.artifacts.join("failure.html");
                    if fs::write(&path, html).is_ok() {
                        eprintln!("e2e: {test}: page source: {}", path.display());
                    }
                }
            }
            eprintln!(
                "e2e: {test}: output of tauri-driver, WebKitWebDriver and the app: {}",
                self.driver_log.display()
            );
        }
        for p in self.teardown() {
            eprintln!(
                "e2e: {}: killed a process that outlived its group: {p}",
                self.spec.test
            );
        }
    }
}

/// An element on the page, with blocking helpers.
pub struct El<'a> {
    app: &'a App,
    el: Element,
    /// How it was found, for messages.
    by: String,
}

impl El<'_> {
    /// The rendered text (as a user sees it).
    pub fn text(&self) -> String {
        self.app
            .block(&format!("text of {}", self.by), self.el.text())
    }

    pub fn attr(&self, name: &str) -> Option<String> {
        self.app.block(
            &format!("attribute {name} of {}", self.by),
            self.el.attr(name),
        )
    }

    pub fn is_displayed(&self) -> bool {
        self.app
            .block(&format!("is {} displayed", self.by), self.el.is_displayed())
    }

    pub fn click(&self) {
        self.app
            .block(&format!("click {}", self.by), self.el.click());
    }

    /// Type `text` into this element (it gets the focus first).
    pub fn type_text(&self, text: &str) {
        self.app
            .block(&format!("type into {}", self.by), self.el.send_keys(text));
    }

    /// Empty this input.
    pub fn clear(&self) {
        self.app
            .block(&format!("clear {}", self.by), self.el.clear());
    }

    /// The first element inside this one (CSS, or XPath starting with `.`).
    pub fn find_opt(&self, by: &By) -> Option<El<'_>> {
        match self.app.timed(COMMAND_TIMEOUT, self.el.find(by.locator())) {
            Ok(Ok(el)) => Some(El {
                app: self.app,
                el,
                by: format!("{by} in {}", self.by),
            }),
            Ok(Err(e)) if e.is_no_such_element() => None,
            Ok(Err(e)) => panic!("WebDriver: find {by} in {}: {e}", self.by),
            Err(_) => panic!(
                "WebDriver: find {by} in {}: no answer within {COMMAND_TIMEOUT:?}",
                self.by
            ),
        }
    }

    /// The first element inside this one; panics if there is none.
    pub fn find(&self, by: &By) -> El<'_> {
        self.find_opt(by).unwrap_or_else(|| {
            let html = self
                .app
                .try_block(self.el.html(false), Duration::from_secs(3))
                .unwrap_or_default();
            let html: String = html.chars().take(800).collect();
            panic!("no {by} in {}; its HTML (start): {html}", self.by)
        })
    }

    pub fn find_all(&self, by: &By) -> Vec<El<'_>> {
        self.app
            .block(
                &format!("find all {by} in {}", self.by),
                self.el.find_all(by.locator()),
            )
            .into_iter()
            .map(|el| El {
                app: self.app,
                el,
                by: format!("{by} in {}", self.by),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    // Unused where the harness is included by a bench (harness = false runs no #[test]).
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn xpath_literals_quote_anything() {
        assert_eq!(xpath_literal("Lists"), "'Lists'");
        assert_eq!(xpath_literal("can't"), "\"can't\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
        assert_eq!(
            By::button("Lists").inside(&By::nav("Main")),
            By::xpath(
                "(//nav[@aria-label='Main'])//*[(self::button or @role='button') and \
                 (normalize-space(.)='Lists' or @aria-label='Lists')]"
            )
        );
    }
}
