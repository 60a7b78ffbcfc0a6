//! The schema, as an ordered list of migration steps. Step `n` takes a database
//! at `PRAGMA user_version = n - 1` to `n`. Steps are never edited once
//! released: a change to the schema is a new step at the end, with a test that
//! migrates to it from every earlier version (see `store::tests`).

/// One schema step.
pub struct Migration {
    /// The version this step produces.
    pub version: i64,
    /// What the step does, for logs and the backup's name.
    pub description: &'static str,
    /// The SQL, run inside the migration transaction.
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description:
            "the whole domain: reps, themes, prospects, playbooks, blocks, calls, meetings, plans",
        sql: V1,
    },
    Migration {
        version: 2,
        description: "objection hotkeys: lower case, unique among active objections",
        sql: V2_OBJECTION_HOTKEYS,
    },
    Migration {
        version: 3,
        description: "review: full-text search on call notes, report rollups, call-log indexes",
        sql: V3_REVIEW,
    },
    Migration {
        version: 4,
        description: "prospect phones keyed by (prospect, position), without a surrogate id",
        sql: V4_PHONES_BY_PROSPECT,
    },
    Migration {
        version: 5,
        description: "calls: the answer marked apart, ring time in its own column",
        sql: V5_RING_AND_TALK,
    },
    Migration {
        version: 6,
        description: "plans: revenue won to date and the open pipeline's value",
        sql: V6_PLAN_PIPELINE,
    },
    Migration {
        version: 7,
        description: "prospects: the call a referral was heard on, and what was said",
        sql: V7_REFERRALS,
    },
    Migration {
        version: 8,
        description:
            "the do-not-call list: numbers and e-mails never dialled again, across re-imports",
        sql: V8_DO_NOT_CALL_LIST,
    },
    Migration {
        version: 9,
        description:
            "long lists a page at a time: prospects in the table's order, their counts, search",
        sql: V9_LIST_PAGES,
    },
    Migration {
        version: 10,
        description:
            "the team store: its link and an outbox filled in the same transaction as each call",
        sql: V10_TEAM_OUTBOX,
    },
    Migration {
        version: 11,
        description:
            "the team's shared lists and playbook: published prospects, leases, do-not-call",
        sql: V11_TEAM_LISTS,
    },
    Migration {
        version: 12,
        description: "coaching: a manager's comments on calls and the calls flagged for coaching",
        sql: V12_COACHING,
    },
    Migration {
        version: 13,
        description: "the team's lists: a shared prospect a manager withdrew is leased to nobody",
        sql: V13_TEAM_WITHDRAWN,
    },
    Migration {
        version: 14,
        description:
            "the team's do-not-call list: a listing an undo took back leaves it everywhere",
        sql: V14_TEAM_DNC_TAKEN_BACK,
    },
];

/// The newest schema version this binary knows.
pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// `PRAGMA application_id` of a Callblock database: "CBlk".
pub const APPLICATION_ID: u32 = u32::from_be_bytes(*b"CBlk");

