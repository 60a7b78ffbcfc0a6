-- Callblock's team store, version 3: coaching. A manager's comments on a
-- rep's call and the calls flagged for coaching travel as private rows of
-- the call's rep (`call_comment`, `call_flag`): read by that rep and the
-- managers, like the call itself.
--
-- Run once, by the database's owner, inside one transaction. Never edited
-- once released: a change is a new file.

-- The kinds a row may be, and which of them name their rep: the checks of
-- version 1 are replaced (found by what they say, not by a generated name).
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN
        SELECT conname FROM pg_constraint
         WHERE conrelid = 'callblock.rows'::regclass AND contype = 'c'
           AND pg_get_constraintdef(oid) LIKE '%''meeting''%'
    LOOP
        EXECUTE format('ALTER TABLE callblock.rows DROP CONSTRAINT %I', c.conname);
    END LOOP;
END
$$;
ALTER TABLE callblock.rows ADD CONSTRAINT rows_kind CHECK (kind IN ('theme', 'prospect',
    'talk_track', 'talk_track_version', 'objection', 'response', 'block', 'pause', 'call',
    'call_objection', 'meeting', 'call_comment', 'call_flag'));
ALTER TABLE callblock.rows ADD CONSTRAINT rows_private_have_a_rep CHECK ((kind IN ('block',
    'pause', 'call', 'call_objection', 'meeting', 'call_comment', 'call_flag'))
    = (rep_id IS NOT NULL));

-- A comment is changed (removed) only by the role that wrote it, or a
-- manager; comments and flags are deleted only by a manager. (Restrictive:
-- on top of the rep-or-manager policies of version 1.)
CREATE POLICY rows_comment_update ON callblock.rows AS RESTRICTIVE FOR UPDATE
    USING (kind <> 'call_comment' OR owner = current_user OR callblock.is_manager());
CREATE POLICY rows_coaching_delete ON callblock.rows AS RESTRICTIVE FOR DELETE
    USING (kind NOT IN ('call_comment', 'call_flag') OR callblock.is_manager());
