-- Callblock's team store, version 5: a manager takes leads off the team's
-- lists. A withdrawn prospect stays in `published` (every rep's copy reads
-- the withdrawal on its next pull, by `xid`, as it read the publication),
-- is leased to nobody, and its leases end at once. Publishing it again
-- brings it back.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

ALTER TABLE callblock.published ADD COLUMN withdrawn_at timestamptz;

-- As in version 2, and never a withdrawn prospect: its publication is
-- locked while it is looked at, so a withdrawal not yet committed is waited
-- for (and its lease-ending then sees this lease), never raced.
CREATE OR REPLACE FUNCTION callblock.take_leases(rep text, ids text[], block text, secs double precision)
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
     WHERE EXISTS (SELECT 1 FROM callblock.published p
                    WHERE p.kind = 'prospect' AND p.id = w.id AND p.withdrawn_at IS NULL
                    FOR SHARE)
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

-- Take off the team's lists the published prospects on the themes
-- `themes` and those of `ids` (a manager's act): withdrawn now, leased to
-- nobody from now on; a theme of `themes` is withdrawn with them. Returns
-- the prospects withdrawn (not those withdrawn before).
CREATE FUNCTION callblock.withdraw(themes text[], ids text[])
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    gone text[];
BEGIN
    IF NOT pg_catalog.pg_has_role(session_user, 'callblock_manager', 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a manager of this team: only a manager withdraws leads',
            session_user USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE callblock.published p
       SET withdrawn_at = now(), xid = pg_current_xact_id()
     WHERE p.kind = 'theme' AND p.withdrawn_at IS NULL AND p.id = ANY (coalesce(themes, '{}'));
    WITH w AS (
        UPDATE callblock.published p
           SET withdrawn_at = now(), xid = pg_current_xact_id()
         WHERE p.kind = 'prospect' AND p.withdrawn_at IS NULL
           AND (p.theme_id = ANY (coalesce(themes, '{}')) OR p.id = ANY (coalesce(ids, '{}')))
        RETURNING p.id)
    SELECT coalesce(array_agg(w.id ORDER BY w.id), '{}') INTO gone FROM w;
    -- A statement of its own, so it sees a lease taken while the rows above
    -- were waited for (`take_leases` locks the publication it looks at).
    DELETE FROM callblock.leases l WHERE l.prospect_id = ANY (gone);
    RETURN QUERY SELECT unnest(gone);
END
$$;
REVOKE ALL ON FUNCTION callblock.withdraw(text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callblock.withdraw(text[], text[]) TO callblock_manager;
