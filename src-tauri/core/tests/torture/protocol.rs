//! What the child tells the parent, one line per event on its stdout:
//! `BEGIN <kind> <args>` before an action, `ACK <kind> <args>` once its
//! transaction has committed. Values never hold spaces.

use std::fmt;

/// A kind of user action the child takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Opening the database (WAL recovery, migrations) and reopening the block.
    Open,
    StartBlock,
    StartCall,
    Objection,
    Notes,
    /// An outcome other than a callback or a meeting.
    Outcome,
    Callback,
    Meeting,
    Skip,
    Pause,
    Resume,
    EndBlock,
    /// A CSV import (a new file, or one imported before again).
    Import,
    /// A rep's bundle imported.
    Bundle,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::Open,
        Kind::StartBlock,
        Kind::StartCall,
        Kind::Objection,
        Kind::Notes,
        Kind::Outcome,
        Kind::Callback,
        Kind::Meeting,
        Kind::Skip,
        Kind::Pause,
        Kind::Resume,
        Kind::EndBlock,
        Kind::Import,
        Kind::Bundle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Open => "open",
            Kind::StartBlock => "start_block",
            Kind::StartCall => "start_call",
            Kind::Objection => "objection",
            Kind::Notes => "notes",
            Kind::Outcome => "outcome",
            Kind::Callback => "callback",
            Kind::Meeting => "meeting",
            Kind::Skip => "skip",
            Kind::Pause => "pause",
            Kind::Resume => "resume",
            Kind::EndBlock => "end_block",
            Kind::Import => "import",
            Kind::Bundle => "bundle",
        }
    }

    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Open => "open/reopen",
            Kind::StartBlock => "start block",
            Kind::StartCall => "start call",
            Kind::Objection => "objection",
            Kind::Notes => "notes",
            Kind::Outcome => "outcome",
            Kind::Callback => "callback",
            Kind::Meeting => "meeting",
            Kind::Skip => "skip",
            Kind::Pause => "pause",
            Kind::Resume => "resume",
            Kind::EndBlock => "end block",
            Kind::Import => "import",
            Kind::Bundle => "bundle import",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// The kinds that log a call's outcome.
    pub fn is_outcome(self) -> bool {
        matches!(self, Kind::Outcome | Kind::Callback | Kind::Meeting)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of the child, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub ack: bool,
    pub kind: Kind,
    pub args: Vec<String>,
}

impl Line {
    pub fn parse(text: &str) -> Option<Line> {
        let mut words = text.split(' ');
        let ack = match words.next()? {
            "BEGIN" => false,
            "ACK" => true,
            _ => return None,
        };
        let kind = Kind::parse(words.next()?)?;
        Some(Line {
            ack,
            kind,
            args: words.map(str::to_string).collect(),
        })
    }

    /// Argument `i`, or "" when the line is short.
    pub fn arg(&self, i: usize) -> &str {
        self.args.get(i).map(String::as_str).unwrap_or("")
    }

    /// Argument `i` where "-" stands for none.
    pub fn opt(&self, i: usize) -> Option<String> {
        match self.arg(i) {
            "" | "-" => None,
            s => Some(s.to_string()),
        }
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            if self.ack { "ACK" } else { "BEGIN" },
            self.kind
        )?;
        for a in &self.args {
            write!(f, " {a}")?;
        }
        Ok(())
    }
}

/// How the parent starts a child: the database, the files it may import,
/// its seed, and the kind of action the parent means to kill it in (the
/// child's script leans towards it). Passed as JSON in an environment
/// variable.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ChildConfig {
    pub db: std::path::PathBuf,
    pub invitations: std::path::PathBuf,
    pub csv_dir: std::path::PathBuf,
    pub bundles: Vec<std::path::PathBuf>,
    /// The first call of each bundle: there when the bundle was imported.
    pub bundle_probes: Vec<String>,
    pub seed: u64,
    /// The kill point (unique over the run: CSV keys are made from it).
    pub run: u32,
    /// A kind name, or "any".
    pub target: String,
    /// How often the background checkpointer runs.
    pub checkpoint_ms: u64,
}

/// The rep every block of the torture runs as.
pub const REP_NAME: &str = "Torture Rep";

/// The themes CSV imports fill (blocks call only these).
pub const THEMES: [&str; 3] = ["Torture Alpha", "Torture Beta", "Torture Gamma"];
