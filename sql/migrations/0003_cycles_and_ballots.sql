-- Participatory-budgeting cycles, proposals, eligibility, ballots, outcomes and the audit log.
-- Every table of cycle data carries commune_id (the future distribution column), and composite
-- foreign keys on (commune_id, …) keep each row inside its commune.

CREATE TABLE cycles (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL REFERENCES communes (id),
    year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    title text NOT NULL CHECK (char_length(btrim(title)) BETWEEN 1 AND 200),
    budget_centimes bigint NOT NULL CHECK (budget_centimes > 0),
    phase text NOT NULL DEFAULT 'draft'
        CHECK (phase IN ('draft', 'proposals', 'review', 'voting', 'tallied', 'published', 'implementation')),
    ballot_kind text NOT NULL CHECK (ballot_kind IN ('approval', 'knapsack', 'points', 'ranked')),
    -- approval: min/max number of projects; points: total to spread and optional cap; ranked: depth.
    min_choices integer CHECK (min_choices >= 0),
    max_choices integer CHECK (max_choices >= 1),
    points_total integer CHECK (points_total >= 1),
    points_cap integer CHECK (points_cap >= 1),
    rank_depth integer CHECK (rank_depth >= 1),
    rule text NOT NULL CHECK (rule IN ('greedy', 'mes', 'phragmen')),
    tie_break text NOT NULL DEFAULT 'lexicographic' CHECK (tie_break IN ('lexicographic', 'equalshares')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (commune_id, id),
    UNIQUE (commune_id, year, title),
    CHECK (min_choices IS NULL OR max_choices IS NULL OR min_choices <= max_choices),
    CHECK (ballot_kind <> 'points' OR points_total IS NOT NULL),
    CHECK (points_cap IS NULL OR points_total IS NULL OR points_cap <= points_total),
    CHECK (ballot_kind <> 'ranked' OR rank_depth IS NOT NULL)
);

CREATE TABLE cycle_phases (
    cycle_id integer NOT NULL,
    commune_id integer NOT NULL,
    phase text NOT NULL,
    entered_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    PRIMARY KEY (cycle_id, phase),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id)
);

-- Phases move forward one step at a time, and the ballot and winner rules are frozen once voting
-- opens: enforced here so no code path can skip it.
CREATE FUNCTION cycle_phase_rank(phase text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT array_position(ARRAY['draft', 'proposals', 'review', 'voting', 'tallied', 'published', 'implementation'], phase)
$$;

CREATE FUNCTION cycles_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.phase <> OLD.phase AND cycle_phase_rank(NEW.phase) <> cycle_phase_rank(OLD.phase) + 1 THEN
        RAISE EXCEPTION 'cycle % cannot move from % to %: phases only move one step forward', OLD.id, OLD.phase, NEW.phase
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_phase_forward';
    END IF;
    IF cycle_phase_rank(OLD.phase) >= cycle_phase_rank('voting') AND (
        NEW.ballot_kind, NEW.min_choices, NEW.max_choices, NEW.points_total, NEW.points_cap, NEW.rank_depth,
        NEW.rule, NEW.tie_break, NEW.budget_centimes
    ) IS DISTINCT FROM (
        OLD.ballot_kind, OLD.min_choices, OLD.max_choices, OLD.points_total, OLD.points_cap, OLD.rank_depth,
        OLD.rule, OLD.tie_break, OLD.budget_centimes
    ) THEN
        RAISE EXCEPTION 'cycle %: the ballot and winner rules and the budget are frozen once voting opens', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_rules_frozen';
    END IF;
    IF NEW.commune_id <> OLD.commune_id THEN
        RAISE EXCEPTION 'a cycle cannot change commune' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cycles_guard BEFORE UPDATE ON cycles FOR EACH ROW EXECUTE FUNCTION cycles_guard();

-- Optional split of the budget between districts.
CREATE TABLE district_envelopes (
    cycle_id integer NOT NULL,
    commune_id integer NOT NULL,
    district_id integer NOT NULL,
    budget_centimes bigint NOT NULL CHECK (budget_centimes > 0),
    PRIMARY KEY (cycle_id, district_id),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id),
    FOREIGN KEY (commune_id, district_id) REFERENCES districts (commune_id, id)
);