const V1: &str = r#"
-- Settings: one row per key, the value as JSON.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE reps (
    id         TEXT PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL UNIQUE,
    email      TEXT,
    time_zone  TEXT,                 -- IANA name, for prime time and the schedule
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE themes (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind        TEXT NOT NULL CHECK (kind IN ('vertical','geography','size','role','custom')),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    archived_at TEXT
) STRICT;

-- One row per file imported, so that every prospect can say where it came from.
CREATE TABLE imports (
    id            TEXT PRIMARY KEY NOT NULL,
    source_file   TEXT NOT NULL,
    source_format TEXT,
    mapping       TEXT NOT NULL DEFAULT '{}',   -- JSON: field -> header
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    rows_read     INTEGER NOT NULL DEFAULT 0,
    imported      INTEGER NOT NULL DEFAULT 0,
    updated       INTEGER NOT NULL DEFAULT 0,
    rejected      INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE prospects (
    id              TEXT PRIMARY KEY NOT NULL,
    theme_id        TEXT REFERENCES themes(id) ON DELETE SET NULL,
    first_name      TEXT NOT NULL DEFAULT '',
    last_name       TEXT NOT NULL DEFAULT '',
    title           TEXT NOT NULL DEFAULT '',
    company         TEXT NOT NULL DEFAULT '',
    email           TEXT,
    city            TEXT NOT NULL DEFAULT '',
    region          TEXT NOT NULL DEFAULT '',   -- state, province, region
    country         TEXT NOT NULL DEFAULT '',   -- ISO 3166 alpha-2 when known
    time_zone       TEXT,                       -- IANA name; NULL: unknown, never guessed
    industry        TEXT NOT NULL DEFAULT '',
    employees       TEXT NOT NULL DEFAULT '',   -- count or band, as given
    status          TEXT NOT NULL DEFAULT 'new' CHECK (status IN
                        ('new','attempting','callback','meeting','not_interested',
                         'exhausted','do_not_call','bad_number')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    callback_at     TEXT,
    last_called_at  TEXT,
    do_not_call     INTEGER NOT NULL DEFAULT 0 CHECK (do_not_call IN (0, 1)),
    bad_number      INTEGER NOT NULL DEFAULT 0 CHECK (bad_number IN (0, 1)),
    recycled        INTEGER NOT NULL DEFAULT 0 CHECK (recycled >= 0),
    source_file     TEXT,
    crm_id          TEXT,                       -- the CRM's own record id
    import_id       TEXT REFERENCES imports(id) ON DELETE SET NULL,
    extra           TEXT NOT NULL DEFAULT '{}', -- other source columns, JSON
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (status <> 'callback' OR callback_at IS NOT NULL),
    CHECK (status <> 'do_not_call' OR do_not_call = 1)
) STRICT;
CREATE INDEX prospects_theme_status ON prospects(theme_id, status);
CREATE INDEX prospects_crm_id ON prospects(crm_id) WHERE crm_id IS NOT NULL;
CREATE INDEX prospects_email ON prospects(email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX prospects_name_company
    ON prospects(last_name COLLATE NOCASE, first_name COLLATE NOCASE, company COLLATE NOCASE);
-- The block's queue: each kind in its own order (see queue.rs).
CREATE INDEX prospects_queue_new ON prospects(theme_id, created_at, id) WHERE status = 'new';
CREATE INDEX prospects_queue_callback ON prospects(theme_id, callback_at) WHERE status = 'callback';
CREATE INDEX prospects_queue_retry ON prospects(theme_id, next_attempt_at) WHERE status = 'attempting';

-- A prospect's numbers, in the order they are tried.
CREATE TABLE prospect_phones (
    id          TEXT PRIMARY KEY NOT NULL,
    prospect_id TEXT NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('direct','mobile','office','corporate','other')),
    e164        TEXT,                -- NULL when the raw text is not a dialable number
    extension   TEXT,
    raw         TEXT NOT NULL,
    bad         INTEGER NOT NULL DEFAULT 0 CHECK (bad IN (0, 1)),
    UNIQUE (prospect_id, position)
) STRICT;
CREATE INDEX prospect_phones_e164 ON prospect_phones(e164) WHERE e164 IS NOT NULL;

-- Playbooks: a talk track per theme (theme_id NULL: the default track) ...
CREATE TABLE talk_tracks (
    id         TEXT PRIMARY KEY NOT NULL,
    theme_id   TEXT UNIQUE REFERENCES themes(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX talk_tracks_one_default ON talk_tracks((theme_id IS NULL)) WHERE theme_id IS NULL;

-- ... where every saved edit is a new version, and calls name the version used.
CREATE TABLE talk_track_versions (
    id                  TEXT PRIMARY KEY NOT NULL,
    talk_track_id       TEXT NOT NULL REFERENCES talk_tracks(id) ON DELETE CASCADE,
    version             INTEGER NOT NULL CHECK (version >= 1),
    opener              TEXT NOT NULL,
    engage_statement    TEXT NOT NULL,
    impact_question     TEXT NOT NULL,
    appointment_request TEXT NOT NULL,
    voicemail_script    TEXT NOT NULL,
    referral            TEXT NOT NULL DEFAULT '',
    agenda_line         TEXT NOT NULL,
    change_note         TEXT NOT NULL DEFAULT '',
    created_by          TEXT REFERENCES reps(id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    UNIQUE (talk_track_id, version)
) STRICT;

-- The objection library, shared across themes ...
CREATE TABLE objections (
    id          TEXT PRIMARY KEY NOT NULL,
    slug        TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    hotkey      TEXT,
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    archived_at TEXT
) STRICT;

-- ... with versioned responses; theme_id NULL is the library response, a theme's
-- row overrides it for that theme.
CREATE TABLE objection_responses (
    id           TEXT PRIMARY KEY NOT NULL,
    objection_id TEXT NOT NULL REFERENCES objections(id) ON DELETE CASCADE,
    theme_id     TEXT REFERENCES themes(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    response     TEXT NOT NULL,
    created_by   TEXT REFERENCES reps(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX objection_responses_version
    ON objection_responses(objection_id, ifnull(theme_id, ''), version);

CREATE TABLE blocks (
    id              TEXT PRIMARY KEY NOT NULL,
    rep_id          TEXT NOT NULL REFERENCES reps(id),
    planned_seconds INTEGER NOT NULL CHECK (planned_seconds > 0),
    break_seconds   INTEGER NOT NULL CHECK (break_seconds >= 0),
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    end_reason      TEXT CHECK (end_reason IN ('completed','ended_early','abandoned')),
    CHECK ((ended_at IS NULL) = (end_reason IS NULL))
) STRICT;
CREATE INDEX blocks_rep_started ON blocks(rep_id, started_at);

CREATE TABLE block_themes (
    block_id TEXT NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
    theme_id TEXT NOT NULL REFERENCES themes(id) ON DELETE CASCADE,
    PRIMARY KEY (block_id, theme_id)
) STRICT;

CREATE TABLE block_pauses (
    id         TEXT PRIMARY KEY NOT NULL,
    block_id   TEXT NOT NULL REFERENCES blocks(id) ON DELETE CASCADE,
    paused_at  TEXT NOT NULL,
    resumed_at TEXT,
    CHECK (resumed_at IS NULL OR resumed_at >= paused_at)
) STRICT;
CREATE INDEX block_pauses_block ON block_pauses(block_id);

-- A call is written when it starts (outcome NULL) and completed when it ends,
-- so that a call in progress survives a crash.
CREATE TABLE calls (
    id                    TEXT PRIMARY KEY NOT NULL,
    prospect_id           TEXT NOT NULL REFERENCES prospects(id),
    rep_id                TEXT NOT NULL REFERENCES reps(id),
    block_id              TEXT REFERENCES blocks(id),
    theme_id              TEXT REFERENCES themes(id) ON DELETE SET NULL,
    phone_e164            TEXT,
    talk_track_version_id TEXT REFERENCES talk_track_versions(id),
    started_at            TEXT NOT NULL,
    ended_at              TEXT,
    duration_ms           INTEGER CHECK (duration_ms >= 0),
    outcome               TEXT CHECK (outcome IN
                              ('no_answer','voicemail','gatekeeper','bad_number',
                               'not_interested','callback','meeting','do_not_call')),
    asked_for_meeting     INTEGER NOT NULL DEFAULT 0 CHECK (asked_for_meeting IN (0, 1)),
    prospect_time_zone    TEXT,     -- the prospect's zone when called
    local_hour            INTEGER CHECK (local_hour BETWEEN 0 AND 23),   -- prospect's local hour
    local_weekday         INTEGER CHECK (local_weekday BETWEEN 0 AND 6), -- 0 = Monday
    callback_at           TEXT,
    notes                 TEXT NOT NULL DEFAULT '',
    gap_current_state     TEXT NOT NULL DEFAULT '',
    gap_objectives        TEXT NOT NULL DEFAULT '',
    gap_impact            TEXT NOT NULL DEFAULT '',
    CHECK ((ended_at IS NULL) = (outcome IS NULL)),
    CHECK ((ended_at IS NULL) = (duration_ms IS NULL)),
    CHECK (outcome IS NOT 'callback' OR callback_at IS NOT NULL)
) STRICT;
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_rep_started ON calls(rep_id, started_at);
CREATE INDEX calls_theme_started ON calls(theme_id, started_at);
CREATE INDEX calls_prospect ON calls(prospect_id, started_at);
CREATE INDEX calls_block ON calls(block_id, prospect_id);

-- The objections raised in a call, in order, with the response used.
CREATE TABLE call_objections (
    id           TEXT PRIMARY KEY NOT NULL,
    call_id      TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    objection_id TEXT NOT NULL REFERENCES objections(id),
    response_id  TEXT REFERENCES objection_responses(id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    at_ms        INTEGER NOT NULL CHECK (at_ms >= 0),
    UNIQUE (call_id, position)
) STRICT;
CREATE INDEX call_objections_objection ON call_objections(objection_id);

CREATE TABLE meetings (
    id                 TEXT PRIMARY KEY NOT NULL,
    call_id            TEXT NOT NULL UNIQUE REFERENCES calls(id) ON DELETE CASCADE,
    prospect_id        TEXT NOT NULL REFERENCES prospects(id),
    rep_id             TEXT NOT NULL REFERENCES reps(id),
    starts_at          TEXT NOT NULL,
    duration_minutes   INTEGER NOT NULL DEFAULT 30 CHECK (duration_minutes > 0),
    format             TEXT NOT NULL DEFAULT 'web' CHECK (format IN ('phone','web','in_person')),
    email              TEXT NOT NULL,
    invitation_sent_at TEXT,
    ics_path           TEXT,
    created_at         TEXT NOT NULL
) STRICT;
CREATE INDEX meetings_rep_starts ON meetings(rep_id, starts_at);

-- Prospects the rep skipped in a block: logged, not dials.
CREATE TABLE skips (
    id          TEXT PRIMARY KEY NOT NULL,
    block_id    TEXT REFERENCES blocks(id) ON DELETE CASCADE,
    prospect_id TEXT NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    rep_id      TEXT NOT NULL REFERENCES reps(id),
    skipped_at  TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX skips_block ON skips(block_id, prospect_id);

-- The plan behind the calls (domain.md section 7) ...
CREATE TABLE plans (
    id             TEXT PRIMARY KEY NOT NULL,
    rep_id         TEXT NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
    period         TEXT NOT NULL CHECK (period IN ('month','quarter')),
    starts_on      TEXT NOT NULL,          -- a date, YYYY-MM-DD
    quota          REAL NOT NULL CHECK (quota > 0),
    deal_size      REAL NOT NULL CHECK (deal_size > 0),
    close_ratio    REAL NOT NULL CHECK (close_ratio >= 1),
    rate_overrides TEXT NOT NULL DEFAULT '{}',
    created_at     TEXT NOT NULL
) STRICT;

-- ... and the weekly slots that make the blocks happen.
CREATE TABLE schedule_slots (
    id           TEXT PRIMARY KEY NOT NULL,
    rep_id       TEXT NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('block','prep')),
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    minutes      INTEGER NOT NULL CHECK (minutes > 0),
    time_zone    TEXT NOT NULL,
    theme_id     TEXT REFERENCES themes(id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
) STRICT;
"#;

/// Objection hotkeys are single lower-case letters, unique among the active
/// objections (the playbook code checks this with a clear message; the index
/// is the guarantee). Existing keys are normalized first, and where two active
/// objections shared a key the later one loses it, so that the index can be
/// created on any V1 database.
const V2_OBJECTION_HOTKEYS: &str = r#"
UPDATE objections SET hotkey = lower(trim(hotkey)) WHERE hotkey IS NOT NULL;
UPDATE objections SET hotkey = NULL
 WHERE hotkey IS NOT NULL AND (length(hotkey) <> 1 OR hotkey NOT BETWEEN 'a' AND 'z');
UPDATE objections SET hotkey = NULL
 WHERE archived_at IS NULL AND hotkey IS NOT NULL
   AND rowid NOT IN (SELECT min(rowid) FROM objections
                     WHERE archived_at IS NULL AND hotkey IS NOT NULL GROUP BY hotkey);
CREATE UNIQUE INDEX objections_active_hotkey
    ON objections(hotkey) WHERE hotkey IS NOT NULL AND archived_at IS NULL;
"#;

/// Review (manager analytics): full-text search over the notes of calls, the
/// rollups that keep dashboards fast on a million calls, and the indexes of
/// the call log. See `reports::rollup` for how the rollups are kept.
const V3_REVIEW: &str = r#"
-- Full-text search over a call's notes and gap notes (external content: the
-- text lives in calls, the index is keyed by calls.rowid, kept by triggers).
CREATE VIRTUAL TABLE calls_fts USING fts5(
    notes, gap_current_state, gap_objectives, gap_impact,
    content = 'calls',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO calls_fts (calls_fts) VALUES ('rebuild');

CREATE TRIGGER calls_fts_insert AFTER INSERT ON calls BEGIN
    INSERT INTO calls_fts (rowid, notes, gap_current_state, gap_objectives, gap_impact)
    VALUES (NEW.rowid, NEW.notes, NEW.gap_current_state, NEW.gap_objectives, NEW.gap_impact);
END;
CREATE TRIGGER calls_fts_delete AFTER DELETE ON calls BEGIN
    INSERT INTO calls_fts (calls_fts, rowid, notes, gap_current_state, gap_objectives, gap_impact)
    VALUES ('delete', OLD.rowid, OLD.notes, OLD.gap_current_state, OLD.gap_objectives, OLD.gap_impact);
END;
CREATE TRIGGER calls_fts_update
AFTER UPDATE OF notes, gap_current_state, gap_objectives, gap_impact ON calls BEGIN
    INSERT INTO calls_fts (calls_fts, rowid, notes, gap_current_state, gap_objectives, gap_impact)
    VALUES ('delete', OLD.rowid, OLD.notes, OLD.gap_current_state, OLD.gap_objectives, OLD.gap_impact);
    INSERT INTO calls_fts (rowid, notes, gap_current_state, gap_objectives, gap_impact)
    VALUES (NEW.rowid, NEW.notes, NEW.gap_current_state, NEW.gap_objectives, NEW.gap_impact);
END;

-- Rollups: completed calls summed per UTC day (grain 'd') and per month
-- (grain 'm', day = the first of the month) and a few dimensions. Writes to
-- calls and call_objections only mark their day dirty (triggers below); the
-- reports recompute dirty days before reading. The state row records the
-- thresholds the rollups were computed with (conversation, outer limit).
CREATE TABLE review_rollup_state (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    conversation_ms INTEGER NOT NULL,
    limit_ms        INTEGER NOT NULL,
    built_at        TEXT NOT NULL
) STRICT;

CREATE TABLE review_dirty_days (
    day TEXT PRIMARY KEY NOT NULL         -- YYYY-MM-DD, UTC
) STRICT, WITHOUT ROWID;
INSERT INTO review_dirty_days (day)
    SELECT DISTINCT substr(started_at, 1, 10) FROM calls WHERE outcome IS NOT NULL;

-- Funnel by outcome (theme_id '' = no theme).
CREATE TABLE review_by_outcome (
    grain         TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    day           TEXT NOT NULL,
    rep_id        TEXT NOT NULL,
    theme_id      TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    dials         INTEGER NOT NULL,
    connects      INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    meetings      INTEGER NOT NULL,
    talk_ms       INTEGER NOT NULL,
    past_limit    INTEGER NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_id, outcome)
) STRICT, WITHOUT ROWID;

-- Funnel by the prospect's local hour and weekday (-1: time zone unknown).
CREATE TABLE review_by_hour (
    grain         TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    day           TEXT NOT NULL,
    rep_id        TEXT NOT NULL,
    theme_id      TEXT NOT NULL,
    local_hour    INTEGER NOT NULL,
    local_weekday INTEGER NOT NULL,
    dials         INTEGER NOT NULL,
    connects      INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    meetings      INTEGER NOT NULL,
    talk_ms       INTEGER NOT NULL,
    past_limit    INTEGER NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_id, local_hour, local_weekday)
) STRICT, WITHOUT ROWID;

-- Call length: calls per outcome and 15-second bin (bin 24 = 6:00 and longer).
CREATE TABLE review_by_length (
    grain         TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    day      TEXT NOT NULL,
    rep_id   TEXT NOT NULL,
    theme_id TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    bin      INTEGER NOT NULL,
    calls    INTEGER NOT NULL,
    talk_ms  INTEGER NOT NULL,
    past_limit INTEGER NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_id, outcome, bin)
) STRICT, WITHOUT ROWID;

-- Funnel by talk-track version ('' = none recorded).
CREATE TABLE review_by_track (
    grain         TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    day              TEXT NOT NULL,
    rep_id           TEXT NOT NULL,
    theme_id         TEXT NOT NULL,
    track_version_id TEXT NOT NULL,
    dials            INTEGER NOT NULL,
    connects         INTEGER NOT NULL,
    conversations    INTEGER NOT NULL,
    meetings         INTEGER NOT NULL,
    talk_ms          INTEGER NOT NULL,
    past_limit       INTEGER NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_id, track_version_id)
) STRICT, WITHOUT ROWID;

-- Objections heard and responses used: times, distinct calls, calls that
-- ended in a meeting. kind: 'objection' (item = objection id) or 'response'
-- (item = response id, '' = no response recorded).
CREATE TABLE review_playbook (
    grain         TEXT NOT NULL CHECK (grain IN ('d', 'm')),
    day      TEXT NOT NULL,
    rep_id   TEXT NOT NULL,
    theme_id TEXT NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('objection', 'response')),
    item_id  TEXT NOT NULL,
    times    INTEGER NOT NULL,
    calls    INTEGER NOT NULL,
    meetings INTEGER NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_id, kind, item_id)
) STRICT, WITHOUT ROWID;

-- The calls of each block.
CREATE TABLE review_by_block (
    block_id      TEXT NOT NULL,
    day           TEXT NOT NULL,
    dials         INTEGER NOT NULL,
    connects      INTEGER NOT NULL,
    conversations INTEGER NOT NULL,
    meetings      INTEGER NOT NULL,
    talk_ms       INTEGER NOT NULL,
    past_limit    INTEGER NOT NULL,
    PRIMARY KEY (block_id, day)
) STRICT, WITHOUT ROWID;
CREATE INDEX review_by_block_day ON review_by_block(day);

CREATE TRIGGER calls_review_insert AFTER INSERT ON calls
WHEN NEW.outcome IS NOT NULL BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT substr(NEW.started_at, 1, 10)
    WHERE NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(NEW.started_at, 1, 10));
END;
CREATE TRIGGER calls_review_update
AFTER UPDATE OF rep_id, block_id, theme_id, talk_track_version_id, started_at, duration_ms,
    outcome, asked_for_meeting, local_hour, local_weekday ON calls
WHEN OLD.outcome IS NOT NULL OR NEW.outcome IS NOT NULL BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT substr(OLD.started_at, 1, 10)
    WHERE OLD.outcome IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(OLD.started_at, 1, 10));
    INSERT INTO review_dirty_days (day)
    SELECT substr(NEW.started_at, 1, 10)
    WHERE NEW.outcome IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(NEW.started_at, 1, 10));
END;
CREATE TRIGGER calls_review_delete AFTER DELETE ON calls
WHEN OLD.outcome IS NOT NULL BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT substr(OLD.started_at, 1, 10)
    WHERE NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(OLD.started_at, 1, 10));
END;
CREATE TRIGGER call_objections_review_insert AFTER INSERT ON call_objections BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT DISTINCT substr(c.started_at, 1, 10) FROM calls c
    WHERE c.id = NEW.call_id AND c.outcome IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(c.started_at, 1, 10));
