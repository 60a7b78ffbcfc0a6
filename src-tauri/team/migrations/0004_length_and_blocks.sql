-- Callblock's team store, version 4: Review's Call length and Blocks tabs
-- counted in the store. Two more rollups kept by the push's triggers, in
-- the same transaction as the calls, for each pair of thresholds:
--
-- * `calls_by_length`: calls per UTC day (and month), rep, theme, outcome
--   and length bin (15 s; the last bin, 24, is 6:00 and longer), as the
--   core's `review_by_length` counts them;
-- * `calls_by_block`: the dials, connects, conversations, meetings and talk
--   time of each block's calls, as the core's `review_by_block` does.
--
-- A call's block is a typed column of `calls` now (`block_id`).
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

ALTER TABLE callblock.calls ADD COLUMN block_id text;

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

-- A call's row as `calls` keeps it, its block now included.
CREATE OR REPLACE FUNCTION callblock.calls_from_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM callblock.calls c USING old_rows o
         WHERE o.kind = 'call' AND c.id = o.id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO callblock.calls (id, rep_id, theme_id, theme_name, started_at, duration_ms,
                                     outcome, asked_for_meeting, local_hour, local_weekday,
                                     block_id)
        SELECT n.id, n.rep_id, n.body ->> 'theme_id',
               (SELECT t.body ->> 'name' FROM callblock.rows t
                 WHERE t.kind = 'theme' AND t.id = n.body ->> 'theme_id'),
               (n.body ->> 'started_at')::timestamptz, (n.body ->> 'duration_ms')::bigint,
               n.body ->> 'outcome', (n.body ->> 'asked_for_meeting')::boolean,
               (n.body ->> 'local_hour')::integer, (n.body ->> 'local_weekday')::integer,
               n.body ->> 'block_id'
          FROM new_rows n
         WHERE n.kind = 'call'
        ON CONFLICT (id) DO UPDATE
           SET rep_id = EXCLUDED.rep_id, theme_id = EXCLUDED.theme_id,
               theme_name = EXCLUDED.theme_name, started_at = EXCLUDED.started_at,
               duration_ms = EXCLUDED.duration_ms, outcome = EXCLUDED.outcome,
               asked_for_meeting = EXCLUDED.asked_for_meeting,
               local_hour = EXCLUDED.local_hour, local_weekday = EXCLUDED.local_weekday,
               block_id = EXCLUDED.block_id;
    END IF;
    RETURN NULL;
END
$$;

-- The calls already in the store get their block. The rollups do not move
-- (no measure depends on the block), so their trigger is off meanwhile.
ALTER TABLE callblock.calls DISABLE TRIGGER calls_rollups_update;
UPDATE callblock.calls c SET block_id = r.body ->> 'block_id'
  FROM callblock.rows r
 WHERE r.kind = 'call' AND r.id = c.id AND r.body ->> 'block_id' IS NOT NULL;
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
        IF q LIKE '%calls_by_length%' OR q LIKE '%calls_by_block%' THEN
            EXECUTE q;
        END IF;
    END LOOP;
END
$$;

-- A block's rows by when it started: the Blocks tab selects them so.
CREATE INDEX rows_rep_blocks ON callblock.rows (rep_id, (body ->> 'started_at')) WHERE kind = 'block';
CREATE INDEX rows_block_pauses ON callblock.rows ((body ->> 'block_id')) WHERE kind = 'pause';

ALTER TABLE callblock.calls_by_length ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.calls_by_block ENABLE ROW LEVEL SECURITY;
CREATE POLICY calls_by_length_read ON callblock.calls_by_length FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY calls_by_block_read ON callblock.calls_by_block FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
GRANT SELECT ON callblock.calls_by_length, callblock.calls_by_block TO callblock_rep;
