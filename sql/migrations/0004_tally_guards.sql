-- Outcomes may only be computed while the cycle is in its tallied phase (voting closed, nothing
-- published yet), and the projects of a published outcome cannot grow either: 0003 froze updates
-- and deletes of published tallies, this closes the remaining INSERT paths where no code path can
-- skip it.
CREATE FUNCTION tallies_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(NEW.cycle_id);
BEGIN
    IF current <> 'tallied' THEN
        RAISE EXCEPTION 'an outcome can only be stored while the cycle is in its tallied phase (it is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tallies_phase';
    END IF;
    IF NEW.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'an outcome is stored first and published afterwards'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'tallies_phase';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tallies_phase_guard BEFORE INSERT ON tallies FOR EACH ROW EXECUTE FUNCTION tallies_phase_guard();

CREATE TRIGGER tally_projects_frozen_insert BEFORE INSERT ON tally_projects
    FOR EACH ROW EXECUTE FUNCTION tally_projects_frozen();

-- Publishing looks up the newest computation of a cycle: all rows one `mizan tally` stored share
-- its transaction's computed_at.
CREATE INDEX tallies_cycle_idx ON tallies (cycle_id, computed_at);