END;
CREATE TRIGGER call_objections_review_update AFTER UPDATE ON call_objections BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT DISTINCT substr(c.started_at, 1, 10) FROM calls c
    WHERE c.id IN (OLD.call_id, NEW.call_id) AND c.outcome IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(c.started_at, 1, 10));
END;
CREATE TRIGGER call_objections_review_delete AFTER DELETE ON call_objections BEGIN
    INSERT INTO review_dirty_days (day)
    SELECT DISTINCT substr(c.started_at, 1, 10) FROM calls c
    WHERE c.id = OLD.call_id AND c.outcome IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM review_dirty_days WHERE day = substr(c.started_at, 1, 10));
END;

-- The call log walks calls newest first and checks filters in the index.
DROP INDEX calls_started;
CREATE INDEX calls_log ON calls(started_at, rep_id, theme_id, outcome, duration_ms);
CREATE INDEX calls_outcome_started ON calls(outcome, started_at);
-- The funnel of an objection's calls: from each call id straight to the columns
-- the funnel counts, without visiting the table (reports::rollup, INDEXED BY).
CREATE INDEX calls_by_id_funnel
    ON calls(id, started_at, rep_id, theme_id, outcome, duration_ms, asked_for_meeting);
-- Objections: from an objection to its calls, and from a call to its objections.
DROP INDEX call_objections_objection;
CREATE INDEX call_objections_objection_call ON call_objections(objection_id, call_id);
CREATE INDEX call_objections_call_objection ON call_objections(call_id, objection_id);
"#;

