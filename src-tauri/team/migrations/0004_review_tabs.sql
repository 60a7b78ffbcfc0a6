-- Callblock's team store, version 4: Review's Call length, Blocks and
-- Playbook tabs counted in the store. More rollups kept by the push's
-- triggers, in the same transaction as the calls, for each pair of
-- thresholds:
--
-- * `calls_by_length`: calls per UTC day (and month), rep, theme, outcome
--   and length bin (15 s; the last bin, 24, is 6:00 and longer), as the
--   core's `review_by_length` counts them;
-- * `calls_by_block`: the dials, connects, conversations, meetings and talk
--   time of each block's calls, as the core's `review_by_block` does;
-- * `calls_by_track`: the funnel per UTC day (and month), rep, theme and
--   talk-track version, as the core's `review_by_track`.
--
-- A call's block and talk-track version are typed columns of `calls` now;
-- the blocks, their pauses and the objections raised on calls are typed
-- tables (`blocks`, `block_pauses`, `call_objections`), kept from their
-- rows like `calls`. An objection raised keeps its call's start, theme and
-- outcome, kept in step with the call by both tables' triggers.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

ALTER TABLE callblock.calls ADD COLUMN block_id text, ADD COLUMN talk_track_version_id text,
    -- How many objections were raised on the call (its rep's rows).
    ADD COLUMN objections_heard integer NOT NULL DEFAULT 0;

CREATE TABLE callblock.calls_by_length (
    conv_ms     bigint NOT NULL,
    limit_ms    bigint NOT NULL,
    grain       "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day         date NOT NULL,
    rep_id      text NOT NULL,
    theme_name  text NOT NULL,
    outcome     text NOT NULL,
    bin         integer NOT NULL,
    calls       bigint NOT NULL,
    talk_ms     bigint NOT NULL,
    past_limit  bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, grain, day, rep_id, theme_name, outcome, bin)
);

CREATE TABLE callblock.calls_by_block (
    conv_ms       bigint NOT NULL,
    limit_ms      bigint NOT NULL,
    block_id      text NOT NULL,
    rep_id        text NOT NULL,
    dials         bigint NOT NULL,
    connects      bigint NOT NULL,
    conversations bigint NOT NULL,
    meetings      bigint NOT NULL,
    talk_ms       bigint NOT NULL,
    past_limit    bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, block_id, rep_id)
);

CREATE TABLE callblock.calls_by_track (
    conv_ms          bigint NOT NULL,
    limit_ms         bigint NOT NULL,
    grain            "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day              date NOT NULL,
    rep_id           text NOT NULL,
    theme_name       text NOT NULL,
    track_version_id text NOT NULL,          -- '' for none recorded
    dials            bigint NOT NULL,
    connects         bigint NOT NULL,
    conversations    bigint NOT NULL,
    meetings         bigint NOT NULL,
    talk_ms          bigint NOT NULL,
    past_limit       bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, grain, day, rep_id, theme_name, track_version_id)
);

-- The conversations per UTC day (and month), rep, theme, talk-track
-- version and objections heard (0 to 3, and 4 for 4 or more), and those
-- that booked a meeting, as the core's `by_objections` counts them.
CREATE TABLE callblock.calls_by_heard (
    conv_ms          bigint NOT NULL,
    limit_ms         bigint NOT NULL,
    grain            "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day              date NOT NULL,
    rep_id           text NOT NULL,
    theme_name       text NOT NULL,
    track_version_id text NOT NULL,
    heard            integer NOT NULL,
    conversations    bigint NOT NULL,
    meetings         bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, grain, day, rep_id, theme_name, track_version_id, heard)
);

CREATE TABLE callblock.call_objections (
    id           text PRIMARY KEY,
    call_id      text NOT NULL,
    rep_id       text NOT NULL,
    objection_id text NOT NULL,
    response_id  text,
    -- The call's (none while the call is not in the store).
    started_at   timestamptz,
    theme_name   text,
    outcome      text
);
CREATE INDEX call_objections_call ON callblock.call_objections (call_id);
CREATE INDEX call_objections_started ON callblock.call_objections (started_at);
CREATE INDEX call_objections_rep_started ON callblock.call_objections (rep_id, started_at);