CREATE TABLE proposals (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    cycle_id integer NOT NULL,
    title text NOT NULL CHECK (char_length(btrim(title)) BETWEEN 3 AND 200),
    description text NOT NULL CHECK (char_length(description) <= 10000),
    category text NOT NULL CHECK (char_length(btrim(category)) BETWEEN 1 AND 80),
    district_id integer,
    location text CHECK (char_length(location) <= 300),
    estimated_cost_centimes bigint NOT NULL CHECK (estimated_cost_centimes > 0),
    language text NOT NULL DEFAULT 'fr' CHECK (language IN ('ar', 'fr', 'en', 'zgh')),
    status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected', 'merged', 'hidden')),
    official_cost_centimes bigint CHECK (official_cost_centimes > 0),
    official_answer text CHECK (char_length(official_answer) <= 5000),
    merged_into integer REFERENCES proposals (id),
    hidden_reason text,
    -- SHA-256 of the proposer's private tracking token; the token itself is never stored.
    tracking_token_hash bytea UNIQUE CHECK (octet_length(tracking_token_hash) = 32),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    reviewed_at timestamptz,
    UNIQUE (commune_id, id),
    UNIQUE (cycle_id, id),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id),
    FOREIGN KEY (commune_id, district_id) REFERENCES districts (commune_id, id),
    CHECK (status <> 'accepted' OR official_cost_centimes IS NOT NULL),
    CHECK (status <> 'rejected' OR official_answer IS NOT NULL),
    CHECK (status <> 'merged' OR (merged_into IS NOT NULL AND merged_into <> id)),
    CHECK (status <> 'hidden' OR hidden_reason IS NOT NULL)
);
CREATE INDEX proposals_cycle_idx ON proposals (cycle_id, status);

-- The commune's voter registry for a cycle. The national ID number is kept only as
-- HMAC-SHA256 with the server secret, so the table cannot be read back into ID numbers.
CREATE TABLE registry_entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    cycle_id integer NOT NULL,
    national_id_hmac bytea NOT NULL CHECK (octet_length(national_id_hmac) = 32),
    birth_date date NOT NULL CHECK (birth_date > DATE '1900-01-01'),
    district_id integer,
    sex text CHECK (sex IN ('F', 'M')),
    birth_year smallint CHECK (birth_year BETWEEN 1900 AND 2100),
    UNIQUE (cycle_id, national_id_hmac),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id),
    FOREIGN KEY (commune_id, district_id) REFERENCES districts (commune_id, id)
);

-- Printed one-time voting codes, stored only as SHA-256.
CREATE TABLE voting_codes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    cycle_id integer NOT NULL,
    code_hash bytea NOT NULL UNIQUE CHECK (octet_length(code_hash) = 32),
    district_id integer,
    issued_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id),
    FOREIGN KEY (commune_id, district_id) REFERENCES districts (commune_id, id)
);

-- WHO voted: one row per voter per cycle, whatever the channel. voter_key is the registry HMAC
-- or the code hash, never an ID number. The UNIQUE constraint is one-person-one-vote.
CREATE TABLE participation (
    cycle_id integer NOT NULL,
    commune_id integer NOT NULL,
    voter_key bytea NOT NULL CHECK (octet_length(voter_key) = 32),
    channel text NOT NULL CHECK (channel IN ('web', 'paper', 'code')),
    voted_at timestamptz NOT NULL DEFAULT now(),
    district_id integer,
    CONSTRAINT participation_one_per_voter UNIQUE (cycle_id, voter_key),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id)
);

-- A vote cast on one channel cannot move to another (paper blocks web and the reverse).
CREATE FUNCTION participation_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.channel <> OLD.channel OR NEW.voter_key <> OLD.voter_key OR NEW.cycle_id <> OLD.cycle_id THEN
        RAISE EXCEPTION 'this voter already voted on the % channel', OLD.channel
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'participation_one_per_voter';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER participation_guard BEFORE UPDATE ON participation FOR EACH ROW EXECUTE FUNCTION participation_guard();

-- WHAT was voted, apart from who: keyed by a pseudonym (HMAC of the voter key with a second
-- secret) so a replaced ballot can be found, with no timestamp that could be matched to
-- participation.voted_at.
CREATE TABLE ballots (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    cycle_id integer NOT NULL,
    pseudonym bytea NOT NULL CHECK (octet_length(pseudonym) = 32),
    receipt_code text NOT NULL UNIQUE CHECK (receipt_code ~ '^[A-Z0-9]{4}(-[A-Z0-9]{4}){2,3}$'),
    channel text NOT NULL CHECK (channel IN ('web', 'paper', 'code')),
    district_id integer,
    CONSTRAINT ballots_one_per_voter UNIQUE (cycle_id, pseudonym),
    UNIQUE (cycle_id, id),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id)
);