/// A prospect's numbers are only ever read and written through their
/// prospect: one B-tree keyed by (prospect, position) instead of a rowid
/// table plus an id index plus a (prospect, position) index. An import writes
/// about 1.3 of them per prospect; two B-trees fewer to keep up. Nothing
/// refers to a phone's own id.
const V4_PHONES_BY_PROSPECT: &str = r#"
CREATE TABLE prospect_phones_v4 (
    prospect_id TEXT NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL CHECK (position >= 0),
    kind        TEXT NOT NULL CHECK (kind IN ('direct','mobile','office','corporate','other')),
    e164        TEXT,                -- NULL when the raw text is not a dialable number
    extension   TEXT,
    raw         TEXT NOT NULL,
    bad         INTEGER NOT NULL DEFAULT 0 CHECK (bad IN (0, 1)),
    PRIMARY KEY (prospect_id, position)
) STRICT, WITHOUT ROWID;
INSERT INTO prospect_phones_v4 (prospect_id, position, kind, e164, extension, raw, bad)
    SELECT prospect_id, position, kind, e164, extension, raw, bad FROM prospect_phones;
DROP TABLE prospect_phones;
ALTER TABLE prospect_phones_v4 RENAME TO prospect_phones;
CREATE INDEX prospect_phones_e164 ON prospect_phones(e164) WHERE e164 IS NOT NULL;
"#;

