//! The team store's connection string: read as PostgreSQL reads it
//! (`postgres://role:password@host:port/database?sslmode=...`), its password
//! kept apart from the database file, its TLS settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::error::{Result, TeamError};

/// How the connection is encrypted, as libpq names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// No TLS.
    Disable,
    /// TLS when the server offers it, not verified (libpq's default).
    Prefer,
    /// TLS always, not verified (encrypted against eavesdroppers only).
    Require,
    /// TLS always; the server's certificate must chain to a trusted root
    /// (the system's, or `sslrootcert`) and name the host.
    VerifyFull,
}

/// A parsed connection string.
#[derive(Debug, Clone)]
pub struct Target {
    pub config: tokio_postgres::Config,
    pub tls: Tls,
    pub root_cert: Option<PathBuf>,
    /// The string without its password, as the link stores it.
    pub url: String,
    /// role@host:port/database: how messages and the password file name it.
    pub label: String,
}

impl Target {
    pub fn role(&self) -> &str {
        self.config.get_user().unwrap_or("")
    }
}

/// The settings of every session with the store. A statement that hangs,
/// or a transaction left open by a laptop that went to sleep mid-push, ends
/// on the server. No JIT: the queries are small (rollups, a push's rows),
/// and compiling one costs more than running it (400 ms a statement when
/// the planner guesses high). Room to group a report's rows in memory (the
/// blocks of a year: sorted on disk with the server's 4 MB, hashed with
/// this).
pub const SESSION_OPTIONS: &str = "-c statement_timeout=30000 \
     -c idle_in_transaction_session_timeout=60000 -c jit=off -c work_mem=32MB";

/// Read a connection string. A password in it is kept in [`Target::config`]
/// and left out of [`Target::url`].
pub fn parse(text: &str) -> Result<Target> {
    let text = text.trim();
    if !(text.starts_with("postgres://") || text.starts_with("postgresql://")) {
        return Err(TeamError::BadUrl(
            "it does not start with postgres://".into(),
        ));
    }
    // libpq's sslmode values tokio-postgres does not know, and sslrootcert,
    // are read here and taken out of the string it parses.
    let (base, query) = match text.split_once('?') {
        Some((b, q)) => (b, q),
        None => (text, ""),
    };
    let mut tls = Tls::Prefer;
    let mut root_cert = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => {
                tls = match v {
                    "disable" => Tls::Disable,
                    "allow" | "prefer" => Tls::Prefer,
                    "require" => Tls::Require,
                    "verify-full" => Tls::VerifyFull,
                    other => return Err(TeamError::SslMode(other.to_string())),
                }
            }
            "sslrootcert" => root_cert = Some(PathBuf::from(v)),
            _ => kept.push(pair),
        }
    }
    let parsed = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let mut config =
        tokio_postgres::Config::from_str(&parsed).map_err(|e| TeamError::BadUrl(e.to_string()))?;
    let user = config
        .get_user()
        .filter(|u| !u.is_empty())
        .ok_or_else(|| {
            TeamError::BadUrl("it names no role (postgres://role@host/database)".into())
        })?
        .to_string();
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => return Err(TeamError::BadUrl("it names no host".into())),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let dbname = config.get_dbname().unwrap_or(&user).to_string();
    config.connect_timeout(std::time::Duration::from_secs(5));
    config.application_name("callblock");
    config.options(SESSION_OPTIONS);
    // A dead peer is noticed.
    config.keepalives(true);
    config.keepalives_idle(std::time::Duration::from_secs(30));
    config.ssl_mode(match tls {
        Tls::Disable => tokio_postgres::config::SslMode::Disable,
        Tls::Prefer => tokio_postgres::config::SslMode::Prefer,
        Tls::Require | Tls::VerifyFull => tokio_postgres::config::SslMode::Require,
    });
    let label = format!("{user}@{host}:{port}/{dbname}");
    let mut url = format!(
        "postgres://{}@{}:{port}/{}",
        pct(&user),
        if host.contains(':') {
            format!("[{host}]")
        } else {
            host.clone()
        },
        pct(&dbname)
    );
    let mut q = Vec::new();
    match tls {
        Tls::Disable => q.push("sslmode=disable".to_string()),
        Tls::Prefer => {}
        Tls::Require => q.push("sslmode=require".to_string()),
        Tls::VerifyFull => q.push("sslmode=verify-full".to_string()),
    }
    if let Some(p) = &root_cert {
        q.push(format!("sslrootcert={}", p.display()));
    }
    if !q.is_empty() {
        url = format!("{url}?{}", q.join("&"));
    }
    Ok(Target {
        config,
        tls,
        root_cert,
        url,
        label,
    })
}

fn pct(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                c.to_string()
            } else {
                c.to_string().bytes().map(|b| format!("%{b:02X}")).collect()
            }
        })
        .collect()
}

/// Where passwords are kept: a file only this user can read, in the
/// user's configuration directory (`$XDG_CONFIG_HOME/callblock`), keyed by
/// role@host:port/database. Never in the database file, which a rep may
/// send to a manager.
pub fn secrets_path() -> PathBuf {
    dirs::config_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("callblock")
        .join("team-passwords.json")
}