CREATE TABLE ballot_choices (
    ballot_id bigint NOT NULL REFERENCES ballots (id) ON DELETE CASCADE,
    cycle_id integer NOT NULL,
    proposal_id integer NOT NULL,
    -- points for cumulative ballots, 1-based position for ranked ones, 1 for approval/knapsack.
    weight integer NOT NULL DEFAULT 1 CHECK (weight >= 1),
    PRIMARY KEY (ballot_id, proposal_id),
    FOREIGN KEY (cycle_id, proposal_id) REFERENCES proposals (cycle_id, id),
    FOREIGN KEY (cycle_id, ballot_id) REFERENCES ballots (cycle_id, id)
);
CREATE INDEX ballot_choices_proposal_idx ON ballot_choices (cycle_id, proposal_id);

-- A computed outcome: the rule, tie-break and engine that produced it, and the SHA-256 of the
-- canonical .pb export of the ballots it was computed from. Published outcomes are frozen.
CREATE TABLE tallies (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    cycle_id integer NOT NULL,
    district_id integer,
    rule text NOT NULL,
    tie_break text NOT NULL,
    engine_version text NOT NULL,
    budget_centimes bigint NOT NULL CHECK (budget_centimes > 0),
    spent_centimes bigint NOT NULL CHECK (spent_centimes >= 0 AND spent_centimes <= budget_centimes),
    voters integer NOT NULL CHECK (voters >= 0),
    pb_sha256 text NOT NULL CHECK (pb_sha256 ~ '^[0-9a-f]{64}$'),
    trace jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    computed_by text NOT NULL,
    published_at timestamptz,
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id),
    FOREIGN KEY (commune_id, district_id) REFERENCES districts (commune_id, id)
);
CREATE UNIQUE INDEX tallies_one_published ON tallies (cycle_id, coalesce(district_id, 0)) WHERE published_at IS NOT NULL;

CREATE TABLE tally_projects (
    tally_id integer NOT NULL REFERENCES tallies (id),
    proposal_id integer NOT NULL REFERENCES proposals (id),
    cost_centimes bigint NOT NULL CHECK (cost_centimes > 0),
    supporters integer NOT NULL CHECK (supporters >= 0),
    score bigint NOT NULL CHECK (score >= 0),
    funded boolean NOT NULL,
    round integer CHECK (round >= 1),
    explanation jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (tally_id, proposal_id)
);

CREATE FUNCTION tallies_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.published_at IS NOT NULL THEN
            RAISE EXCEPTION 'tally % is published and cannot be deleted', OLD.id USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.published_at IS NOT NULL THEN
        RAISE EXCEPTION 'tally % is published and frozen', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tallies_frozen BEFORE UPDATE OR DELETE ON tallies FOR EACH ROW EXECUTE FUNCTION tallies_frozen();

CREATE FUNCTION tally_projects_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tallies WHERE id = coalesce(OLD.tally_id, NEW.tally_id) AND published_at IS NOT NULL) THEN
        RAISE EXCEPTION 'the projects of a published tally are frozen' USING ERRCODE = 'check_violation';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER tally_projects_frozen BEFORE UPDATE OR DELETE ON tally_projects FOR EACH ROW EXECUTE FUNCTION tally_projects_frozen();

-- Progress of funded projects: dated, append-only.
CREATE TABLE implementation_updates (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL,
    proposal_id integer NOT NULL,
    status text NOT NULL CHECK (status IN ('planned', 'tendering', 'in_progress', 'completed', 'stalled', 'cancelled')),
    progress_percent smallint NOT NULL CHECK (progress_percent BETWEEN 0 AND 100),
    spent_centimes bigint NOT NULL CHECK (spent_centimes >= 0),
    note text CHECK (char_length(note) <= 2000),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL,
    FOREIGN KEY (commune_id, proposal_id) REFERENCES proposals (commune_id, id)
);

-- Every state-changing action, hash-chained: hash = SHA-256(previous hash ‖ canonical entry), so a
-- modified, inserted or deleted row breaks the chain from that point on.
CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 200),
    action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]*$'),
    object text NOT NULL,
    details text NOT NULL,
    previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
    hash text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$')
);