/// Talk time counts from the answer (domain.md section 3). A call row keeps
/// the moment the rep marked "connected" while it runs, and its ring time
/// (start to answer, or the whole call when nobody answered) once it ends;
/// `duration_ms` is then the talk time. Older calls have neither: their
/// length is the whole call, as it was measured.
const V5_RING_AND_TALK: &str = r#"
ALTER TABLE calls ADD COLUMN answered_at TEXT;
ALTER TABLE calls ADD COLUMN ring_ms INTEGER CHECK (ring_ms IS NULL OR ring_ms >= 0);
"#;

/// A plan accounts for what is already won in its period and what the open
/// pipeline should bring (domain.md section 7: "if you're short, prospect").
/// Both are money, 0 for plans saved before.
const V6_PLAN_PIPELINE: &str = r#"
ALTER TABLE plans ADD COLUMN won_to_date REAL NOT NULL DEFAULT 0 CHECK (won_to_date >= 0);
ALTER TABLE plans ADD COLUMN open_pipeline REAL NOT NULL DEFAULT 0 CHECK (open_pipeline >= 0);
"#;

/// A referral heard on a call ("talk to Dana in operations") becomes a
/// prospect linked to that call, with the rep's words.
const V7_REFERRALS: &str = r#"
ALTER TABLE prospects ADD COLUMN referred_by_call TEXT REFERENCES calls(id) ON DELETE SET NULL;
ALTER TABLE prospects ADD COLUMN referral_note TEXT NOT NULL DEFAULT '';
"#;

/// The do-not-call list (domain.md section 4: do-not-call requests are never
/// dialled again), kept per number and per e-mail, apart from the prospect
/// rows: a person imported again under a new CRM id, with the same number or
/// the same e-mail, is still not called (see `suppress.rs`). A number is its
/// E.164 text, with `;ext=` and its extension when it has one (RFC 3966: a
/// switchboard's number with someone's extension is that person's line, not
/// the whole company's); an e-mail is trimmed and lower-cased (ASCII letters, as
/// SQLite's `lower` and NOCASE fold them). The first entry of a value stays:
/// `since` is when it was first put on the list. References are kept when
/// the call, import or prospect they name is gone (SET NULL): the list
/// outlives them.
///
/// Filled here from every prospect already marked do-not-call: all its
/// numbers (bad ones too) and its e-mail, from its do-not-call call when
/// there is one.
const V8_DO_NOT_CALL_LIST: &str = r#"
CREATE TABLE do_not_call (
    kind        TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value       TEXT NOT NULL CHECK (value <> ''),
    since       TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('call', 'import', 'bundle', 'manual', 'migration')),
    call_id     TEXT REFERENCES calls(id) ON DELETE SET NULL,
    import_id   TEXT REFERENCES imports(id) ON DELETE SET NULL,
    prospect_id TEXT REFERENCES prospects(id) ON DELETE SET NULL,
    PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
CREATE INDEX do_not_call_prospect ON do_not_call(prospect_id) WHERE prospect_id IS NOT NULL;
CREATE INDEX do_not_call_call ON do_not_call(call_id) WHERE call_id IS NOT NULL;

