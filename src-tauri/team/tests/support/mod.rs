//! A real PostgreSQL server for the tests: Debian's `postgresql` package,
//! `initdb` into a temporary folder (as the `postgres` user when the tests
//! run as root: PostgreSQL refuses to run as root), a free port on
//! 127.0.0.1, passwords required over TCP (SCRAM), stopped when dropped.
//! Every wait is bounded.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SUPERUSER: &str = "callblock";
pub const SUPERUSER_PASSWORD: &str = "owner-secret";

pub struct Pg {
    _dir: tempfile::TempDir,
    pub data: PathBuf,
    pub socket_dir: PathBuf,
    pub port: u16,
    bin: PathBuf,
    as_postgres: bool,
    durable: bool,
}

fn bin_dir() -> PathBuf {
    if let Ok(d) = std::env::var("CALLBLOCK_PG_BIN") {
        return PathBuf::from(d);
    }
    for v in ["17", "16", "15"] {
        let d = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin"));
        if d.join("initdb").exists() {
            return d;
        }
    }
    panic!(
        "no PostgreSQL server binaries (initdb) under /usr/lib/postgresql: install Debian's \
         postgresql package (bash scripts/setup.sh deps does), or set CALLBLOCK_PG_BIN"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

impl Pg {
    /// A server as the tests use it (fsync off: they measure no time).
    pub fn start() -> Pg {
        Pg::start_with(false)
    }

    /// A server that syncs its writes to disk, as a real one does (the
    /// benchmarks).
    pub fn start_durable() -> Pg {
        Pg::start_with(true)
    }

    fn start_with(durable: bool) -> Pg {
        let dir = tempfile::Builder::new()
            .prefix("callblock-pg")
            .tempdir()
            .unwrap();
        let as_postgres = is_root();
        let bin = bin_dir();
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, SUPERUSER_PASSWORD).unwrap();
        if as_postgres {
            chown_postgres(dir.path());
            chown_postgres(&pwfile);
        }
        let data = dir.path().join("data");
        let pg = Pg {
            data: data.clone(),
            socket_dir: dir.path().to_path_buf(),
            port: free_port(),
            _dir: dir,
            bin,
            as_postgres,
            durable,
        };
        let out = pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                SUPERUSER,
                "--pwfile",
                pwfile.to_str().unwrap(),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        pg.start_server();
        pg
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let path = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        cmd.args(args).current_dir(&self.socket_dir);
        cmd.output()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn start_server(&self) {
        // TEAM_PG_OPTS: more of the server's options, to look into it
        // (`-c shared_preload_libraries=pg_stat_statements`, ...).
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync={} {}",
            self.port,
            self.socket_dir.display(),
            if self.durable { "on" } else { "off" },
            std::env::var("TEAM_PG_OPTS").unwrap_or_default()
        );
        let log = self.socket_dir.join("log");
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-o",
                &opts,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// What the server has logged so far.
    #[allow(dead_code)]
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.socket_dir.join("log")).unwrap_or_default()
    }

    pub fn stop_server(&self) {
        let _ = self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                "immediate",
                "-w",
                "-t",
                "60",
                "stop",
            ],
        );
    }

    /// A connection string for `role` with `password`.
    pub fn url(&self, role: &str, password: &str) -> String {
        format!(
            "postgres://{role}:{password}@127.0.0.1:{}/postgres?sslmode=disable",
            self.port
        )
    }

    pub fn owner_url(&self) -> String {
        self.url(SUPERUSER, SUPERUSER_PASSWORD)
    }

    /// Run SQL as the superuser (psql over the socket), its output.
    pub fn psql(&self, sql: &str) -> String {
        let out = self.run(
            "psql",
            &[
                "-h",
                self.socket_dir.to_str().unwrap(),
                "-p",
                &self.port.to_string(),
                "-U",
                SUPERUSER,
                "-d",
                "postgres",
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
        );
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        self.stop_server();
    }
}

fn chown_postgres(p: &Path) {
    let out = Command::new("chown")
        .arg("postgres")
        .arg(p)
        .output()
        .unwrap();
    assert!(out.status.success(), "chown postgres {}", p.display());
}

/// A TCP proxy in front of the test server, to cut the network under a
/// client (a partition mid-push) and heal it; each chunk it forwards waits
/// `delay` first (a slow link), so a cut lands in the middle of a sync.
#[allow(dead_code)]
pub struct Proxy {
    pub port: u16,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    open: std::sync::Arc<std::sync::Mutex<Vec<std::net::TcpStream>>>,
}

#[allow(dead_code)]
impl Proxy {
    pub fn start(upstream: u16, delay: std::time::Duration) -> Proxy {
        use std::io::{Read, Write};
        use std::net::{TcpListener, TcpStream};
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::{Arc, Mutex};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::new(Mutex::new(Vec::new()));
        let (c, o) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if c.load(Ordering::SeqCst) {
                    drop(client); // the network is down: nothing gets through
                    continue;
                }
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                {
                    let mut open = o.lock().unwrap();
                    open.push(client.try_clone().unwrap());
                    open.push(server.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    let c = c.clone();
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        loop {
                            let n = match from.read(&mut buf) {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            std::thread::sleep(delay);
                            if c.load(Ordering::SeqCst) || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(std::net::Shutdown::Both);
                        let _ = from.shutdown(std::net::Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, cut, open }
    }

    /// Cut every connection through the proxy, and refuse new ones.
    pub fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Let connections through again.
    pub fn heal(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}
