-- Callblock's team store, version 2: lists a manager publishes to the team,
-- leases (one rep on a lead at a time), each published prospect's state as
-- the team last left it, the team's do-not-call list, per number and per
-- e-mail, the team's playbook, version by version, and every call as the
-- team's reports read it.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

-- A theme or prospect a manager published: the rows themselves are in
-- `rows` (the bundle's row); a prospect's numbers, which a bundle does not
-- carry, are here, in the order they are tried.
CREATE TABLE callblock.published (
    kind         text NOT NULL CHECK (kind IN ('theme', 'prospect')),
    id           text NOT NULL,
    theme_id     text,
    phones       jsonb NOT NULL DEFAULT '[]'
                 CHECK (jsonb_typeof(phones) = 'array' AND jsonb_array_length(phones) <= 50),
    published_by name NOT NULL DEFAULT current_user,
    published_at timestamptz NOT NULL DEFAULT now(),
    xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (kind, id),
    FOREIGN KEY (kind, id) REFERENCES callblock.rows (kind, id)
);
CREATE INDEX published_xid ON callblock.published (xid);

-- Who calls a published prospect now: one rep, until the lease expires
-- (server time: a rep's clock off by minutes changes nothing). Taken for
-- the next few prospects of a running block, renewed while it runs,
-- released when the call's outcome arrives or the block ends. Written only
-- through the functions below.
CREATE TABLE callblock.leases (
    prospect_id text PRIMARY KEY,
    rep_id      text NOT NULL REFERENCES callblock.reps (id),
    block_id    text,
    taken_at    timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX leases_rep ON callblock.leases (rep_id);

-- A published prospect as the last call on it left it (status, attempts,
-- when it is due again), so every rep's copy draws it the same way.
CREATE TABLE callblock.prospect_state (
    prospect_id     text PRIMARY KEY,
    status          text NOT NULL,
    attempts        integer NOT NULL CHECK (attempts >= 0),
    next_attempt_at text,
    callback_at     text,
    last_called_at  text NOT NULL,
    do_not_call     boolean NOT NULL,
    bad_number      boolean NOT NULL,
    rep_id          text NOT NULL REFERENCES callblock.reps (id),
    -- Written by any rep: kept to what a copy can hold.
    CHECK (status IN ('new', 'attempting', 'callback', 'meeting', 'not_interested',
                      'exhausted', 'do_not_call', 'bad_number')),
    CHECK (length(prospect_id) <= 64 AND length(last_called_at) <= 40
           AND coalesce(length(next_attempt_at), 0) <= 40
           AND coalesce(length(callback_at), 0) <= 40),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    xid             xid8 NOT NULL DEFAULT pg_current_xact_id()
);
CREATE INDEX prospect_state_xid ON callblock.prospect_state (xid);

-- The team's do-not-call list: a number (E.164, `;ext=` and the extension
-- when it has one) or an e-mail (trimmed, lower-cased) any rep's call or
-- list put there. Never called again by anyone on the team.
CREATE TABLE callblock.do_not_call (
    kind     text NOT NULL CHECK (kind IN ('phone', 'email')),
    value    text NOT NULL CHECK (value <> '' AND length(value) <= 320),
    since    text NOT NULL CHECK (length(since) <= 40),
    rep_id   text REFERENCES callblock.reps (id),
    added_by name NOT NULL DEFAULT current_user,
    xid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (kind, value)
);
CREATE INDEX do_not_call_xid ON callblock.do_not_call (xid);

-- The team's playbook, as the playbook file holds it (talk tracks,
-- objections, responses): each publish that changes it is the next version.
CREATE TABLE callblock.playbook (
    version      integer PRIMARY KEY CHECK (version > 0),
    document     jsonb NOT NULL CHECK (document ->> 'format' = 'callblock-playbook'),
    published_by name NOT NULL DEFAULT current_user,
    published_at timestamptz NOT NULL DEFAULT now()
);

-- Every call as the team's reports read it (typed columns, indexes): kept
-- from its row in `rows` by the statement triggers below, in the push's
-- transaction. Read by its rep and by managers, like the row.
CREATE TABLE callblock.calls (
    id                text PRIMARY KEY,
    rep_id            text NOT NULL,
    theme_id          text,
    theme_name        text,
    started_at        timestamptz NOT NULL,
    duration_ms       bigint NOT NULL,
    outcome           text NOT NULL,
    asked_for_meeting boolean NOT NULL,
    local_hour        integer,
    local_weekday     integer
);
CREATE INDEX calls_started ON callblock.calls (started_at);
CREATE INDEX calls_rep_started ON callblock.calls (rep_id, started_at);
CREATE INDEX calls_theme_started ON callblock.calls (theme_name, started_at);

CREATE FUNCTION callblock.calls_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM callblock.calls c USING old_rows o
         WHERE o.kind = 'call' AND c.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO callblock.calls (id, rep_id, theme_id, theme_name, started_at, duration_ms,
                                     outcome, asked_for_meeting, local_hour, local_weekday)
        SELECT n.id, n.rep_id, n.body ->> 'theme_id',
               (SELECT t.body ->> 'name' FROM callblock.rows t
                 WHERE t.kind = 'theme' AND t.id = n.body ->> 'theme_id'),
               (n.body ->> 'started_at')::timestamptz, (n.body ->> 'duration_ms')::bigint,
               n.body ->> 'outcome', (n.body ->> 'asked_for_meeting')::boolean,
               (n.body ->> 'local_hour')::integer, (n.body ->> 'local_weekday')::integer
          FROM new_rows n
         WHERE n.kind = 'call'
        ON CONFLICT (id) DO UPDATE
           SET rep_id = EXCLUDED.rep_id, theme_id = EXCLUDED.theme_id,
               theme_name = EXCLUDED.theme_name, started_at = EXCLUDED.started_at,
               duration_ms = EXCLUDED.duration_ms, outcome = EXCLUDED.outcome,
               asked_for_meeting = EXCLUDED.asked_for_meeting,
               local_hour = EXCLUDED.local_hour, local_weekday = EXCLUDED.local_weekday;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER rows_calls_insert AFTER INSERT ON callblock.rows
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_from_rows();
CREATE TRIGGER rows_calls_update AFTER UPDATE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_from_rows();
CREATE TRIGGER rows_calls_delete AFTER DELETE ON callblock.rows
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_from_rows();

-- The calls already in the store (pushed under version 1).
INSERT INTO callblock.calls (id, rep_id, theme_id, theme_name, started_at, duration_ms,
                             outcome, asked_for_meeting, local_hour, local_weekday)
SELECT n.id, n.rep_id, n.body ->> 'theme_id',
       (SELECT t.body ->> 'name' FROM callblock.rows t
         WHERE t.kind = 'theme' AND t.id = n.body ->> 'theme_id'),
       (n.body ->> 'started_at')::timestamptz, (n.body ->> 'duration_ms')::bigint,
       n.body ->> 'outcome', (n.body ->> 'asked_for_meeting')::boolean,
       (n.body ->> 'local_hour')::integer, (n.body ->> 'local_weekday')::integer
  FROM callblock.rows n
 WHERE n.kind = 'call';

-- Rollups of the calls per UTC day (grain 'd') and per month (grain 'm',
-- `day` its first day), so that a report over the team's year reads a few
-- thousand small rows, not a million calls: by outcome
-- (day, rep, theme, outcome) and by the prospect's local hour (day, rep,
-- theme, hour, weekday), for each pair of thresholds (a conversation's
-- talk, the outer limit) a manager reports with. Kept by the trigger on
-- `calls` below, in the push's transaction; a new pair of thresholds is
-- built once by `ensure_rollups`. The connects (not interested, callback,
-- meeting, do not call) are the core's `Outcome::CONNECT_SQL`: a test
-- compares these figures with the reports of a copy.
CREATE TABLE callblock.rollup_thresholds (
    conv_ms  bigint NOT NULL,
    limit_ms bigint NOT NULL,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conv_ms, limit_ms)
);
CREATE TABLE callblock.calls_by_outcome (
    conv_ms       bigint NOT NULL,
    limit_ms      bigint NOT NULL,
    grain         "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day           date NOT NULL,
    rep_id        text NOT NULL,
    theme_name    text NOT NULL,
    outcome       text NOT NULL,
    dials         bigint NOT NULL,
    connects      bigint NOT NULL,
    conversations bigint NOT NULL,
    meetings      bigint NOT NULL,
    talk_ms       bigint NOT NULL,
    past_limit    bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, grain, day, rep_id, theme_name, outcome)
);
CREATE TABLE callblock.calls_by_hour (
    conv_ms       bigint NOT NULL,
    limit_ms      bigint NOT NULL,
    grain         "char" NOT NULL CHECK (grain IN ('d', 'm')),
    day           date NOT NULL,
    rep_id        text NOT NULL,
    theme_name    text NOT NULL,
    local_hour    integer NOT NULL,
    local_weekday integer NOT NULL,
    dials         bigint NOT NULL,
    connects      bigint NOT NULL,
    conversations bigint NOT NULL,
    meetings      bigint NOT NULL,
    talk_ms       bigint NOT NULL,
    past_limit    bigint NOT NULL,
    PRIMARY KEY (conv_ms, limit_ms, grain, day, rep_id, theme_name, local_hour, local_weekday)
);