-- A call's row as `calls` keeps it, its block now included.
CREATE OR REPLACE FUNCTION callblock.calls_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM callblock.calls c USING old_rows o
         WHERE o.kind = 'call' AND c.id = o.id;
        UPDATE callblock.call_objections co
           SET started_at = NULL, theme_name = NULL, outcome = NULL
          FROM old_rows o
         WHERE o.kind = 'call' AND co.call_id = o.id AND co.rep_id = o.rep_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO callblock.calls (id, rep_id, theme_id, theme_name, started_at, duration_ms,
                                     outcome, asked_for_meeting, local_hour, local_weekday,
                                     block_id, talk_track_version_id, objections_heard)
        SELECT n.id, n.rep_id, n.body ->> 'theme_id',
               (SELECT t.body ->> 'name' FROM callblock.rows t
                 WHERE t.kind = 'theme' AND t.id = n.body ->> 'theme_id'),
               (n.body ->> 'started_at')::timestamptz, (n.body ->> 'duration_ms')::bigint,
               n.body ->> 'outcome', (n.body ->> 'asked_for_meeting')::boolean,
               (n.body ->> 'local_hour')::integer, (n.body ->> 'local_weekday')::integer,
               n.body ->> 'block_id', n.body ->> 'talk_track_version_id',
               (SELECT count(*) FROM callblock.call_objections co
                 WHERE co.call_id = n.id AND co.rep_id = n.rep_id)
          FROM new_rows n
         WHERE n.kind = 'call'
        ON CONFLICT (id) DO UPDATE
           SET rep_id = EXCLUDED.rep_id, theme_id = EXCLUDED.theme_id,
               theme_name = EXCLUDED.theme_name, started_at = EXCLUDED.started_at,
               duration_ms = EXCLUDED.duration_ms, outcome = EXCLUDED.outcome,
               asked_for_meeting = EXCLUDED.asked_for_meeting,
               local_hour = EXCLUDED.local_hour, local_weekday = EXCLUDED.local_weekday,
               block_id = EXCLUDED.block_id,
               talk_track_version_id = EXCLUDED.talk_track_version_id,
               objections_heard = EXCLUDED.objections_heard;
        UPDATE callblock.call_objections co
           SET started_at = c.started_at, theme_name = c.theme_name, outcome = c.outcome
          FROM new_rows n JOIN callblock.calls c ON c.id = n.id
         WHERE n.kind = 'call' AND co.call_id = n.id AND co.rep_id = c.rep_id;
    END IF;
    RETURN NULL;
END
$$;

-- The calls already in the store get their block. The rollups do not move
-- (no measure depends on the block), so their trigger is off meanwhile.
ALTER TABLE callblock.calls DISABLE TRIGGER calls_rollups_update;
UPDATE callblock.calls c
   SET block_id = r.body ->> 'block_id', talk_track_version_id = r.body ->> 'talk_track_version_id'
  FROM callblock.rows r
 WHERE r.kind = 'call' AND r.id = c.id
   AND (r.body ->> 'block_id' IS NOT NULL OR r.body ->> 'talk_track_version_id' IS NOT NULL);
ALTER TABLE callblock.calls ENABLE TRIGGER calls_rollups_update;