WITH marked AS (
    SELECT p.id, p.email, p.last_called_at, p.updated_at,
        (SELECT c.id FROM calls c WHERE c.prospect_id = p.id AND c.outcome = 'do_not_call'
         ORDER BY c.started_at LIMIT 1) AS call_id
    FROM prospects p WHERE p.do_not_call = 1
), entries AS (
    SELECT 'phone' AS kind, ph.e164 || ifnull(';ext=' || nullif(ph.extension, ''), '') AS value, m.*
        FROM marked m
        JOIN prospect_phones ph ON ph.prospect_id = m.id
        WHERE ph.e164 IS NOT NULL AND ph.e164 <> ''
    UNION ALL
    SELECT 'email', lower(trim(m.email)), m.* FROM marked m
        WHERE m.email IS NOT NULL AND trim(m.email) <> ''
)
INSERT OR IGNORE INTO do_not_call (kind, value, since, source, call_id, prospect_id)
SELECT e.kind, e.value,
    coalesce((SELECT c.ended_at FROM calls c WHERE c.id = e.call_id), e.last_called_at, e.updated_at),
    CASE WHEN e.call_id IS NULL THEN 'migration' ELSE 'call' END,
    e.call_id, e.id
FROM entries e
ORDER BY e.kind, e.value,
    coalesce((SELECT c.ended_at FROM calls c WHERE c.id = e.call_id), e.last_called_at, e.updated_at);
"#;

/// The Lists table a page at a time at any depth of a theme of a million
/// prospects (see `lists::page`).
///
/// - The table's order (last name, first name, id) per theme and status: one
///   index that replaces `prospects_theme_status` (its first two columns are
///   that index), so an import keeps as many B-trees as before. A theme's
///   list over every status is the merge of its status ranges.
/// - How many prospects each theme holds per status, with a version that any
///   change of membership or order bumps: the total of a page without
///   counting, and how a page index knows it is stale. Kept by triggers for
///   updates and deletes; rows inserted since (past `counted_to`) are added
///   when a page is next asked for, so an insert (an import's hundred
///   thousand) pays no trigger: one on each inserted row cost an import 30%.
/// - The page index: the key of every 500th prospect of a list (a theme, or a
///   theme and a status), written when a jump needs it and rewritten when the
///   list's version moved; a jump to row n reads from the nearest post.
/// - The search: a trigram index over what the search matches (name, company,
///   title, e-mail, numbers), without content, brought up to date before a
///   search reads it: the prospects past `indexed_to` (new rows) and those
///   marked by the triggers below (a searched field or the row changed, a
///   number changed or was removed, a row deleted). An import's inserts pay
///   nothing for it; the first search after it indexes what came in. Its
///   version tells a remembered search whether it still holds.
const V9_LIST_PAGES: &str = r#"
DROP INDEX prospects_theme_status;
CREATE INDEX prospects_list ON prospects(
    theme_id, status, last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
-- The queue reads callbacks and retries by time, then id: the id in the index.
DROP INDEX prospects_queue_callback;
CREATE INDEX prospects_queue_callback ON prospects(theme_id, callback_at, id) WHERE status = 'callback';
DROP INDEX prospects_queue_retry;
CREATE INDEX prospects_queue_retry ON prospects(theme_id, next_attempt_at, id) WHERE status = 'attempting';

-- Counts of the prospects up to counted_to (by rowid); newer ones are added
-- when a page is next asked for, so that an insert pays no trigger.
CREATE TABLE prospect_list_counts (
    theme_id  TEXT NOT NULL,          -- '' = no theme
    status    TEXT NOT NULL,
    prospects INTEGER NOT NULL CHECK (prospects >= 0),
    version   INTEGER NOT NULL,
    PRIMARY KEY (theme_id, status)
) STRICT, WITHOUT ROWID;
CREATE TABLE prospect_list_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    counted_to INTEGER NOT NULL
) STRICT;
INSERT INTO prospect_list_counts (theme_id, status, prospects, version)
    SELECT ifnull(theme_id, ''), status, count(*), 1 FROM prospects GROUP BY 1, 2;
INSERT INTO prospect_list_state (id, counted_to)
    SELECT 1, ifnull(max(rowid), 0) FROM prospects;

-- A deleted row counted: out of its list; a rowid it frees is counted again
-- as new (SQLite gives the next row the largest rowid plus one).
CREATE TRIGGER prospects_list_delete AFTER DELETE ON prospects
WHEN OLD.rowid <= (SELECT counted_to FROM prospect_list_state) BEGIN
    UPDATE prospect_list_counts SET prospects = prospects - 1, version = version + 1
    WHERE theme_id = ifnull(OLD.theme_id, '') AND status = OLD.status;
    UPDATE prospect_list_state
    SET counted_to = min(counted_to, ifnull((SELECT max(rowid) FROM prospects), 0));
END;
CREATE TRIGGER prospects_list_update
AFTER UPDATE OF theme_id, status, last_name, first_name ON prospects
WHEN (OLD.theme_id IS NOT NEW.theme_id OR OLD.status IS NOT NEW.status
      OR OLD.last_name IS NOT NEW.last_name OR OLD.first_name IS NOT NEW.first_name)
    AND OLD.rowid <= (SELECT counted_to FROM prospect_list_state) BEGIN
    UPDATE prospect_list_counts SET prospects = prospects - 1, version = version + 1
    WHERE theme_id = ifnull(OLD.theme_id, '') AND status = OLD.status;
    INSERT INTO prospect_list_counts (theme_id, status, prospects, version)
    VALUES (ifnull(NEW.theme_id, ''), NEW.status, 1, 1)
    ON CONFLICT (theme_id, status) DO UPDATE SET prospects = prospects + 1, version = version + 1;
END;

-- The page index of a list: status '' is the theme's list over every status.
CREATE TABLE prospect_list_posts (
    theme_id   TEXT NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL,      -- this prospect is row n * step of the list
    last_name  TEXT NOT NULL,
    first_name TEXT NOT NULL,
    id         TEXT NOT NULL,
    PRIMARY KEY (theme_id, status, n)
) STRICT, WITHOUT ROWID;
CREATE TABLE prospect_list_post_state (
    theme_id TEXT NOT NULL,
    status   TEXT NOT NULL,
    version  INTEGER NOT NULL,        -- the list's version when written
    step     INTEGER NOT NULL CHECK (step > 0),
    PRIMARY KEY (theme_id, status)
) STRICT, WITHOUT ROWID;

CREATE VIRTUAL TABLE prospects_search USING fts5(
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'trigram',
    detail = none
);
CREATE TABLE prospects_search_state (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_to INTEGER NOT NULL,      -- every prospect up to this rowid is indexed
    version    INTEGER NOT NULL       -- moved whenever the index takes in a change
) STRICT;
INSERT INTO prospects_search_state (id, indexed_to, version) VALUES (1, 0, 0);
CREATE TABLE prospects_search_dirty (
    prospect_rowid INTEGER PRIMARY KEY
) STRICT;

