-- Turnout statistics by sex and age need the voter's registry profile. Joining a million
-- participation rows to the registry at every request is too slow (see BENCHMARKS.md), so the
-- two attributes statistics use are copied onto the who-voted row when the vote is recorded.
-- participation already says who voted; nothing of this reaches ballots, which stay apart.
-- The day of the vote in Morocco's time and two covering indexes let the dashboard count a
-- million voters with index-only scans.
ALTER TABLE participation
    ADD COLUMN sex text CHECK (sex IN ('F', 'M')),
    ADD COLUMN birth_year smallint CHECK (birth_year BETWEEN 1900 AND 2100);

-- Every vote recorded (by cast_ballot or any other path into participation) takes the voter's
-- profile from the registry; codes have no registry entry: both stay NULL, "unknown" in
-- statistics.
CREATE FUNCTION participation_profile_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.sex, r.birth_year INTO NEW.sex, NEW.birth_year
    FROM registry_entries r WHERE r.cycle_id = NEW.cycle_id AND r.national_id_hmac = NEW.voter_key;
    RETURN NEW;
END
$$;
CREATE TRIGGER participation_profile_fill BEFORE INSERT ON participation FOR EACH ROW
    EXECUTE FUNCTION participation_profile_fill();

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
