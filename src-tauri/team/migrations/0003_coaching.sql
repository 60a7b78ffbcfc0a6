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

-- Coaching is the managers': only a manager writes, changes or deletes a
-- comment or a flag (a rep reads those of their own calls). Restrictive: on
-- top of the rep-or-manager policies of version 1.
CREATE POLICY rows_coaching_insert ON callblock.rows AS RESTRICTIVE FOR INSERT
    WITH CHECK (kind NOT IN ('call_comment', 'call_flag') OR callblock.is_manager());
CREATE POLICY rows_coaching_update ON callblock.rows AS RESTRICTIVE FOR UPDATE
    USING (kind NOT IN ('call_comment', 'call_flag') OR callblock.is_manager())
    WITH CHECK (kind NOT IN ('call_comment', 'call_flag') OR callblock.is_manager());
CREATE POLICY rows_coaching_delete ON callblock.rows AS RESTRICTIVE FOR DELETE
    USING (kind NOT IN ('call_comment', 'call_flag') OR callblock.is_manager());

-- What a row is stays what it is: an update changes its body (and a call's
-- block), never its kind or id (a row turned into another kind could be
-- deleted as that kind), nor the call a comment or flag is on. (Its rep is
-- kept by the policies of version 1: refused, not ignored.)
CREATE FUNCTION callblock.keep_identity() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.kind := OLD.kind;
    NEW.id := OLD.id;
    IF OLD.kind IN ('call_comment', 'call_flag') THEN
        NEW.parent_id := OLD.parent_id;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER rows_keep_identity BEFORE UPDATE ON callblock.rows
    FOR EACH ROW EXECUTE FUNCTION callblock.keep_identity();
