-- Callblock's team store, version 1: reps, and every row a rep's calls
-- need, as the bundle file carries them (one JSON document per row), with
-- row-level security: a rep writes and reads only their own calls, blocks
-- and what was said in them; the team's rows (themes, prospects, the
-- playbook) are read by all; managers read everything.
--
-- Run once, by the database's owner (a role that may create roles), inside
-- one transaction. Never edited once released: a change is a new file.

CREATE SCHEMA IF NOT EXISTS callblock;

CREATE TABLE callblock.schema_version (
    version     integer PRIMARY KEY,
    description text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now(),
    applied_by  name NOT NULL DEFAULT current_user
);

-- The group roles: each rep logs in as their own role, a member of
-- callblock_rep; a manager's role is a member of callblock_manager too.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callblock_rep') THEN
        CREATE ROLE callblock_rep NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'callblock_manager') THEN
        CREATE ROLE callblock_manager NOLOGIN;
    END IF;
END
$$;
GRANT callblock_rep TO callblock_manager;

-- True for a manager (and for the store's owner and superusers). Its
-- search_path is fixed: a caller's own schema cannot stand in for pg_catalog.
CREATE FUNCTION callblock.is_manager() RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT pg_catalog.pg_has_role(current_user, 'callblock_manager', 'MEMBER')
$$;

CREATE TABLE callblock.reps (
    id            text PRIMARY KEY,          -- the rep's UUID in their own database
    db_role       name UNIQUE,               -- the role they connect as (none: known from a bundle)
    name          text NOT NULL,
    email         text,
    time_zone     text,
    registered_by name NOT NULL DEFAULT current_user,
    registered_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE callblock.change_seq;

-- One row of a rep's database, as a bundle carries it (`body`). A private
-- row (block, pause, call, call_objection, meeting) names its rep.
CREATE TABLE callblock.rows (
    kind      text NOT NULL CHECK (kind IN ('theme', 'prospect', 'talk_track',
                  'talk_track_version', 'objection', 'response', 'block', 'pause', 'call',
                  'call_objection', 'meeting')),
    id        text NOT NULL,
    owner     name NOT NULL DEFAULT current_user,   -- the role that wrote it first
    rep_id    text REFERENCES callblock.reps (id),
    parent_id text,                                 -- the call of an objection or meeting, ...
    body      jsonb NOT NULL,
    seq       bigint NOT NULL DEFAULT nextval('callblock.change_seq'),
    -- The transaction that last wrote the row: a pull reads what committed
    -- transactions wrote, below the oldest one still running (pull.rs).
    xid       xid8 NOT NULL DEFAULT pg_current_xact_id(),
    pushed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id),
    CHECK ((kind IN ('block', 'pause', 'call', 'call_objection', 'meeting')) = (rep_id IS NOT NULL)),
    CHECK (body ->> 'id' = id)
);
CREATE INDEX rows_xid ON callblock.rows (xid);
CREATE INDEX rows_parent ON callblock.rows (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX rows_rep_calls ON callblock.rows (rep_id, (body ->> 'started_at')) WHERE kind = 'call';

-- Rows a rep took back (a call an undo opened again): kept so a pull can
-- tell a copy of the team's calls.
CREATE TABLE callblock.removed (
    kind       text NOT NULL,
    id         text NOT NULL,
    owner      name NOT NULL DEFAULT current_user,
    rep_id     text NOT NULL REFERENCES callblock.reps (id),
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    removed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);

ALTER TABLE callblock.reps ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.rows ENABLE ROW LEVEL SECURITY;
ALTER TABLE callblock.removed ENABLE ROW LEVEL SECURITY;

-- The reps this role calls as (one, registered when it connects).
CREATE FUNCTION callblock.my_reps() RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT id FROM callblock.reps WHERE db_role = current_user
$$;

-- Reps: the team's names are read by all; a rep registers and edits only
-- themselves, or claims the rep a manager's bundle brought (no role yet);
-- a manager registers reps known from bundles.
CREATE POLICY reps_read ON callblock.reps FOR SELECT USING (true);
CREATE POLICY reps_insert ON callblock.reps FOR INSERT
    WITH CHECK (db_role = current_user OR (db_role IS NULL AND callblock.is_manager()));
CREATE POLICY reps_update ON callblock.reps FOR UPDATE
    USING (db_role = current_user OR db_role IS NULL OR callblock.is_manager())
    WITH CHECK (db_role = current_user OR callblock.is_manager());

-- Private rows (a rep's blocks, calls and what was said in them) belong to
-- the rep, whoever wrote them (a manager may push a rep's bundle): read and
-- written by that rep's role and by managers. The team's rows (themes,
-- prospects, the playbook) are read by all and changed only by the role
-- that wrote them first, or a manager. Nothing of the team's is deleted.
CREATE POLICY rows_read ON callblock.rows FOR SELECT
    USING (rep_id IS NULL OR rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY rows_insert ON callblock.rows FOR INSERT
    WITH CHECK (owner = current_user
        AND (rep_id IS NULL OR rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager()));
CREATE POLICY rows_update ON callblock.rows FOR UPDATE
    USING (callblock.is_manager()
        OR (rep_id IS NULL AND owner = current_user)
        OR rep_id IN (SELECT callblock.my_reps()))
    WITH CHECK (callblock.is_manager()
        OR (rep_id IS NULL AND owner = current_user)
        OR rep_id IN (SELECT callblock.my_reps()));
CREATE POLICY rows_delete ON callblock.rows FOR DELETE
    USING (rep_id IS NOT NULL AND (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager()));

-- A call taken back is recorded by its rep (or a manager), for that rep.
CREATE POLICY removed_read ON callblock.removed FOR SELECT
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY removed_write ON callblock.removed FOR INSERT
    WITH CHECK (owner = current_user
        AND (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager()));
CREATE POLICY removed_update ON callblock.removed FOR UPDATE
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager())
    WITH CHECK (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());
CREATE POLICY removed_delete ON callblock.removed FOR DELETE
    USING (rep_id IN (SELECT callblock.my_reps()) OR callblock.is_manager());

-- What a role may not set by hand: who wrote a row and when it changed.
CREATE FUNCTION callblock.keep_owner() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.owner := OLD.owner;
    NEW.seq := nextval('callblock.change_seq');
    NEW.xid := pg_current_xact_id();
    NEW.pushed_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER rows_keep_owner BEFORE UPDATE ON callblock.rows
    FOR EACH ROW EXECUTE FUNCTION callblock.keep_owner();

GRANT USAGE ON SCHEMA callblock TO callblock_rep;
GRANT SELECT ON callblock.schema_version TO callblock_rep;
GRANT SELECT, INSERT, UPDATE ON callblock.reps TO callblock_rep;
GRANT SELECT, INSERT, UPDATE, DELETE ON callblock.rows TO callblock_rep;
GRANT SELECT, INSERT, UPDATE, DELETE ON callblock.removed TO callblock_rep;
GRANT USAGE ON SEQUENCE callblock.change_seq TO callblock_rep;
GRANT EXECUTE ON FUNCTION callblock.is_manager() TO callblock_rep;
GRANT EXECUTE ON FUNCTION callblock.my_reps() TO callblock_rep;