-- What may happen in which phase, enforced where no code path can skip it.
CREATE FUNCTION cycle_phase_of(cycle integer) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT phase FROM cycles WHERE id = cycle
$$;

CREATE FUNCTION proposals_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(NEW.cycle_id);
BEGIN
    IF TG_OP = 'INSERT' AND current <> 'proposals' THEN
        RAISE EXCEPTION 'proposals can only be submitted while the cycle is in its proposals phase (it is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_phase';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.status, NEW.official_cost_centimes, NEW.merged_into)
            IS DISTINCT FROM (OLD.status, OLD.official_cost_centimes, OLD.merged_into) THEN
        IF NEW.status = 'hidden' AND current IN ('proposals', 'review') THEN
            RETURN NEW;
        END IF;
        IF current <> 'review' THEN
            RAISE EXCEPTION 'proposals can only be reviewed while the cycle is in review (it is in %)', current
                USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_phase';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER proposals_phase_guard BEFORE INSERT OR UPDATE ON proposals FOR EACH ROW EXECUTE FUNCTION proposals_phase_guard();

CREATE FUNCTION votes_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(coalesce(NEW.cycle_id, OLD.cycle_id));
BEGIN
    IF current <> 'voting' THEN
        RAISE EXCEPTION 'votes can only be cast while the cycle is in its voting phase (it is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'votes_phase';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER participation_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON participation
    FOR EACH ROW EXECUTE FUNCTION votes_phase_guard();
CREATE TRIGGER ballots_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON ballots
    FOR EACH ROW EXECUTE FUNCTION votes_phase_guard();
CREATE TRIGGER ballot_choices_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON ballot_choices
    FOR EACH ROW EXECUTE FUNCTION votes_phase_guard();

CREATE FUNCTION registry_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(coalesce(NEW.cycle_id, OLD.cycle_id));
BEGIN
    IF cycle_phase_rank(current) > cycle_phase_rank('voting') THEN
        RAISE EXCEPTION 'the registry and the codes are closed once voting has ended (the cycle is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'registry_phase';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER registry_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON registry_entries
    FOR EACH ROW EXECUTE FUNCTION registry_phase_guard();
CREATE TRIGGER voting_codes_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON voting_codes
    FOR EACH ROW EXECUTE FUNCTION registry_phase_guard();

-- Full-text search over proposals in Arabic, French, English and a language-neutral form.
-- Arabic is normalised first (hamza forms of alef, taa marbuta, alef maqsura, diacritics and
-- tatweel) so that spelling variants citizens type find each other.
CREATE FUNCTION mizan_normalize_arabic(input text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(
        regexp_replace(input, '[\u064B-\u065F\u0670\u0640]', '', 'g'),
        'أإآٱةى', 'اااهي')
$$;

ALTER TABLE proposals ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', mizan_normalize_arabic(title)), 'A')
    || setweight(to_tsvector('arabic', mizan_normalize_arabic(title)), 'A')
    || setweight(to_tsvector('french', title), 'A')
    || setweight(to_tsvector('english', title), 'A')
    || to_tsvector('simple', mizan_normalize_arabic(description || ' ' || category || ' ' || coalesce(location, '')))
    || to_tsvector('arabic', mizan_normalize_arabic(description))
    || to_tsvector('french', description)
    || to_tsvector('english', description)
) STORED;
CREATE INDEX proposals_search_idx ON proposals USING gin (search_vector);

-- Eligibility attempts, for rate limiting per client and per registry entry across web servers.
CREATE TABLE eligibility_attempts (
    key text NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eligibility_attempts_key_idx ON eligibility_attempts (key, attempted_at);

-- Casting a ballot in one statement, so many ballots can share one transaction and one disk flush
-- (group commit) without any of them raising an error that would abort the others: a voter who
-- already voted on another channel gets 'already:<channel>' back instead of an exception.
CREATE FUNCTION cast_ballot(
    p_cycle integer, p_commune integer, p_voter_key bytea, p_channel text, p_district integer,
    p_pseudonym bytea, p_receipt text, p_projects integer[], p_weights integer[]
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    was_replaced boolean;
    earlier text;
    new_ballot bigint;
BEGIN
    INSERT INTO participation (cycle_id, commune_id, voter_key, channel, district_id)
    VALUES (p_cycle, p_commune, p_voter_key, p_channel, p_district)
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