-- The statements that add `sign` times the calls of `source` to the
-- rollups of `thresholds`: those of version 2 (by outcome, by hour), and by
-- length and by block.
CREATE OR REPLACE FUNCTION callblock.rollup_statements(source text, sign integer, thresholds text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    connect text := '(''not_interested'', ''callback'', ''meeting'', ''do_not_call'')';
    funnel text := format(
        '%1$s * count(*), %1$s * count(*) FILTER (WHERE n.outcome IN %2$s),
         %1$s * count(*) FILTER (WHERE n.outcome IN %2$s
             AND (n.duration_ms >= t.conv_ms OR n.asked_for_meeting OR n.outcome = ''meeting'')),
         %1$s * count(*) FILTER (WHERE n.outcome = ''meeting''),
         %1$s * coalesce(sum(n.duration_ms), 0)::bigint,
         %1$s * count(*) FILTER (WHERE n.duration_ms > t.limit_ms)', sign, connect);
    length text := format(
        '%1$s * count(*), %1$s * coalesce(sum(n.duration_ms), 0)::bigint,
         %1$s * count(*) FILTER (WHERE n.duration_ms > t.limit_ms)', sign);
    adds text := 'dials = r.dials + EXCLUDED.dials, connects = r.connects + EXCLUDED.connects,
         conversations = r.conversations + EXCLUDED.conversations,
         meetings = r.meetings + EXCLUDED.meetings, talk_ms = r.talk_ms + EXCLUDED.talk_ms,
         past_limit = r.past_limit + EXCLUDED.past_limit';
    out text[] := ARRAY[]::text[];
    grain text;
    day text;
BEGIN
    FOREACH grain IN ARRAY ARRAY['d', 'm'] LOOP
        day := CASE grain WHEN 'd' THEN '(n.started_at AT TIME ZONE ''UTC'')::date'
               ELSE 'date_trunc(''month'', n.started_at AT TIME ZONE ''UTC'')::date' END;
        out := out || format(
            'INSERT INTO callblock.calls_by_outcome AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    n.outcome, %s
               FROM %s n CROSS JOIN %s t
              GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, outcome)
             DO UPDATE SET %s',
            grain, day, funnel, source, thresholds, adds);
        out := out || format(
            'INSERT INTO callblock.calls_by_hour AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    coalesce(n.local_hour, -1), coalesce(n.local_weekday, -1), %s
               FROM %s n CROSS JOIN %s t
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, local_hour, local_weekday)
             DO UPDATE SET %s',
            grain, day, funnel, source, thresholds, adds);
        out := out || format(
            'INSERT INTO callblock.calls_by_length AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    n.outcome, least(n.duration_ms / 15000, 24)::integer, %s
               FROM %s n CROSS JOIN %s t
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, outcome, bin)
             DO UPDATE SET calls = r.calls + EXCLUDED.calls, talk_ms = r.talk_ms + EXCLUDED.talk_ms,
                           past_limit = r.past_limit + EXCLUDED.past_limit',
            grain, day, length, source, thresholds);
        out := out || format(
            'INSERT INTO callblock.calls_by_track AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    coalesce(n.talk_track_version_id, ''''), %s
               FROM %s n CROSS JOIN %s t
              GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, track_version_id)
             DO UPDATE SET %s',
            grain, day, funnel, source, thresholds, adds);
    END LOOP;
    FOREACH grain IN ARRAY ARRAY['d', 'm'] LOOP
        day := CASE grain WHEN 'd' THEN '(n.started_at AT TIME ZONE ''UTC'')::date'
               ELSE 'date_trunc(''month'', n.started_at AT TIME ZONE ''UTC'')::date' END;
        out := out || format(
            'INSERT INTO callblock.calls_by_heard AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    coalesce(n.talk_track_version_id, ''''), least(n.objections_heard, 4),
                    %3$s * count(*), %3$s * count(*) FILTER (WHERE n.outcome = ''meeting'')
               FROM %4$s n CROSS JOIN %5$s t
              WHERE n.outcome IN %6$s
                AND (n.duration_ms >= t.conv_ms OR n.asked_for_meeting OR n.outcome = ''meeting'')
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, track_version_id, heard)
             DO UPDATE SET conversations = r.conversations + EXCLUDED.conversations,
                           meetings = r.meetings + EXCLUDED.meetings',
            grain, day, sign, source, thresholds, connect);
    END LOOP;
    out := out || format(
        'INSERT INTO callblock.calls_by_block AS r
         SELECT t.conv_ms, t.limit_ms, n.block_id, n.rep_id, %s
           FROM %s n CROSS JOIN %s t
          WHERE n.block_id IS NOT NULL
          GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
         ON CONFLICT (conv_ms, limit_ms, block_id, rep_id) DO UPDATE SET %s',
        funnel, source, thresholds, adds);
    RETURN out;
END
$$;
REVOKE ALL ON FUNCTION callblock.rollup_statements(text, integer, text) FROM PUBLIC;

-- The new rollups for the thresholds the store already keeps.
DO $$
DECLARE
    q text;
BEGIN
    FOREACH q IN ARRAY callblock.rollup_statements('callblock.calls', 1, 'callblock.rollup_thresholds') LOOP
        IF q LIKE '%calls_by_length%' OR q LIKE '%calls_by_block%' OR q LIKE '%calls_by_track%' THEN
            EXECUTE q;
        END IF;
    END LOOP;