fn read_secrets(path: &Path) -> Result<BTreeMap<String, String>> {
    match std::fs::read(path) {
        // A file that is not what this app writes is not overwritten (it
        // may hold the passwords of other stores): said, left as it is.
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| TeamError::Secret {
            path: path.to_owned(),
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not a password file Callblock reads ({e}); move it away and connect again"
                ),
            ),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(TeamError::Secret {
            path: path.to_owned(),
            source: e,
        }),
    }
}

/// Keep the password of `target` (or forget it: `None`).
pub fn store_password(path: &Path, label: &str, password: Option<&str>) -> Result<()> {
    let mut all = read_secrets(path)?;
    match password {
        Some(p) => {
            all.insert(label.to_string(), p.to_string());
        }
        None => {
            if all.remove(label).is_none() {
                return Ok(());
            }
        }
    }
    let io = |source| TeamError::Secret {
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = path.with_extension("json.tmp");
    {
        use std::io::Write;
        #[cfg(unix)]
        use std::os::unix::fs::OpenOptionsExt;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        opts.mode(0o600);
        let mut f = opts.open(&tmp).map_err(io)?;
        f.write_all(&serde_json::to_vec_pretty(&all).expect("a map of strings"))
            .map_err(io)?;
        f.sync_all().map_err(io)?;
    }
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}

/// The system keyring's service name for the team store's passwords (one
/// entry per role@host:port/database).
pub const KEYRING_SERVICE: &str = "Callblock team store";

/// Where a password was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kept {
    /// The system keyring (Secret Service).
    Keyring,
    /// The file only the user reads.
    File,
}

/// The system keyring, when this session has one: a D-Bus session bus (no
/// bus is started for it) and not turned off (`CALLBLOCK_KEYRING=off`).
fn keyring(label: &str) -> Option<keyring::Entry> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty())
        || std::env::var("CALLBLOCK_KEYRING").is_ok_and(|v| v == "off")
    {
        return None;
    }
    keyring::Entry::new(KEYRING_SERVICE, label).ok()
}

/// Keep the password of `label`: in the system keyring where there is one
/// (and then not in the file), else in the file at `path`.
pub fn keep_password(path: &Path, label: &str, password: &str) -> Result<Kept> {
    if let Some(entry) = keyring(label) {
        if entry.set_password(password).is_ok() {
            store_password(path, label, None)?;
            return Ok(Kept::Keyring);
        }
    }
    store_password(path, label, Some(password))?;
    Ok(Kept::File)
}

/// Forget the password of `label`, wherever it was kept.
pub fn forget_password(path: &Path, label: &str) -> Result<()> {
    if let Some(entry) = keyring(label) {
        // Not there (or no keyring after all): nothing to forget there.
        let _ = entry.delete_credential();
    }
    store_password(path, label, None)
}

/// The password kept for `label`, if any: the keyring's, else the file's.
pub fn password(path: &Path, label: &str) -> Result<Option<String>> {
    if let Some(entry) = keyring(label) {
        if let Ok(p) = entry.get_password() {
            return Ok(Some(p));
        }
    }
    Ok(read_secrets(path)?.remove(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connection_string_is_read_and_kept_without_its_password() {
        let t =
            parse("postgres://dana:s3cret@db.example.com:6543/sales?sslmode=verify-full").unwrap();
        assert_eq!(t.role(), "dana");
        assert_eq!(t.tls, Tls::VerifyFull);
        assert_eq!(t.config.get_password(), Some(&b"s3cret"[..]));
        assert_eq!(
            t.url,
            "postgres://dana@db.example.com:6543/sales?sslmode=verify-full"
        );
        assert_eq!(t.label, "dana@db.example.com:6543/sales");
        assert!(!t.url.contains("s3cret"));
        let t = parse("postgresql://lee@127.0.0.1/team").unwrap();
        assert_eq!(t.tls, Tls::Prefer);
        assert_eq!(t.url, "postgres://lee@127.0.0.1:5432/team");
    }

    #[test]
    fn a_bad_connection_string_is_named() {
        for (s, says) in [
            ("mysql://x@h/d", "does not start with postgres://"),
            ("postgres://h/d", "names no role"),
            (
                "postgres://x@h/d?sslmode=verify-ca",
                "sslmode=verify-ca is not supported",
            ),
            (
                "postgres://x@h:notaport/d",
                "not a PostgreSQL connection string",
            ),
        ] {
            let e = parse(s).unwrap_err().to_string();
            assert!(e.contains(says), "{s}: {e}");
        }
    }

    #[test]
    fn passwords_are_kept_in_a_file_only_the_user_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg").join("team-passwords.json");
        store_password(&path, "dana@h:5432/d", Some("pw")).unwrap();
        assert_eq!(
            password(&path, "dana@h:5432/d").unwrap().as_deref(),
            Some("pw")
        );
        assert_eq!(password(&path, "lee@h:5432/d").unwrap(), None);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        store_password(&path, "dana@h:5432/d", None).unwrap();
        assert_eq!(password(&path, "dana@h:5432/d").unwrap(), None);
    }
}
