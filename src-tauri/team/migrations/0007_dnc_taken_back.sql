-- Callblock's team store, version 7: a do-not-call listing taken back. When
-- a rep undoes the call that put a number (or an e-mail) on the team's
-- do-not-call list, the value leaves the list once no copy lists it any
-- more (a call, a hand, an import, a bundle); every copy reads that on its
-- next pull, by
-- `xid`, as it read the listing, and takes it off its own list where the
-- team had put it there. Listed again, it comes back for everyone.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

-- When the value left the list (none: it is on it). A row is kept, not
-- deleted, so that a pull can read that it left.
ALTER TABLE callblock.do_not_call ADD COLUMN removed_at timestamptz;

-- Which roles' copies list each value, whatever listed it there (a call,
-- a hand, an import or a bundle of a do-not-call person: a value that
-- followed from another is held as long as that copy lists it). Written
-- and read only by the functions below.
CREATE TABLE callblock.do_not_call_by (
    kind  text NOT NULL,
    value text NOT NULL,
    role  name NOT NULL,
    PRIMARY KEY (kind, value, role),
    FOREIGN KEY (kind, value) REFERENCES callblock.do_not_call (kind, value) ON DELETE CASCADE
);
ALTER TABLE callblock.do_not_call_by ENABLE ROW LEVEL SECURITY;
-- The values listed before this version: their first role's (each linked
-- copy sends its listings again after its own upgrade, and the others
-- join then).
INSERT INTO callblock.do_not_call_by (kind, value, role)
SELECT kind, value, added_by FROM callblock.do_not_call;

-- The caller lists or takes back for `rep`, one of its reps, or for none
-- as a manager (whose copy may have no rep); else refused.
CREATE FUNCTION callblock.check_lister(rep text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog AS $$
BEGIN
    IF rep IS NULL AND NOT pg_catalog.pg_has_role(session_user, 'callblock_manager', 'MEMBER') THEN
        RAISE EXCEPTION 'role % changes no do-not-call entry without a rep', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF rep IS NOT NULL AND NOT callblock.calls_as(rep) THEN
        RAISE EXCEPTION 'role % does not call as rep %', session_user, rep
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
REVOKE ALL ON FUNCTION callblock.check_lister(text) FROM PUBLIC;

-- List values for `rep` (one of the caller's reps; none for a manager's
-- copy without one): new values join the list, values taken off come back,
-- and the caller's role lists them. Returns the values that joined or came
-- back.
CREATE FUNCTION callblock.list_do_not_call(rep text, kinds text[], vals text[], sinces text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    n integer;
BEGIN
    PERFORM callblock.check_lister(rep);
    -- Each value once (an upsert cannot change a row twice), its first entry.
    WITH w AS (
        SELECT DISTINCT ON (k, v) k, v, s
          FROM unnest(kinds, vals, sinces) WITH ORDINALITY AS t (k, v, s, i)
         WHERE k IN ('phone', 'email') AND v <> ''
         ORDER BY k, v, i
    ), changed AS (
        INSERT INTO callblock.do_not_call AS d (kind, value, since, rep_id, added_by)
        SELECT k, v, s, rep, session_user FROM w
        ON CONFLICT (kind, value) DO UPDATE
           SET since = EXCLUDED.since, rep_id = EXCLUDED.rep_id, added_by = EXCLUDED.added_by,
               removed_at = NULL, xid = pg_current_xact_id()
         WHERE d.removed_at IS NOT NULL
        RETURNING 1
    )
    SELECT count(*) INTO n FROM changed;
    INSERT INTO callblock.do_not_call_by (kind, value, role)
    SELECT DISTINCT k, v, session_user
      FROM unnest(kinds, vals) AS t (k, v)
     WHERE k IN ('phone', 'email') AND v <> ''
    ON CONFLICT DO NOTHING;
    RETURN n;
END
$$;

-- Take back the caller's listing of these values (the undo of the call
-- that made it; `rep`, the caller's, as for a listing): a value no copy
-- lists any more leaves the list; one another role still lists stays, read
-- again by every copy (the caller's took it off its own list), and becomes
-- that role's rep's when it was `rep`'s. Returns the values that left.
CREATE FUNCTION callblock.unlist_do_not_call(rep text, kinds text[], vals text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    n integer;
    gk text[];
    gv text[];
BEGIN
    PERFORM callblock.check_lister(rep);
    -- The values' rows locked first, in order: a listing of them running
    -- now is waited for, and seen by the statements below.
    PERFORM 1 FROM callblock.do_not_call d
      JOIN (SELECT DISTINCT k, v FROM unnest(kinds, vals) AS t (k, v)) u
        ON d.kind = u.k AND d.value = u.v
     ORDER BY d.kind, d.value
       FOR UPDATE OF d;
    -- (A statement of its own: the next ones must see what it deleted.)
    WITH gone AS (
        DELETE FROM callblock.do_not_call_by b
         USING unnest(kinds, vals) AS t (k, v)
         WHERE b.kind = t.k AND b.value = t.v AND b.role = session_user
        RETURNING b.kind, b.value
    )
    SELECT array_agg(kind), array_agg(value) INTO gk, gv FROM gone;
    IF gk IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE callblock.do_not_call d
       SET removed_at = now(), xid = pg_current_xact_id()
      FROM (SELECT DISTINCT k, v FROM unnest(gk, gv) AS t (k, v)) u
     WHERE d.kind = u.k AND d.value = u.v AND d.removed_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM callblock.do_not_call_by b
                        WHERE b.kind = d.kind AND b.value = d.value);
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE callblock.do_not_call d
       SET rep_id = CASE WHEN d.rep_id IS NOT DISTINCT FROM rep
                         THEN (SELECT min(r.id) FROM callblock.do_not_call_by b
                                 JOIN callblock.reps r ON r.db_role = b.role
                                WHERE b.kind = d.kind AND b.value = d.value)
                         ELSE d.rep_id END,
           xid = pg_current_xact_id()
      FROM (SELECT DISTINCT k, v FROM unnest(gk, gv) AS t (k, v)) u
     WHERE d.kind = u.k AND d.value = u.v AND d.removed_at IS NULL;
    RETURN n;
END
$$;
REVOKE ALL ON FUNCTION callblock.list_do_not_call(text, text[], text[], text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION callblock.unlist_do_not_call(text, text[], text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callblock.list_do_not_call(text, text[], text[], text[]) TO callblock_rep;
GRANT EXECUTE ON FUNCTION callblock.unlist_do_not_call(text, text[], text[]) TO callblock_rep;