-- A searched field changed (or the row was written: updated_at), a number
-- changed or was removed, a row deleted: marked, taken in at the next
-- search. A number added to a prospect already indexed is seen through the
-- prospect's row, which every writer updates with it (updated_at).
CREATE TRIGGER prospects_search_update
AFTER UPDATE OF first_name, last_name, title, company, email, updated_at ON prospects
WHEN NEW.rowid <= (SELECT indexed_to FROM prospects_search_state) BEGIN
    INSERT OR IGNORE INTO prospects_search_dirty (prospect_rowid) VALUES (NEW.rowid);
END;
CREATE TRIGGER prospects_search_delete AFTER DELETE ON prospects
WHEN OLD.rowid <= (SELECT indexed_to FROM prospects_search_state) BEGIN
    INSERT OR IGNORE INTO prospects_search_dirty (prospect_rowid) VALUES (OLD.rowid);
END;
CREATE TRIGGER prospect_phones_search_update
AFTER UPDATE OF prospect_id, e164, raw ON prospect_phones BEGIN
    INSERT OR IGNORE INTO prospects_search_dirty (prospect_rowid)
    SELECT p.rowid FROM prospects p
    WHERE p.id IN (OLD.prospect_id, NEW.prospect_id)
      AND p.rowid <= (SELECT indexed_to FROM prospects_search_state);
END;
CREATE TRIGGER prospect_phones_search_delete AFTER DELETE ON prospect_phones BEGIN
    INSERT OR IGNORE INTO prospects_search_dirty (prospect_rowid)
    SELECT p.rowid FROM prospects p
    WHERE p.id = OLD.prospect_id AND p.rowid <= (SELECT indexed_to FROM prospects_search_state);
END;
"#;

const V10_TEAM_OUTBOX: &str = r#"
-- The team store this database syncs with (PostgreSQL): at most one. The
-- password is not here (the keyring, or a file only the user can read).
CREATE TABLE team_link (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    url           TEXT NOT NULL,          -- the connection string without its password
    role          TEXT NOT NULL,          -- the database role this rep connects as
    rep_id        TEXT REFERENCES reps(id),  -- who this copy calls as (none: a manager who does not call)
    manager       INTEGER NOT NULL DEFAULT 0 CHECK (manager IN (0, 1)),
    team_schema   INTEGER NOT NULL,       -- the team schema's version when last seen
    connected_at  TEXT NOT NULL,
    pushed_at     TEXT,                   -- the last push that reached the server
    pulled_at     TEXT,
    pulled_seq    INTEGER NOT NULL DEFAULT 0,  -- the server's sequence read up to
    offline_since TEXT,                   -- the first failure since the last success
    last_error    TEXT
) STRICT;

-- What waits to be pushed, in the order it was committed: written by the
-- triggers below in the very transaction that changed the row, so a crash
-- can lose neither the row nor its place in the queue. A pushed entry is
-- deleted once the server has committed it; pushing it twice duplicates
-- nothing (upserts keyed by the rows' UUIDs).
CREATE TABLE team_outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    kind      TEXT NOT NULL CHECK (kind IN ('call', 'block')),
    row_id    TEXT NOT NULL,
    queued_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- A call is queued when it ends and whenever it changes after (notes, gap
-- notes, an undo that opens it again); its objections and meeting travel
-- with it. Nothing is queued while no team store is linked.
CREATE TRIGGER team_outbox_call_insert AFTER INSERT ON calls
WHEN NEW.outcome IS NOT NULL AND EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', NEW.id);
END;
CREATE TRIGGER team_outbox_call_update AFTER UPDATE ON calls
WHEN (NEW.outcome IS NOT NULL OR OLD.outcome IS NOT NULL) AND EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', NEW.id);
END;
CREATE TRIGGER team_outbox_call_objection AFTER INSERT ON call_objections
WHEN EXISTS (SELECT 1 FROM team_link)
 AND (SELECT outcome FROM calls WHERE id = NEW.call_id) IS NOT NULL BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', NEW.call_id);
END;
CREATE TRIGGER team_outbox_meeting_insert AFTER INSERT ON meetings
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', NEW.call_id);
END;
CREATE TRIGGER team_outbox_meeting_update AFTER UPDATE ON meetings
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', NEW.call_id);
END;
CREATE TRIGGER team_outbox_meeting_delete AFTER DELETE ON meetings
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('call', OLD.call_id);
END;
CREATE TRIGGER team_outbox_block_insert AFTER INSERT ON blocks
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('block', NEW.id);
END;
CREATE TRIGGER team_outbox_block_update AFTER UPDATE ON blocks
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('block', NEW.id);
END;
CREATE TRIGGER team_outbox_pause_insert AFTER INSERT ON block_pauses
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('block', NEW.block_id);
END;
CREATE TRIGGER team_outbox_pause_update AFTER UPDATE ON block_pauses
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_outbox (kind, row_id) VALUES ('block', NEW.block_id);
END;
"#;

const V11_TEAM_LISTS: &str = r#"
-- The do-not-call list learns where an entry came from when another rep of
-- the team put it there ('team').
CREATE TABLE do_not_call_v11 (
    kind        TEXT NOT NULL CHECK (kind IN ('phone', 'email')),
    value       TEXT NOT NULL CHECK (value <> ''),
    since       TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('call', 'import', 'bundle', 'manual', 'migration', 'team')),
    call_id     TEXT REFERENCES calls(id) ON DELETE SET NULL,
    import_id   TEXT REFERENCES imports(id) ON DELETE SET NULL,
    prospect_id TEXT REFERENCES prospects(id) ON DELETE SET NULL,
    PRIMARY KEY (kind, value)
) STRICT, WITHOUT ROWID;
INSERT INTO do_not_call_v11 (kind, value, since, source, call_id, import_id, prospect_id)
    SELECT kind, value, since, source, call_id, import_id, prospect_id FROM do_not_call;
