-- How a cycle counts beyond the name of its winner rule, chosen when it is created and frozen with
-- the other rules once voting opens:
--   * the rule `equalshares`: the Method of Equal Shares as equalshares.net's compute tool runs it,
--     its options kept as the engine's key (`equalshares/add1?comparison=satisfaction`);
--   * thresholds that apply with every rule (`min-votes=50&min-share=10%&share-of=district&
--     cost-divisor=3&fund-next-at=80%`; empty when none). Every outcome records the thresholds it
--     was computed with, and the export writes them into the `.pb` META.
ALTER TABLE cycles DROP CONSTRAINT cycles_rule_check;
ALTER TABLE cycles ADD CONSTRAINT cycles_rule_check CHECK (rule IN ('greedy', 'mes', 'phragmen', 'equalshares'));
ALTER TABLE cycles
    ADD COLUMN equalshares_options text NOT NULL DEFAULT 'equalshares/add1'
        CHECK (equalshares_options ~ '^equalshares/[a-z0-9]+(\?[A-Za-z0-9=&,]+)?$'),
    ADD COLUMN thresholds text NOT NULL DEFAULT ''
        CHECK (thresholds ~ '^([a-z-]+=[A-Za-z0-9./%]+(&[a-z-]+=[A-Za-z0-9./%]+)*)?$');

CREATE OR REPLACE FUNCTION cycles_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.phase <> OLD.phase AND cycle_phase_rank(NEW.phase) <> cycle_phase_rank(OLD.phase) + 1 THEN
        RAISE EXCEPTION 'cycle % cannot move from % to %: phases only move one step forward', OLD.id, OLD.phase, NEW.phase
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_phase_forward';
    END IF;
    IF cycle_phase_rank(OLD.phase) >= cycle_phase_rank('voting') AND (
        NEW.ballot_kind, NEW.min_choices, NEW.max_choices, NEW.points_total, NEW.points_cap, NEW.rank_depth,
        NEW.rule, NEW.tie_break, NEW.budget_centimes, NEW.equalshares_options, NEW.thresholds
    ) IS DISTINCT FROM (
        OLD.ballot_kind, OLD.min_choices, OLD.max_choices, OLD.points_total, OLD.points_cap, OLD.rank_depth,
        OLD.rule, OLD.tie_break, OLD.budget_centimes, OLD.equalshares_options, OLD.thresholds
    ) THEN
        RAISE EXCEPTION 'cycle %: the ballot and winner rules, their options and the budget are frozen once voting opens', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_rules_frozen';
    END IF;
    IF NEW.commune_id <> OLD.commune_id THEN
        RAISE EXCEPTION 'a cycle cannot change commune' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- Funding the next project at a share of its cost may spend past the budget (the commune tops it
-- up); only an outcome computed with that option may.
ALTER TABLE tallies ADD COLUMN thresholds text NOT NULL DEFAULT '';

-- The account published beside an outcome: effective support, where the money of an unfunded
-- project's supporters went, each voter's share before and after completion, greedy compared
-- (TallyAccount). Absent for outcomes computed before it was kept.
ALTER TABLE tallies ADD COLUMN account jsonb;
DO $$
DECLARE
    old_check text;
BEGIN
    -- The column constraint of 0003 names two columns, so PostgreSQL chose its name; find it.
    SELECT conname INTO STRICT old_check FROM pg_constraint
    WHERE conrelid = 'tallies'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%spent_centimes <= budget_centimes%';
    EXECUTE format('ALTER TABLE tallies DROP CONSTRAINT %I', old_check);
END
$$;
ALTER TABLE tallies ADD CONSTRAINT tallies_spent_centimes_check CHECK (
    spent_centimes >= 0 AND (spent_centimes <= budget_centimes OR thresholds LIKE '%fund-next-at=%'));

-- A hidden proposal can be shown again (back to submitted) while it could be hidden: before
-- voting opens. Every other change of status still waits for the review phase.
CREATE OR REPLACE FUNCTION proposals_phase_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(NEW.cycle_id);
BEGIN
    IF TG_OP = 'INSERT' AND current <> 'proposals' THEN
        RAISE EXCEPTION 'proposals can only be submitted while the cycle is in its proposals phase (it is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposals_phase';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.status, NEW.official_cost_centimes, NEW.merged_into)
            IS DISTINCT FROM (OLD.status, OLD.official_cost_centimes, OLD.merged_into) THEN
        IF (NEW.status = 'hidden' OR (OLD.status = 'hidden' AND NEW.status = 'submitted')) AND current IN ('proposals', 'review') THEN
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

-- District envelopes are part of the rules voters are told: like the budget, they are frozen
-- once voting opens, whoever asks.
CREATE FUNCTION district_envelopes_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(coalesce(NEW.cycle_id, OLD.cycle_id));
BEGIN
    IF cycle_phase_rank(current) >= cycle_phase_rank('voting') THEN
        RAISE EXCEPTION 'district envelopes are frozen once voting opens (the cycle is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'district_envelopes_frozen';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER district_envelopes_frozen BEFORE INSERT OR UPDATE OR DELETE ON district_envelopes
    FOR EACH ROW EXECUTE FUNCTION district_envelopes_frozen();

-- Paper ballots that count for no project, per polling place, as Moroccan counts report them
-- (spoiled: unreadable or marked against the rules; blank: no mark). Recorded while voting is open
-- or once it is closed, until the outcome is published; one row per place, corrected in place.
CREATE TABLE paper_counts (
    cycle_id integer NOT NULL,
    commune_id integer NOT NULL,
    place text NOT NULL CHECK (char_length(btrim(place)) BETWEEN 1 AND 200 AND place = btrim(place)),
    spoiled integer NOT NULL CHECK (spoiled >= 0),
    blank integer NOT NULL CHECK (blank >= 0),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by text NOT NULL,
    PRIMARY KEY (cycle_id, place),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id)
);

CREATE FUNCTION paper_counts_phase() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(coalesce(NEW.cycle_id, OLD.cycle_id));
BEGIN
    IF current NOT IN ('voting', 'tallied') THEN
        RAISE EXCEPTION 'spoiled and blank paper ballots are recorded while voting is open or closed, before publication (the cycle is in %)', current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'paper_counts_phase';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER paper_counts_phase BEFORE INSERT OR UPDATE OR DELETE ON paper_counts
    FOR EACH ROW EXECUTE FUNCTION paper_counts_phase();

-- A milestone of a funded project's works can point to a photo or a document (an https address,
-- shown as a link on the results page's timeline).
ALTER TABLE implementation_updates
    ADD COLUMN link text CHECK (link IS NULL OR (char_length(link) <= 500 AND link ~ '^https://[A-Za-z0-9.-]+(:[0-9]+)?(/[^[:space:]<>"]*)?$'));

-- A commune's count officers enter paper ballots and nothing else.
DO $$
DECLARE
    old_check text;
BEGIN
    SELECT conname INTO STRICT old_check FROM pg_constraint
    WHERE conrelid = 'staff_accounts'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%''auditor''%';
    EXECUTE format('ALTER TABLE staff_accounts DROP CONSTRAINT %I', old_check);
END
$$;
ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_role_check
    CHECK (role IN ('admin', 'reviewer', 'auditor', 'count-officer'));
