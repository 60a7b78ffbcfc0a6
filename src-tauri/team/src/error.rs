//! Why the team store could not do what was asked, in words a rep can act on.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error(transparent)]
    Core(#[from] callblock_core::Error),

    #[error("the team store's address is not a PostgreSQL connection string ({0}); it looks like postgres://role@host:5432/database")]
    BadUrl(String),

    #[error("sslmode={0} is not supported: use disable, prefer, require or verify-full")]
    SslMode(String),

    #[error("{path}: {reason}", path = path.display())]
    RootCert { path: PathBuf, reason: String },

    #[error("cannot reach the team store at {target}: {reason}")]
    Unreachable { target: String, reason: String },

    #[error("the team store at {target} did not answer within {seconds} s")]
    Timeout { target: String, seconds: u64 },

    #[error("the team store refused: {0}")]
    Refused(String),

    #[error("the team store at {target} has no Callblock schema yet: connect once as the database's owner (a manager) to create it")]
    NoSchema { target: String },

    #[error("the team store's schema is version {found}, newer than this Callblock knows ({known}); update Callblock before connecting to it")]
    Newer { found: i64, known: i64 },

    #[error("the team store's schema is version {found} and this Callblock needs {known}; connect once as the database's owner to bring it up to date")]
    Older { found: i64, known: i64 },

    #[error("this database is not linked to a team store: run `callblock team connect postgres://role@host/database` first")]
    NotLinked,

    #[error("the role {role} is registered in the team store as {name}, another rep's database ({id}); connect from that database, or as your own role")]
    RoleTaken {
        role: String,
        name: String,
        id: String,
    },

    #[error("{path}: {source}", path = path.display())]
    Secret {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

pub type Result<T, E = TeamError> = std::result::Result<T, E>;

impl TeamError {
    /// A stable name for the kind of error (the CLI's JSON, the window).
    pub fn kind(&self) -> &'static str {
        match self {
            TeamError::Core(e) => e.kind(),
            TeamError::BadUrl(_) | TeamError::SslMode(_) | TeamError::RootCert { .. } => "invalid",
            TeamError::Unreachable { .. } | TeamError::Timeout { .. } => "team_offline",
            TeamError::Refused(_) | TeamError::RoleTaken { .. } => "team_refused",
            TeamError::NoSchema { .. } | TeamError::Older { .. } => "team_schema_missing",
            TeamError::Newer { .. } => "team_schema_newer",
            TeamError::NotLinked => "team_not_linked",
            TeamError::Secret { .. } => "io",
        }
    }

    /// The server could not be reached (the sync tries again later).
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            TeamError::Unreachable { .. } | TeamError::Timeout { .. }
        )
    }

    /// A PostgreSQL error, from the server (what it refused) or on the way.
    pub(crate) fn pg(target: &str, e: tokio_postgres::Error) -> TeamError {
        if let Some(db) = e.as_db_error() {
            return TeamError::Refused(match db.detail() {
                Some(d) => format!("{} ({d})", db.message()),
                None => db.message().to_string(),
            });
        }
        TeamError::Unreachable {
            target: target.to_string(),
            reason: reason_of(&e),
        }
    }
}

/// Why a connection failed, in words: the network's reason when there is
/// one ("nothing answers at that address"), never an OS error number.
fn reason_of(e: &tokio_postgres::Error) -> String {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            return match io.kind() {
                K::ConnectionRefused => {
                    "nothing answers at that address (is the server running, and the port right?)"
                        .into()
                }
                K::TimedOut => "the server did not answer in time".into(),
                K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe => {
                    "the connection was cut".into()
                }
                K::NotFound => "no such host (check the name)".into(),
                _ => without_os_error(&io.to_string()),
            };
        }
        source = s.source();
    }
    let text = e.to_string();
    if text.contains("failed to lookup address") {
        return "no such host (check the name)".into();
    }
    without_os_error(&text)
}

/// "Connection refused (os error 111)" without its number.
fn without_os_error(text: &str) -> String {
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_os_error_number_is_left_out() {
        assert_eq!(
            super::without_os_error("Connection refused (os error 111)"),
            "Connection refused"
        );
        assert_eq!(super::without_os_error("no route"), "no route");
    }
}
