-- Turnout statistics by sex and age need the voter's registry profile. Joining a million
-- participation rows to the registry at every request is too slow (see BENCHMARKS.md), so the
-- two attributes statistics use are copied onto the who-voted row when the vote is recorded.
-- participation already says who voted; nothing of this reaches ballots, which stay apart.
-- The day of the vote in Morocco's time and two covering indexes let the dashboard count a
-- million voters with index-only scans.
ALTER TABLE participation
    ADD COLUMN sex text CHECK (sex IN ('F', 'M')),
    ADD COLUMN birth_year smallint CHECK (birth_year BETWEEN 1900 AND 2100);

-- Same signature and behaviour as in 0003, plus the profile copy (codes have no registry entry:
-- both stay NULL, "unknown" in statistics).
CREATE OR REPLACE FUNCTION cast_ballot(
    p_cycle integer, p_commune integer, p_voter_key bytea, p_channel text, p_district integer,
    p_pseudonym bytea, p_receipt text, p_projects integer[], p_weights integer[]
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    was_replaced boolean;
    earlier text;
    new_ballot bigint;
    voter_sex text;
    voter_birth_year smallint;
BEGIN
    SELECT r.sex, r.birth_year INTO voter_sex, voter_birth_year
    FROM registry_entries r WHERE r.cycle_id = p_cycle AND r.national_id_hmac = p_voter_key;
    INSERT INTO participation (cycle_id, commune_id, voter_key, channel, district_id, sex, birth_year)
    VALUES (p_cycle, p_commune, p_voter_key, p_channel, p_district, voter_sex, voter_birth_year)
    ON CONFLICT (cycle_id, voter_key) DO UPDATE SET voted_at = now()
        WHERE participation.channel = EXCLUDED.channel AND EXCLUDED.channel IN ('web', 'code')
    RETURNING (xmax <> 0) INTO was_replaced;
    IF NOT FOUND THEN
        SELECT channel INTO earlier FROM participation WHERE cycle_id = p_cycle AND voter_key = p_voter_key;
        RETURN 'already:' || earlier;
    END IF;
    IF was_replaced THEN
        DELETE FROM ballots WHERE cycle_id = p_cycle AND pseudonym = p_pseudonym;
    END IF;
    INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel, district_id)
    VALUES (p_commune, p_cycle, p_pseudonym, p_receipt, p_channel, p_district)
    RETURNING id INTO new_ballot;
    INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
    SELECT new_ballot, p_cycle, c.p, c.w FROM unnest(p_projects, p_weights) AS c (p, w);
    RETURN CASE WHEN was_replaced THEN 'replaced' ELSE 'stored' END;
END
$$;

-- A registry corrected while voting is open (the only phase where both tables may change) keeps
-- the copies of those who already voted in step.
CREATE FUNCTION registry_profile_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE participation SET sex = NEW.sex, birth_year = NEW.birth_year
    WHERE cycle_id = NEW.cycle_id AND voter_key = NEW.national_id_hmac;
    RETURN NEW;
END
$$;
CREATE TRIGGER registry_profile_follow AFTER UPDATE OF sex, birth_year ON registry_entries FOR EACH ROW
    WHEN ((NEW.sex, NEW.birth_year) IS DISTINCT FROM (OLD.sex, OLD.birth_year))
    EXECUTE FUNCTION registry_profile_follow();

-- Votes recorded before this migration: copied once. The phase guard would refuse updates of
-- closed cycles; this is a one-time copy of data the database already holds, not a vote.
ALTER TABLE participation DISABLE TRIGGER participation_phase_guard;
UPDATE participation p SET sex = r.sex, birth_year = r.birth_year
FROM registry_entries r
WHERE r.cycle_id = p.cycle_id AND r.national_id_hmac = p.voter_key AND (r.sex IS NOT NULL OR r.birth_year IS NOT NULL);
ALTER TABLE participation ENABLE TRIGGER participation_phase_guard;

-- Added after the copy: the table rewrite also drops the old row versions the copy left behind.
ALTER TABLE participation
    ADD COLUMN voted_on date GENERATED ALWAYS AS ((voted_at AT TIME ZONE 'Africa/Casablanca')::date) STORED;
CREATE INDEX participation_day_idx ON participation (cycle_id, voted_on);
CREATE INDEX participation_profile_idx ON participation (cycle_id, district_id, channel, sex, birth_year);
-- Registered voters per district, the denominator of turnout by district.
CREATE INDEX registry_entries_district_idx ON registry_entries (cycle_id, district_id);
