//! The bundle document: its format name and version, the file extension,
//! and the rep and every row their calls need, as they travel in the file
//! (JSON, gzip-compressed).

use serde::{Deserialize, Serialize};
use specta::Type;

pub use crate::coaching::{BComment, BFlag};
use crate::domain::Outcome;

pub const FORMAT: &str = "callblock-bundle";
pub const FORMAT_VERSION: u32 = 1;
/// The file extension bundles are written with.
pub const EXTENSION: &str = "cbbundle";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub format_version: u32,
    pub schema_version: i64,
    pub app_version: String,
    pub created_at: String,
    /// The period asked for, `[from, to)`.
    pub from: Option<String>,
    pub to: Option<String>,
    pub rep: BRep,
    pub themes: Vec<BTheme>,
    pub prospects: Vec<BProspect>,
    pub talk_tracks: Vec<BTalkTrack>,
    pub talk_track_versions: Vec<BTalkTrackVersion>,
    pub objections: Vec<BObjection>,
    pub responses: Vec<BResponse>,
    pub blocks: Vec<BBlock>,
    pub pauses: Vec<BPause>,
    pub calls: Vec<BCall>,
    pub call_objections: Vec<BCallObjection>,
    pub meetings: Vec<BMeeting>,
    /// Comments on the calls (removed ones too, so the removal travels);
    /// absent from older bundles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<BComment>,
    /// The calls' coaching flags; absent from older bundles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<BFlag>,
    pub counts: BundleCounts,
}

/// How many rows of each kind the bundle holds (checked on import).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Type)]
pub struct BundleCounts {
    pub themes: u32,
    pub prospects: u32,
    pub talk_track_versions: u32,
    pub objections: u32,
    pub responses: u32,
    pub blocks: u32,
    pub pauses: u32,
    pub calls: u32,
    pub call_objections: u32,
    pub meetings: u32,
    #[serde(default)]
    pub comments: u32,
    #[serde(default)]
    pub flags: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BRep {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub time_zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTheme {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BProspect {
    pub id: String,
    pub theme_id: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub company: String,
    pub email: Option<String>,
    pub city: String,
    pub region: String,
    pub country: String,
    pub time_zone: Option<String>,
    pub industry: String,
    pub employees: String,
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: Option<String>,
    pub callback_at: Option<String>,
    pub last_called_at: Option<String>,
    pub do_not_call: bool,
    pub bad_number: bool,
    pub crm_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTalkTrack {
    pub id: String,
    pub theme_id: Option<String>,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BTalkTrackVersion {
    pub id: String,
    pub talk_track_id: String,
    pub version: u32,
    pub opener: String,
    pub engage_statement: String,
    pub impact_question: String,
    pub appointment_request: String,
    pub voicemail_script: String,
    pub referral: String,
    pub agenda_line: String,
    pub change_note: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BObjection {
    pub id: String,
    pub slug: String,
    pub label: String,
    pub hotkey: Option<String>,
    pub position: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BResponse {
    pub id: String,
    pub objection_id: String,
    pub theme_id: Option<String>,
    pub version: u32,
    pub response: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BBlock {
    pub id: String,
    pub planned_seconds: u32,
    pub break_seconds: u32,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub end_reason: Option<String>,
    /// At most [`MAX_BLOCK_THEMES`] (a longer list is refused as it is read).
    #[serde(deserialize_with = "bounded_theme_ids")]
    pub theme_ids: Vec<String>,
}

/// The most themes a block of a bundle may name. A block runs on a few
/// themes; the list is bounded as it is read because it is the one list of a
/// bundle whose items can be 3 bytes of JSON each (`"",`) and 24 in memory:
/// 60 MB of them took 550 MB of memory before any check could run.
pub const MAX_BLOCK_THEMES: usize = 1000;

fn bounded_theme_ids<'de, D>(d: D) -> Result<Vec<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Ids;
    impl<'de> serde::de::Visitor<'de> for Ids {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a list of at most {MAX_BLOCK_THEMES} theme ids")
        }

        fn visit_seq<A>(self, mut seq: A) -> Result<Vec<String>, A::Error>
        where
            A: serde::de::SeqAccess<'de>,
        {
            let mut ids = Vec::new();
            while let Some(id) = seq.next_element::<String>()? {
                if ids.len() == MAX_BLOCK_THEMES {
                    return Err(serde::de::Error::invalid_length(ids.len() + 1, &self));
                }
                ids.push(id);
            }
            Ok(ids)
        }
    }
    d.deserialize_seq(Ids)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BPause {
    pub id: String,
    pub block_id: String,
    pub paused_at: String,
    pub resumed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BCall {
    pub id: String,
    pub prospect_id: String,
    pub block_id: Option<String>,
    pub theme_id: Option<String>,
    pub phone_e164: Option<String>,
    pub talk_track_version_id: Option<String>,
    pub started_at: String,
    pub ended_at: String,
    /// Talk time (from the answer, when it was marked).
    pub duration_ms: u32,
    /// When the rep marked the answer; absent from older bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
    /// Ring time; absent when unknown (and from older bundles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ring_ms: Option<u32>,
    pub outcome: Outcome,
    pub asked_for_meeting: bool,
    pub prospect_time_zone: Option<String>,
    pub local_hour: Option<u32>,
    pub local_weekday: Option<u32>,
    pub callback_at: Option<String>,
    pub notes: String,
    pub gap_current_state: String,
    pub gap_objectives: String,
    pub gap_impact: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BCallObjection {
    pub id: String,
    pub call_id: String,
    pub objection_id: String,
    pub response_id: Option<String>,
    pub position: u32,
    pub at_ms: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BMeeting {
    pub id: String,
    pub call_id: String,
    pub prospect_id: String,
    pub starts_at: String,
    pub duration_minutes: u32,
    pub format: String,
    pub email: String,
    pub invitation_sent_at: Option<String>,
    pub created_at: String,
}

/// The first fields of a bundle, read before anything else so that a newer
/// format is refused by its version, not by a parse error.
#[derive(Debug, Deserialize)]
pub(super) struct Header {
    pub format: Option<String>,
    pub format_version: Option<u32>,
    pub schema_version: Option<i64>,
    pub app_version: Option<String>,
}