END
$$;

-- Every block and pause as the Blocks tab reads them, kept from their
-- rows in `rows` by the statement triggers below, in the push's
-- transaction. The instants are kept as written (`time::to_db`), and
-- compared as text, as a copy compares them.
CREATE TABLE callblock.blocks (
    id              text PRIMARY KEY,
    rep_id          text NOT NULL,
    started_at      text NOT NULL,
    ended_at        text,
    end_reason      text,
    planned_seconds bigint NOT NULL,
    theme_ids       text[] NOT NULL,
    -- Start to end less its pauses, in whole seconds, as a copy's SQLite
    -- counts it (`block_active_seconds`); none while it runs.
    active_seconds  bigint,
    -- The Monday (UTC) of the day it started, as a copy's SQL says it.
    week            text NOT NULL DEFAULT ''
);
CREATE INDEX blocks_started ON callblock.blocks (started_at);
CREATE INDEX blocks_rep_started ON callblock.blocks (rep_id, started_at);
CREATE TABLE callblock.block_pauses (
    id         text PRIMARY KEY,
    block_id   text NOT NULL,
    rep_id     text NOT NULL,
    paused_at  text NOT NULL,
    resumed_at text
);
CREATE INDEX block_pauses_block ON callblock.block_pauses (block_id);

-- SQLite's julianday() of an instant as written (`time::to_db`): whole
-- milliseconds from the Julian epoch, divided as a double.
CREATE FUNCTION callblock.julian(t text) RETURNS float8
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT ((extract(epoch FROM t::timestamptz) * 1000)::bigint + 210866760000000)::float8
           / 86400000::float8
$$;

-- SQLite's round() of a double: half away from zero.
CREATE FUNCTION callblock.round_away(x float8) RETURNS bigint
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT (CASE WHEN x >= 0 THEN floor(x + 0.5::float8) ELSE -floor(-x + 0.5::float8) END)::bigint
$$;

-- A block's active time as a copy's SQL counts it (`ACTIVE_SECONDS_SQL`)
-- and the core's `blocks::active_seconds` in Rust: the same doubles, the
-- pauses summed as SQLite's sum() adds them (Kahan-Babuska-Neumaier), in
-- the order of their ids. None while it runs, or for an instant that
-- cannot be read.
CREATE FUNCTION callblock.block_active_seconds(b_id text, b_rep text, started text, ended text)
RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $$
DECLARE
    s float8 := 0;
    e float8 := 0;
    t float8;
    v float8;
    seen boolean := false;
    whole bigint;
    paused bigint := 0;
    p record;
BEGIN
    IF ended IS NULL THEN
        RETURN NULL;
    END IF;
    whole := callblock.round_away((callblock.julian(ended) - callblock.julian(started)) * 86400::float8);
    FOR p IN SELECT bp.paused_at, bp.resumed_at FROM callblock.block_pauses bp
              WHERE bp.block_id = b_id AND bp.rep_id = b_rep ORDER BY bp.id COLLATE "C" LOOP
        v := callblock.julian(CASE WHEN p.resumed_at IS NOT NULL AND p.resumed_at < ended COLLATE "C"
                                   THEN p.resumed_at ELSE ended END)
             - callblock.julian(p.paused_at);
        t := s + v;
        IF abs(s) > abs(v) THEN
            e := e + ((s - t) + v);
        ELSE
            e := e + ((v - t) + s);
        END IF;
        s := t;
        seen := true;
    END LOOP;
    IF seen THEN
        paused := callblock.round_away((s + e) * 86400::float8);
    END IF;
    RETURN greatest(0, whole - paused);
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

-- The Monday of the UTC day an instant (as written) falls on; '' when it
-- cannot be read.
CREATE FUNCTION callblock.week_of(t text) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    d date;
BEGIN
    d := substr(t, 1, 10)::date;
    RETURN to_char(d - (extract(isodow FROM d)::integer - 1), 'YYYY-MM-DD');
EXCEPTION WHEN others THEN
    RETURN '';
END
$$;