-- The statements that add `sign` times the calls of `source` (a
-- transition table, or `callblock.calls` itself) to the rollups of
-- `thresholds`: run by the caller (a trigger's transition tables are seen
-- only by the statements the trigger function runs itself).
CREATE FUNCTION callblock.rollup_statements(source text, sign integer, thresholds text)
RETURNS text[]
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
DECLARE
    connect text := '(''not_interested'', ''callback'', ''meeting'', ''do_not_call'')';
    measures text := format(
        '%1$s * count(*), %1$s * count(*) FILTER (WHERE n.outcome IN %2$s),
         %1$s * count(*) FILTER (WHERE n.outcome IN %2$s
             AND (n.duration_ms >= t.conv_ms OR n.asked_for_meeting OR n.outcome = ''meeting'')),
         %1$s * count(*) FILTER (WHERE n.outcome = ''meeting''),
         %1$s * coalesce(sum(n.duration_ms), 0)::bigint,
         %1$s * count(*) FILTER (WHERE n.duration_ms > t.limit_ms)', sign, connect);
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
            grain, day, measures, source, thresholds, adds);
        out := out || format(
            'INSERT INTO callblock.calls_by_hour AS r
             SELECT t.conv_ms, t.limit_ms, %L, %s, n.rep_id, coalesce(n.theme_name, ''''),
                    coalesce(n.local_hour, -1), coalesce(n.local_weekday, -1), %s
               FROM %s n CROSS JOIN %s t
              GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
             ON CONFLICT (conv_ms, limit_ms, grain, day, rep_id, theme_name, local_hour, local_weekday)
             DO UPDATE SET %s',
            grain, day, measures, source, thresholds, adds);
    END LOOP;
    RETURN out;
END
$$;

CREATE FUNCTION callblock.calls_to_rollups() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $$
DECLARE
    q text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM callblock.rollup_thresholds) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        FOREACH q IN ARRAY callblock.rollup_statements('old_calls', -1, 'callblock.rollup_thresholds') LOOP
            EXECUTE q;
        END LOOP;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        FOREACH q IN ARRAY callblock.rollup_statements('new_calls', 1, 'callblock.rollup_thresholds') LOOP
            EXECUTE q;
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER calls_rollups_insert AFTER INSERT ON callblock.calls
    REFERENCING NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_to_rollups();
CREATE TRIGGER calls_rollups_update AFTER UPDATE ON callblock.calls
    REFERENCING OLD TABLE AS old_calls NEW TABLE AS new_calls
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_to_rollups();
CREATE TRIGGER calls_rollups_delete AFTER DELETE ON callblock.calls
    REFERENCING OLD TABLE AS old_calls
    FOR EACH STATEMENT EXECUTE FUNCTION callblock.calls_to_rollups();

-- The rollups for a pair of thresholds, built from the calls the first
-- time a report asks for them (under a lock: once), kept after.
CREATE FUNCTION callblock.ensure_rollups(conv bigint, lim bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $$
DECLARE
    q text;
BEGIN
    IF EXISTS (SELECT 1 FROM callblock.rollup_thresholds WHERE conv_ms = conv AND limit_ms = lim) THEN
        RETURN false;
    END IF;
    -- Each pair costs a build over every call and a share of every push:
    -- thresholds a report uses (up to an hour), a few pairs at most.
    IF conv IS NULL OR lim IS NULL OR conv < 0 OR lim < 0 OR conv > 3600000 OR lim > 3600000 THEN
        RAISE EXCEPTION 'the store keeps rollups for thresholds of up to an hour, not % ms and % ms', conv, lim
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT count(*) FROM callblock.rollup_thresholds) >= 8 THEN
        RAISE EXCEPTION 'the store keeps rollups for 8 pairs of thresholds at most; a manager''s settings use another'
            USING ERRCODE = 'program_limit_exceeded';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('callblock.rollup_thresholds'));
    -- Calls written from here on wait for this transaction (the trigger
    -- reads the thresholds): none is counted twice, none missed.
    LOCK TABLE callblock.calls IN SHARE MODE;
    IF EXISTS (SELECT 1 FROM callblock.rollup_thresholds WHERE conv_ms = conv AND limit_ms = lim) THEN
        RETURN false;
    END IF;
    INSERT INTO callblock.rollup_thresholds (conv_ms, limit_ms) VALUES (conv, lim);
    FOREACH q IN ARRAY callblock.rollup_statements(
        'callblock.calls', 1,
        format('(SELECT %s::bigint AS conv_ms, %s::bigint AS limit_ms)', conv, lim)) LOOP
        EXECUTE q;
    END LOOP;
    RETURN true;
END
$$;
REVOKE ALL ON FUNCTION callblock.rollup_statements(text, integer, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION callblock.ensure_rollups(bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callblock.ensure_rollups(bigint, bigint) TO callblock_rep;

ALTER TABLE callblock.rollup_thresholds ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.calls_by_outcome ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.calls_by_hour ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_thresholds_read ON callblock.rollup_thresholds FOR SELECT USING (true);
CREATE POLICY calls_by_outcome_read ON callblock.calls_by_outcome FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY calls_by_hour_read ON callblock.calls_by_hour FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
GRANT SELECT ON callblock.rollup_thresholds, callblock.calls_by_outcome, callblock.calls_by_hour
    TO callblock_rep;

ALTER TABLE callblock.calls ENABLE ROW LEVEL SECURITY;
CREATE POLICY calls_read ON callblock.calls FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
GRANT SELECT ON callblock.calls TO callblock_rep;

ALTER TABLE callblock.playbook ENABLE ROW LEVEL SECURITY;
CREATE POLICY playbook_read ON callblock.playbook FOR SELECT USING (true);
CREATE POLICY playbook_write ON callblock.playbook FOR INSERT
    WITH CHECK (callblock.is_manager() AND published_by = current_user);
GRANT SELECT, INSERT ON callblock.playbook TO callblock_rep;

ALTER TABLE callblock.published ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.prospect_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.do_not_call ENABLE ROW LEVEL SECURITY;

-- Published lists: read by all, written by managers.
CREATE POLICY published_read ON callblock.published FOR SELECT USING (true);
CREATE POLICY published_write ON callblock.published FOR INSERT
    WITH CHECK (callblock.is_manager() AND published_by = current_user);
CREATE POLICY published_update ON callblock.published FOR UPDATE
    USING (callblock.is_manager()) WITH CHECK (callblock.is_manager());

-- Leases: who holds what is read by all (the card says who has a lead).
CREATE POLICY leases_read ON callblock.leases FOR SELECT USING (true);

-- A prospect's state: read by all, written by the rep who called it last
-- (a later call only: see push).
CREATE POLICY prospect_state_read ON callblock.prospect_state FOR SELECT USING (true);
CREATE POLICY prospect_state_insert ON callblock.prospect_state FOR INSERT
    WITH CHECK (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY prospect_state_update ON callblock.prospect_state FOR UPDATE
    USING (true)
    WITH CHECK (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());

-- Do-not-call: read by all, added by any rep under their own name, taken
-- off only by a manager.
CREATE POLICY do_not_call_read ON callblock.do_not_call FOR SELECT USING (true);
CREATE POLICY do_not_call_insert ON callblock.do_not_call FOR INSERT
    WITH CHECK (added_by = current_user
        AND (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager()));
CREATE POLICY do_not_call_delete ON callblock.do_not_call FOR DELETE
    USING (callblock.is_manager());

-- Inside the functions below, which run as the store's owner (SECURITY
-- DEFINER), current_user is the owner: the caller is the role that logged
-- in. True when it calls as `rep`, or is a manager.
CREATE FUNCTION callblock.calls_as(rep text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM callblock.reps r WHERE r.id = rep AND r.db_role = session_user)
        OR pg_catalog.pg_has_role(session_user, 'callblock_manager', 'MEMBER')
$$;
REVOKE ALL ON FUNCTION callblock.calls_as(text) FROM PUBLIC;

-- Take (or renew) leases on `ids` for `rep` (one of the caller's reps) for
-- `secs` seconds: a prospect is granted when nobody holds it, when `rep`
-- already does, or when the holder's lease has expired; never when the team
-- has it on the do-not-call list, done with (a meeting, not interested,
-- ...) or not due yet. Returns each prospect asked for, who holds it now
-- and for how many seconds more.
CREATE FUNCTION callblock.take_leases(rep text, ids text[], block text, secs double precision)
RETURNS TABLE (prospect_id text, rep_id text, rep_name text, seconds_left double precision)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    now_text text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
BEGIN
    IF NOT callblock.calls_as(rep) THEN
        RAISE EXCEPTION 'role % does not call as rep %', session_user, rep
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF secs IS NULL OR secs <= 0 OR secs > 4 * 3600 THEN
        RAISE EXCEPTION 'a lease lasts between a second and four hours, not % seconds', secs
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO callblock.leases AS l (prospect_id, rep_id, block_id, expires_at)
    SELECT DISTINCT w.id, rep, block, now() + make_interval(secs => secs)
      FROM unnest(ids) AS w (id)
     WHERE EXISTS (SELECT 1 FROM callblock.published p WHERE p.kind = 'prospect' AND p.id = w.id)
       AND NOT EXISTS (
            SELECT 1 FROM callblock.prospect_state s
             WHERE s.prospect_id = w.id
               AND (s.do_not_call OR s.bad_number
                    OR s.status NOT IN ('new', 'attempting', 'callback')
                    OR (s.status = 'attempting' AND s.next_attempt_at > now_text)
                    OR (s.status = 'callback' AND s.callback_at > now_text)))
    ON CONFLICT ON CONSTRAINT leases_pkey DO UPDATE
       SET rep_id = EXCLUDED.rep_id,
           block_id = EXCLUDED.block_id,
           taken_at = CASE WHEN l.rep_id = EXCLUDED.rep_id THEN l.taken_at ELSE now() END,
           expires_at = EXCLUDED.expires_at
     WHERE l.rep_id = EXCLUDED.rep_id OR l.expires_at <= now();
    RETURN QUERY
        SELECT w.id, l.rep_id, r.name, extract(epoch FROM l.expires_at - now())::double precision
          FROM unnest(ids) AS w (id)
          LEFT JOIN callblock.leases l ON l.prospect_id = w.id AND l.expires_at > now()
          LEFT JOIN callblock.reps r ON r.id = l.rep_id;
END
$$;

-- Give back `rep`'s leases on `ids` (all of them when `ids` is null).
-- Returns how many were given back.
CREATE FUNCTION callblock.release_leases(rep text, ids text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    n integer;
BEGIN
    IF NOT callblock.calls_as(rep) THEN
        RAISE EXCEPTION 'role % does not call as rep %', session_user, rep
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM callblock.leases l
     WHERE l.rep_id = rep AND (ids IS NULL OR l.prospect_id = ANY (ids));
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

REVOKE ALL ON FUNCTION callblock.take_leases(text, text[], text, double precision) FROM PUBLIC;
REVOKE ALL ON FUNCTION callblock.release_leases(text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callblock.take_leases(text, text[], text, double precision) TO callblock_rep;
GRANT EXECUTE ON FUNCTION callblock.release_leases(text, text[]) TO callblock_rep;

GRANT SELECT, INSERT, UPDATE ON callblock.published TO callblock_rep;
GRANT SELECT ON callblock.leases TO callblock_rep;
GRANT SELECT, INSERT, UPDATE ON callblock.prospect_state TO callblock_rep;
GRANT SELECT, INSERT, DELETE ON callblock.do_not_call TO callblock_rep;
