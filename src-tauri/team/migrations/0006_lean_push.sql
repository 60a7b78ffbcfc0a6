-- Callblock's team store, version 6: a push does less work in the store.
-- The triggers that keep the typed calls and their rollups return at once
-- from a statement that wrote no call (every upsert fires its UPDATE
-- triggers too, with nothing in them, and most statements of a push write
-- other kinds): before, each planned and ran its statements over empty
-- tables, about 40 ms of every push, however small.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

-- As in version 4, and nothing done for a statement without calls.
CREATE OR REPLACE FUNCTION callblock.calls_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    -- A statement that wrote no call (most of a push's: the other kinds,
    -- the update half of an upsert that changed nothing): nothing to do,
    -- found at once.
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind = 'call') THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_rows WHERE kind = 'call') THEN
        -- (Apart: a trigger on INSERT has no old_rows to read.)
        IF TG_OP = 'INSERT' THEN
            RETURN NULL;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM old_rows WHERE kind = 'call') THEN
            RETURN NULL;
        END IF;
    END IF;
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

-- As in version 2, and nothing done for a statement that changed no call.
CREATE OR REPLACE FUNCTION callblock.calls_to_rollups() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog SET jit = off AS $$
DECLARE
    q text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM callblock.rollup_thresholds) THEN
        RETURN NULL;
    END IF;
    -- A statement that changed no call: its 18 statements are not even
    -- planned.
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM old_calls) THEN
            RETURN NULL;
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM new_calls) THEN
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
-- The calls by rep and start, in their rows: the typed `calls` (version
-- 2) have their own index, which the reports read, and `team status`
-- counts a rep's calls there now; one index less to write for every call
-- pushed.
DROP INDEX callblock.rows_rep_calls;