CREATE FUNCTION callblock.blocks_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    -- Most statements write calls only: nothing to do, found at once.
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind IN ('block', 'pause')) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_rows WHERE kind IN ('block', 'pause')) THEN
        -- (Apart: a trigger on INSERT has no old_rows to read.)
        IF TG_OP = 'INSERT' THEN
            RETURN NULL;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind IN ('block', 'pause')) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM callblock.blocks b USING old_rows o
         WHERE o.kind = 'block' AND b.id = o.id;
        DELETE FROM callblock.block_pauses p USING old_rows o
         WHERE o.kind = 'pause' AND p.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO callblock.blocks (id, rep_id, started_at, ended_at, end_reason,
                                      planned_seconds, theme_ids)
        SELECT n.id, n.rep_id, coalesce(n.body ->> 'started_at', ''), n.body ->> 'ended_at',
               n.body ->> 'end_reason', coalesce((n.body ->> 'planned_seconds')::bigint, 0),
               CASE jsonb_typeof(n.body -> 'theme_ids')
                   WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(n.body -> 'theme_ids'))
                   ELSE ARRAY[]::text[] END
          FROM new_rows n
         WHERE n.kind = 'block'
        ON CONFLICT (id) DO UPDATE
           SET rep_id = EXCLUDED.rep_id, started_at = EXCLUDED.started_at,
               ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason,
               planned_seconds = EXCLUDED.planned_seconds, theme_ids = EXCLUDED.theme_ids;
        INSERT INTO callblock.block_pauses (id, block_id, rep_id, paused_at, resumed_at)
        SELECT n.id, coalesce(n.body ->> 'block_id', ''), n.rep_id,
               coalesce(n.body ->> 'paused_at', ''), n.body ->> 'resumed_at'
          FROM new_rows n
         WHERE n.kind = 'pause'
        ON CONFLICT (id) DO UPDATE
           SET block_id = EXCLUDED.block_id, rep_id = EXCLUDED.rep_id,
               paused_at = EXCLUDED.paused_at, resumed_at = EXCLUDED.resumed_at;
    END IF;
    -- The blocks these rows are or pause: their active time and week again.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE callblock.blocks b
           SET active_seconds = callblock.block_active_seconds(b.id, b.rep_id, b.started_at, b.ended_at),
               week = callblock.week_of(b.started_at)
          FROM (SELECT DISTINCT CASE o.kind WHEN 'block' THEN o.id ELSE o.body ->> 'block_id' END AS id,
                       o.rep_id
                  FROM old_rows o WHERE o.kind IN ('block', 'pause')) t
         WHERE b.id = t.id AND b.rep_id = t.rep_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE callblock.blocks b
           SET active_seconds = callblock.block_active_seconds(b.id, b.rep_id, b.started_at, b.ended_at),
               week = callblock.week_of(b.started_at)
          FROM (SELECT DISTINCT CASE n.kind WHEN 'block' THEN n.id ELSE n.body ->> 'block_id' END AS id,
                       n.rep_id
                  FROM new_rows n WHERE n.kind IN ('block', 'pause')) t
         WHERE b.id = t.id AND b.rep_id = t.rep_id;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER rows_blocks_insert AFTER INSERT ON callblock.rows
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.blocks_from_rows();
CREATE TRIGGER rows_blocks_update AFTER UPDATE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.blocks_from_rows();
CREATE TRIGGER rows_blocks_delete AFTER DELETE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.blocks_from_rows();

-- The blocks and pauses already in the store.
INSERT INTO callblock.blocks (id, rep_id, started_at, ended_at, end_reason, planned_seconds, theme_ids)
SELECT n.id, n.rep_id, coalesce(n.body ->> 'started_at', ''), n.body ->> 'ended_at',
       n.body ->> 'end_reason', coalesce((n.body ->> 'planned_seconds')::bigint, 0),
       CASE jsonb_typeof(n.body -> 'theme_ids')
           WHEN 'array' THEN ARRAY(SELECT jsonb_array_elements_text(n.body -> 'theme_ids'))
           ELSE ARRAY[]::text[] END
  FROM callblock.rows n
 WHERE n.kind = 'block';
INSERT INTO callblock.block_pauses (id, block_id, rep_id, paused_at, resumed_at)
SELECT n.id, coalesce(n.body ->> 'block_id', ''), n.rep_id,
       coalesce(n.body ->> 'paused_at', ''), n.body ->> 'resumed_at'
  FROM callblock.rows n
 WHERE n.kind = 'pause';
