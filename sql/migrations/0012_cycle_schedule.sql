-- The dates a commune announces for its cycle: when proposals are taken and when voting runs.
-- Staff still move a cycle from phase to phase; the dates tell residents what to expect and are
-- shown on the cycle page. Each is optional, and they follow one another.
ALTER TABLE cycles
    ADD COLUMN proposals_open date,
    ADD COLUMN proposals_close date,
    ADD COLUMN voting_open date,
    ADD COLUMN voting_close date,
    ADD CONSTRAINT cycles_schedule_order CHECK (
        (proposals_open IS NULL OR proposals_close IS NULL OR proposals_open <= proposals_close)
        AND (proposals_close IS NULL OR voting_open IS NULL OR proposals_close <= voting_open)
        AND (proposals_open IS NULL OR voting_open IS NULL OR proposals_open <= voting_open)
        AND (voting_open IS NULL OR voting_close IS NULL OR voting_open <= voting_close)
        AND (voting_close IS NULL OR proposals_open IS NULL OR proposals_open <= voting_close));

-- The title, the year and the announced dates are settled with the rules once voting opens:
-- voters must not see the cycle they vote in renamed or its closing day moved (cycles_guard
-- freezes the ballot, the rules and the budget).
CREATE FUNCTION cycles_settings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF cycle_phase_rank(OLD.phase) >= cycle_phase_rank('voting') AND (
        NEW.title, NEW.year, NEW.proposals_open, NEW.proposals_close, NEW.voting_open, NEW.voting_close
    ) IS DISTINCT FROM (
        OLD.title, OLD.year, OLD.proposals_open, OLD.proposals_close, OLD.voting_open, OLD.voting_close
    ) THEN
        RAISE EXCEPTION 'cycle %: the title, the year and the dates are settled once voting opens', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_settings_frozen';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER cycles_settings_guard BEFORE UPDATE ON cycles
    FOR EACH ROW EXECUTE FUNCTION cycles_settings_guard();

-- The day a funded project's milestone was reached, which staff often record later: the public
-- timeline shows this day when it is given, and the day of recording otherwise.
ALTER TABLE implementation_updates ADD COLUMN reached_on date CHECK (reached_on BETWEEN DATE '2000-01-01' AND DATE '2100-12-31');