DROP TABLE do_not_call;
ALTER TABLE do_not_call_v11 RENAME TO do_not_call;
CREATE INDEX do_not_call_prospect ON do_not_call(prospect_id) WHERE prospect_id IS NOT NULL;
CREATE INDEX do_not_call_call ON do_not_call(call_id) WHERE call_id IS NOT NULL;

-- Prospects a manager published to the team: one rep calls each at a time,
-- under a lease (team_leases).
CREATE TABLE team_shared (
    prospect_id  TEXT PRIMARY KEY NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    published_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Who holds a shared prospect, as the store last said: this rep (mine = 1),
-- or another (their name), until `expires_at` (this machine's clock: the
-- store's time left, counted from when it answered).
CREATE TABLE team_leases (
    prospect_id TEXT PRIMARY KEY NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    mine        INTEGER NOT NULL CHECK (mine IN (0, 1)),
    holder      TEXT,
    expires_at  TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- The newest team version of the playbook heard of (a manager's publish),
-- and the one this copy last took in, with the words it had right after
-- (to tell whether the rep changed their playbook since).
CREATE TABLE team_playbook (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    version       INTEGER NOT NULL CHECK (version > 0),
    document      TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    taken_version INTEGER,
    taken_words   TEXT
) STRICT;

-- Do-not-call entries to push to the team's list, in order; filled in the
-- transaction that listed them while a team store is linked.
CREATE TABLE team_dnc_outbox (
    seq   INTEGER PRIMARY KEY AUTOINCREMENT,
    kind  TEXT NOT NULL,
    value TEXT NOT NULL,
    since TEXT NOT NULL
) STRICT;
CREATE TRIGGER team_dnc_outbox_insert AFTER INSERT ON do_not_call
WHEN NEW.source <> 'team' AND EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_dnc_outbox (kind, value, since) VALUES (NEW.kind, NEW.value, NEW.since);
END;
"#;

const V14_TEAM_DNC_TAKEN_BACK: &str = r#"
-- An entry waiting for the team's list may be a listing taken back: an
-- undo of the call that listed it deletes the entry here, and the store
-- takes this copy's listing of it back (the value leaves the team's list
-- once no copy lists it).
ALTER TABLE team_dnc_outbox ADD COLUMN removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1));
CREATE TRIGGER team_dnc_outbox_delete AFTER DELETE ON do_not_call
WHEN OLD.source = 'call' AND EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_dnc_outbox (kind, value, since, removed)
    VALUES (OLD.kind, OLD.value, OLD.since, 1);
END;
-- A linked copy sends its listings again: the store, which from now on
-- knows every copy that lists a value, knew only the first before.
INSERT INTO team_dnc_outbox (kind, value, since)
SELECT kind, value, since FROM do_not_call
 WHERE source <> 'team' AND EXISTS (SELECT 1 FROM team_link) ORDER BY since;

-- The prospects here a value on the team's list marked do-not-call, as
-- they were before: brought back when the team takes the value off its
-- list and nothing else here keeps them do-not-call.
CREATE TABLE team_dnc_marks (
    kind            TEXT NOT NULL,
    value           TEXT NOT NULL,
    prospect_id     TEXT NOT NULL REFERENCES prospects(id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    next_attempt_at TEXT,
    callback_at     TEXT,
    PRIMARY KEY (kind, value, prospect_id)
) STRICT;
CREATE INDEX team_dnc_marks_prospect ON team_dnc_marks(prospect_id);
"#;

const V13_TEAM_WITHDRAWN: &str = r#"
-- When a manager took a shared prospect off the team's lists (none: it is
-- on them). A withdrawn prospect is leased to nobody, so no block draws it;
-- it stays here with its calls, and is shared again when published again.
ALTER TABLE team_shared ADD COLUMN withdrawn_at TEXT;
CREATE INDEX team_shared_withdrawn ON team_shared(prospect_id) WHERE withdrawn_at IS NOT NULL;
"#;

const V12_COACHING: &str = r#"
-- What a manager (or anyone with the file) said about a call. Comments are
-- never edited: a removal keeps the row with `deleted_at`, so that it
-- travels (bundles, the team store) like the comment did. `call_id` is not
-- a foreign key: a team pull replaces a call whole (deleted, then imported
-- again), and its comments must outlive that.
CREATE TABLE call_comments (
    id         TEXT PRIMARY KEY NOT NULL,
    call_id    TEXT NOT NULL,
    author     TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 80),
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 2000),
    created_at TEXT NOT NULL,
    deleted_at TEXT
) STRICT;
CREATE INDEX call_comments_call ON call_comments(call_id, created_at);

-- A call flagged for coaching, or no longer (the later change wins
-- wherever the two meet).
CREATE TABLE call_flags (
    call_id    TEXT PRIMARY KEY NOT NULL,
    flagged    INTEGER NOT NULL CHECK (flagged IN (0, 1)),
    author     TEXT NOT NULL CHECK (length(author) BETWEEN 1 AND 80),
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX call_flags_on ON call_flags(call_id) WHERE flagged = 1;

-- Comments and flags to push to the team store, in order, while one is
-- linked; filled in the transaction that wrote them.
CREATE TABLE team_coaching_outbox (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL CHECK (kind IN ('comment', 'flag')),
    row_id TEXT NOT NULL
) STRICT;
CREATE TRIGGER team_coaching_comment_insert AFTER INSERT ON call_comments
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_coaching_outbox (kind, row_id) VALUES ('comment', NEW.id);
END;
CREATE TRIGGER team_coaching_comment_update AFTER UPDATE ON call_comments
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_coaching_outbox (kind, row_id) VALUES ('comment', NEW.id);
END;
CREATE TRIGGER team_coaching_flag_insert AFTER INSERT ON call_flags
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_coaching_outbox (kind, row_id) VALUES ('flag', NEW.call_id);
END;
CREATE TRIGGER team_coaching_flag_update AFTER UPDATE ON call_flags
WHEN EXISTS (SELECT 1 FROM team_link) BEGIN
    INSERT INTO team_coaching_outbox (kind, row_id) VALUES ('flag', NEW.call_id);
END;
"#;