UPDATE callblock.blocks b
   SET active_seconds = callblock.block_active_seconds(b.id, b.rep_id, b.started_at, b.ended_at),
       week = callblock.week_of(b.started_at);
REVOKE ALL ON FUNCTION callblock.blocks_from_rows() FROM PUBLIC;

-- The objections raised on calls, with their call's start, theme and
-- outcome (the call's trigger keeps these in step when the call changes).
CREATE FUNCTION callblock.call_objections_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind = 'call_objection') THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_rows WHERE kind = 'call_objection') THEN
        -- (Apart: a trigger on INSERT has no old_rows to read.)
        IF TG_OP = 'INSERT' THEN
            RETURN NULL;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind = 'call_objection') THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM callblock.call_objections co USING old_rows o
         WHERE o.kind = 'call_objection' AND co.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO callblock.call_objections (id, call_id, rep_id, objection_id, response_id,
                                               started_at, theme_name, outcome)
        SELECT n.id, coalesce(n.body ->> 'call_id', ''), n.rep_id,
               coalesce(n.body ->> 'objection_id', ''), n.body ->> 'response_id',
               c.started_at, c.theme_name, c.outcome
          FROM new_rows n
          -- Only the rep's own call: a row naming another rep's call learns nothing of it.
          LEFT JOIN callblock.calls c ON c.id = n.body ->> 'call_id' AND c.rep_id = n.rep_id
         WHERE n.kind = 'call_objection'
        ON CONFLICT (id) DO UPDATE
           SET call_id = EXCLUDED.call_id, rep_id = EXCLUDED.rep_id,
               objection_id = EXCLUDED.objection_id, response_id = EXCLUDED.response_id,
               started_at = EXCLUDED.started_at, theme_name = EXCLUDED.theme_name,
               outcome = EXCLUDED.outcome;
    END IF;
    -- The calls' counts of objections heard (their rollup follows).
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE callblock.calls c
           SET objections_heard = (SELECT count(*) FROM callblock.call_objections co
                                    WHERE co.call_id = c.id AND co.rep_id = c.rep_id)
          FROM (SELECT DISTINCT o.body ->> 'call_id' AS id, o.rep_id FROM old_rows o
                 WHERE o.kind = 'call_objection') t
         WHERE c.id = t.id AND c.rep_id = t.rep_id
           AND c.objections_heard <> (SELECT count(*) FROM callblock.call_objections co
                                       WHERE co.call_id = c.id AND co.rep_id = c.rep_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE callblock.calls c
           SET objections_heard = (SELECT count(*) FROM callblock.call_objections co
                                    WHERE co.call_id = c.id AND co.rep_id = c.rep_id)
          FROM (SELECT DISTINCT n.body ->> 'call_id' AS id, n.rep_id FROM new_rows n
                 WHERE n.kind = 'call_objection') t
         WHERE c.id = t.id AND c.rep_id = t.rep_id
           AND c.objections_heard <> (SELECT count(*) FROM callblock.call_objections co
                                       WHERE co.call_id = c.id AND co.rep_id = c.rep_id);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER rows_call_objections_insert AFTER INSERT ON callblock.rows
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_from_rows();
CREATE TRIGGER rows_call_objections_update AFTER UPDATE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_from_rows();
CREATE TRIGGER rows_call_objections_delete AFTER DELETE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_from_rows();
REVOKE ALL ON FUNCTION callblock.call_objections_from_rows() FROM PUBLIC;

-- The playbook's rollup: per UTC day (and month), rep, theme and
-- objection (kind 'objection') or response used (kind 'response', '' for
-- none recorded), the times raised, the calls it was raised on and those
-- of them that booked a meeting, as the core's `review_playbook` counts
-- them. A call counts once per objection however often it came up, so the
-- groups a statement touches are counted again from `call_objections`
-- (a few rows each), not added to.
CREATE TABLE callblock.objections_by_day (
    grain      "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day        date NOT NULL,
    rep_id     text NOT NULL,
    theme_name text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('objection', 'response')),
    item_id    text NOT NULL,
    times      bigint NOT NULL,
    calls      bigint NOT NULL,
    meetings   bigint NOT NULL,
    PRIMARY KEY (grain, day, rep_id, theme_name, kind, item_id)
);

-- Count again the groups of the rows in `touched` (a transition table of
-- `call_objections`, or the table itself): its statements, run by the
-- caller.
CREATE FUNCTION callblock.objection_rollup_statements(touched text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    out text[] := ARRAY[]::text[];
    grain text;
    day text;
    span text;
    kind text;
    item text;
BEGIN
    FOREACH grain IN ARRAY ARRAY['d', 'm'] LOOP
        day := CASE grain WHEN 'd' THEN '(%1$s.started_at AT TIME ZONE ''UTC'')::date'
               ELSE 'date_trunc(''month'', %1$s.started_at AT TIME ZONE ''UTC'')::date' END;
        span := CASE grain WHEN 'd' THEN 'interval ''1 day''' ELSE 'interval ''1 month''' END;
        FOREACH kind IN ARRAY ARRAY['objection', 'response'] LOOP
            item := CASE kind WHEN 'objection' THEN '%1$s.objection_id'
                    ELSE 'coalesce(%1$s.response_id, '''')' END;
            out := out || format(
                'WITH g AS (SELECT DISTINCT %2$s AS day, t.rep_id, coalesce(t.theme_name, '''') AS theme,
                                   %3$s AS item
                              FROM %1$s t WHERE t.started_at IS NOT NULL)
                 DELETE FROM callblock.objections_by_day r USING g
                  WHERE r.grain = %4$L AND r.kind = %5$L AND r.day = g.day AND r.rep_id = g.rep_id
                    AND r.theme_name = g.theme AND r.item_id = g.item',
                touched, format(day, 't'), format(item, 't'), grain, kind);
            -- Each group's rows are found by rep and time (the index
            -- call_objections_rep_started), then by theme and item.
            out := out || format(
                'WITH g AS (SELECT DISTINCT %2$s AS day, t.rep_id, coalesce(t.theme_name, '''') AS theme,
                                   %3$s AS item
                              FROM %1$s t WHERE t.started_at IS NOT NULL)
                 INSERT INTO callblock.objections_by_day
                 SELECT %4$L, %6$s, co.rep_id, coalesce(co.theme_name, ''''), %5$L, %7$s,
                        count(*), count(DISTINCT co.call_id),
                        count(DISTINCT co.call_id) FILTER (WHERE co.outcome = ''meeting'')
                   FROM g JOIN callblock.call_objections co
                     ON co.rep_id = g.rep_id
                    AND co.started_at >= g.day::timestamp AT TIME ZONE ''UTC''
                    AND co.started_at < (g.day + %8$s)::timestamp AT TIME ZONE ''UTC''
                    AND coalesce(co.theme_name, '''') = g.theme AND %7$s = g.item
                  WHERE co.outcome IS NOT NULL
                  GROUP BY 1, 2, 3, 4, 5, 6
                 ON CONFLICT (grain, day, rep_id, theme_name, kind, item_id) DO UPDATE
                    SET times = EXCLUDED.times, calls = EXCLUDED.calls,
                        meetings = EXCLUDED.meetings',
                touched, format(day, 't'), format(item, 't'), grain, kind,
                format(day, 'co'), format(item, 'co'), span);
        END LOOP;
    END LOOP;
    RETURN out;
END
$$;
REVOKE ALL ON FUNCTION callblock.objection_rollup_statements(text) FROM PUBLIC;

CREATE FUNCTION callblock.call_objections_to_rollup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $$
DECLARE
    q text;
BEGIN
    -- A call's update that touched none of its objections: nothing to do.
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_co) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_co) THEN
        RETURN NULL;
    END IF;
    -- One count of a rep's groups at a time (a rep's push and a manager's
    -- push of that rep's bundle): the second counts again after the first
    -- commits, seeing its rows. Taken in the reps' order: no deadlock.
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(hashtext('callblock.objections_by_day'), hashtext(r.rep_id))
           FROM (SELECT DISTINCT rep_id FROM new_co ORDER BY 1) r;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_advisory_xact_lock(hashtext('callblock.objections_by_day'), hashtext(r.rep_id))
           FROM (SELECT DISTINCT rep_id FROM old_co ORDER BY 1) r;
    ELSE
        PERFORM pg_advisory_xact_lock(hashtext('callblock.objections_by_day'), hashtext(r.rep_id))
           FROM (SELECT rep_id FROM old_co UNION SELECT rep_id FROM new_co ORDER BY 1) r;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        FOREACH q IN ARRAY callblock.objection_rollup_statements('old_co') LOOP
            EXECUTE q;
        END LOOP;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        FOREACH q IN ARRAY callblock.objection_rollup_statements('new_co') LOOP
            EXECUTE q;
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION callblock.call_objections_to_rollup() FROM PUBLIC;

-- The objections already in the store.
INSERT INTO callblock.call_objections (id, call_id, rep_id, objection_id, response_id,
                                       started_at, theme_name, outcome)
SELECT n.id, coalesce(n.body ->> 'call_id', ''), n.rep_id,
       coalesce(n.body ->> 'objection_id', ''), n.body ->> 'response_id',
       c.started_at, c.theme_name, c.outcome
  FROM callblock.rows n
  -- Only the rep's own call: a row naming another rep's call learns nothing of it.
          LEFT JOIN callblock.calls c ON c.id = n.body ->> 'call_id' AND c.rep_id = n.rep_id
 WHERE n.kind = 'call_objection';
DO $$
DECLARE
    q text;
BEGIN
    FOREACH q IN ARRAY callblock.objection_rollup_statements('callblock.call_objections') LOOP
        EXECUTE q;
    END LOOP;
END
$$;
CREATE TRIGGER call_objections_rollup_insert AFTER INSERT ON callblock.call_objections
    REFERENCING NEW TABLE AS new_co
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_to_rollup();
CREATE TRIGGER call_objections_rollup_update AFTER UPDATE ON callblock.call_objections
    REFERENCING OLD TABLE AS old_co NEW TABLE AS new_co
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_to_rollup();
CREATE TRIGGER call_objections_rollup_delete AFTER DELETE ON callblock.call_objections
    REFERENCING OLD TABLE AS old_co
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.call_objections_to_rollup();

-- The calls already in the store: their objections heard, then the rollup
-- by objections heard for the thresholds the store keeps.
ALTER TABLE callblock.calls DISABLE TRIGGER calls_rollups_update;
UPDATE callblock.calls c SET objections_heard = k.n
  FROM (SELECT call_id, rep_id, count(*) AS n FROM callblock.call_objections
         GROUP BY 1, 2) k
 WHERE c.id = k.call_id AND c.rep_id = k.rep_id;
ALTER TABLE callblock.calls ENABLE TRIGGER calls_rollups_update;
DO $$
DECLARE
    q text;
BEGIN
    FOREACH q IN ARRAY callblock.rollup_statements('callblock.calls', 1, 'callblock.rollup_thresholds') LOOP
        IF q LIKE '%calls_by_heard%' THEN
            EXECUTE q;
        END IF;
    END LOOP;
END
$$;

ALTER TABLE callblock.calls_by_length ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.calls_by_block ENABLE ROW LEVEL SECURITY;
CREATE POLICY calls_by_length_read ON callblock.calls_by_length FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY calls_by_block_read ON callblock.calls_by_block FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
ALTER TABLE callblock.blocks ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.block_pauses ENABLE ROW LEVEL SECURITY;
CREATE POLICY blocks_read ON callblock.blocks FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY block_pauses_read ON callblock.block_pauses FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
ALTER TABLE callblock.calls_by_track ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.calls_by_heard ENABLE ROW LEVEL SECURITY;
CREATE POLICY calls_by_heard_read ON callblock.calls_by_heard FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
ALTER TABLE callblock.call_objections ENABLE ROW LEVEL SECURITY;
CREATE POLICY calls_by_track_read ON callblock.calls_by_track FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY call_objections_read ON callblock.call_objections FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
ALTER TABLE callblock.objections_by_day ENABLE ROW LEVEL SECURITY;
CREATE POLICY objections_by_day_read ON callblock.objections_by_day FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
GRANT SELECT ON callblock.calls_by_length, callblock.calls_by_block, callblock.blocks,
    callblock.block_pauses, callblock.calls_by_track, callblock.call_objections,
    callblock.objections_by_day, callblock.calls_by_heard TO callblock_rep;
