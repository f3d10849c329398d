-- Petitions to the commune council (organic law 113-14 on communes, arts. 121-125; decree
-- 2.16.403 on their form). An agent files a draft; residents sign it online (identified against
-- the commune's registry) or on paper sheets that staff enter; once enough have signed, the agent
-- files it with the council's president, whose bureau decides whether it is admissible (or
-- rejects it with reasons); an admissible petition is scheduled for a session and answered.
--
-- The rules that must hold whatever the code does are here: the states move only along that
-- path, a petition is filed only with as many signatures as the threshold recorded with it, a
-- signature is added only while signatures are collected, one per person per petition (whatever
-- the channel), never changed or removed, and a petition's text never changes once drafted
-- (signers signed that text).

-- A commune's own minimum of signatures, replacing the legal table (MizanCore's
-- `PetitionThreshold`) for its new filings; set by staff with a reason the audit log keeps.
CREATE TABLE petition_threshold_overrides (
    commune_id integer PRIMARY KEY REFERENCES communes (id),
    minimum_signatures integer NOT NULL CHECK (minimum_signatures BETWEEN 1 AND 1000000),
    reason text NOT NULL CHECK (char_length(btrim(reason)) BETWEEN 1 AND 500),
    set_by text NOT NULL CHECK (char_length(set_by) BETWEEN 1 AND 200),
    set_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE petitions (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    commune_id integer NOT NULL REFERENCES communes (id),
    kind text NOT NULL CHECK (kind IN ('citizens', 'association')),
    -- The agent (وكيل): named on the petition, and identified against the registry like a signer,
    -- so only the HMAC of their national ID number is kept.
    agent_name text NOT NULL CHECK (char_length(btrim(agent_name)) BETWEEN 2 AND 200),
    agent_key bytea NOT NULL CHECK (octet_length(agent_key) = 32),
    association_name text CHECK (char_length(btrim(association_name)) BETWEEN 2 AND 200),
    association_registration text CHECK (char_length(btrim(association_registration)) BETWEEN 1 AND 100),
    association_seat text CHECK (char_length(btrim(association_seat)) BETWEEN 2 AND 300),
    title text NOT NULL CHECK (char_length(btrim(title)) BETWEEN 5 AND 200),
    demands text NOT NULL CHECK (char_length(btrim(demands)) BETWEEN 10 AND 5000),
    reasons text NOT NULL CHECK (char_length(btrim(reasons)) BETWEEN 10 AND 5000),
    language text NOT NULL CHECK (language IN ('ar', 'fr', 'en', 'zgh')),
    state text NOT NULL DEFAULT 'collecting'
        CHECK (state IN ('collecting', 'filed', 'admissible', 'rejected', 'scheduled', 'answered')),
    -- Fixed at filing: the minimum that applied, and how many had signed.
    threshold integer CHECK (threshold >= 0),
    signatures_at_filing integer CHECK (signatures_at_filing >= 0),
    rejection_reasons text CHECK (char_length(btrim(rejection_reasons)) BETWEEN 1 AND 5000),
    session_name text CHECK (char_length(btrim(session_name)) BETWEEN 1 AND 200),
    session_date date,
    answer text CHECK (char_length(btrim(answer)) BETWEEN 1 AND 10000),
    created_at timestamptz NOT NULL DEFAULT now(),
    filed_at timestamptz,
    decided_at timestamptz,
    scheduled_at timestamptz,
    answered_at timestamptz,
    UNIQUE (commune_id, id),
    CHECK ((kind = 'association') = (association_name IS NOT NULL AND association_registration IS NOT NULL
        AND association_seat IS NOT NULL)),
    CHECK (kind = 'association' OR (association_name, association_registration, association_seat) IS NULL),
    CHECK (state = 'collecting' OR (filed_at IS NOT NULL AND threshold IS NOT NULL AND signatures_at_filing IS NOT NULL)),
    CHECK (state NOT IN ('admissible', 'rejected', 'scheduled', 'answered') OR decided_at IS NOT NULL),
    CHECK ((state = 'rejected') = (rejection_reasons IS NOT NULL)),
    CHECK (state NOT IN ('scheduled', 'answered') OR (session_name IS NOT NULL AND session_date IS NOT NULL AND scheduled_at IS NOT NULL)),
    CHECK ((state = 'answered') = (answer IS NOT NULL AND answered_at IS NOT NULL))
);
CREATE INDEX petitions_commune_idx ON petitions (commune_id, id);

-- One row per signer and petition: the primary key is the one-signature rule, for both
-- channels at once. signer_key is the registry's HMAC of the national ID number.
CREATE TABLE petition_signatures (
    petition_id integer NOT NULL,
    commune_id integer NOT NULL,
    signer_key bytea NOT NULL CHECK (octet_length(signer_key) = 32),
    channel text NOT NULL CHECK (channel IN ('online', 'paper')),
    -- Paper only: the staff member who entered the line.
    entered_by text CHECK (char_length(entered_by) BETWEEN 1 AND 200),
    signed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (petition_id, signer_key),
    FOREIGN KEY (commune_id, petition_id) REFERENCES petitions (commune_id, id),
    CHECK ((channel = 'paper') = (entered_by IS NOT NULL))
);

-- The path a petition takes, its text frozen, and the dates of each step set by the database.
CREATE FUNCTION petitions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    signed integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'petition %: petitions are never deleted', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_kept';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'collecting' OR NEW.threshold IS NOT NULL OR NEW.filed_at IS NOT NULL THEN
            RAISE EXCEPTION 'a petition starts as a draft collecting signatures'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_state_path';
        END IF;
        NEW.created_at := now();
        RETURN NEW;
    END IF;
    IF (NEW.commune_id, NEW.kind, NEW.agent_name, NEW.agent_key, NEW.association_name, NEW.association_registration,
        NEW.association_seat, NEW.title, NEW.demands, NEW.reasons, NEW.language, NEW.created_at)
       IS DISTINCT FROM (OLD.commune_id, OLD.kind, OLD.agent_name, OLD.agent_key, OLD.association_name,
        OLD.association_registration, OLD.association_seat, OLD.title, OLD.demands, OLD.reasons, OLD.language, OLD.created_at) THEN
        RAISE EXCEPTION 'petition %: its text and agent are frozen once drafted (signers signed that text)', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_text_frozen';
    END IF;
    IF NEW.state = OLD.state THEN
        IF ROW(NEW.*) IS DISTINCT FROM ROW(OLD.*) THEN
            RAISE EXCEPTION 'petition %: nothing changes without a change of state', OLD.id
                USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_state_path';
        END IF;
        RETURN NEW;
    END IF;
    IF NOT ((OLD.state = 'collecting' AND NEW.state = 'filed')
         OR (OLD.state = 'filed' AND NEW.state IN ('admissible', 'rejected'))
         OR (OLD.state = 'admissible' AND NEW.state = 'scheduled')
         OR (OLD.state = 'scheduled' AND NEW.state = 'answered')) THEN
        RAISE EXCEPTION 'petition % cannot move from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_state_path';
    END IF;
    -- What an earlier step fixed stays as it was.
    IF OLD.state <> 'collecting' AND (NEW.threshold, NEW.signatures_at_filing, NEW.filed_at)
            IS DISTINCT FROM (OLD.threshold, OLD.signatures_at_filing, OLD.filed_at)
       OR OLD.state NOT IN ('collecting', 'filed') AND (NEW.decided_at, NEW.rejection_reasons)
            IS DISTINCT FROM (OLD.decided_at, OLD.rejection_reasons)
       OR OLD.state = 'scheduled' AND (NEW.session_name, NEW.session_date, NEW.scheduled_at)
            IS DISTINCT FROM (OLD.session_name, OLD.session_date, OLD.scheduled_at) THEN
        RAISE EXCEPTION 'petition %: an earlier step cannot be rewritten', OLD.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_state_path';
    END IF;
    CASE NEW.state
    WHEN 'filed' THEN
        -- The row lock this UPDATE holds makes signatures wait (they lock the petition too), so
        -- the count is final: nothing can be added once it says "filed".
        SELECT count(*) INTO signed FROM petition_signatures WHERE petition_id = NEW.id;
        IF NEW.threshold IS NULL OR signed < NEW.threshold THEN
            RAISE EXCEPTION 'petition % has % signature(s); filing needs %', OLD.id, signed, NEW.threshold
                USING ERRCODE = 'check_violation', CONSTRAINT = 'petitions_threshold';
        END IF;
        NEW.signatures_at_filing := signed;
        NEW.filed_at := now();
    WHEN 'admissible', 'rejected' THEN NEW.decided_at := now();
    WHEN 'scheduled' THEN NEW.scheduled_at := now();
    WHEN 'answered' THEN NEW.answered_at := now();
    END CASE;
    RETURN NEW;
END
$$;
CREATE TRIGGER petitions_guard BEFORE INSERT OR UPDATE OR DELETE ON petitions
    FOR EACH ROW EXECUTE FUNCTION petitions_guard();

-- Signatures are added while signatures are collected, and never changed or removed.
CREATE FUNCTION petition_signatures_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'petition signatures are never changed or removed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petition_signatures_kept';
    END IF;
    -- A share lock on the petition: its filing (an UPDATE) waits for this signature's transaction.
    SELECT state INTO current FROM petitions WHERE id = NEW.petition_id FOR SHARE;
    IF current IS DISTINCT FROM 'collecting' THEN
        RAISE EXCEPTION 'petition % no longer collects signatures (it is %)', NEW.petition_id, coalesce(current, 'missing')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'petition_signatures_collecting';
    END IF;
    NEW.signed_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER petition_signatures_guard BEFORE INSERT OR UPDATE OR DELETE ON petition_signatures
    FOR EACH ROW EXECUTE FUNCTION petition_signatures_guard();

-- Who may be identified as a resident of a commune: anyone in the registry of one of its cycles.
CREATE INDEX registry_entries_commune_key_idx ON registry_entries (commune_id, national_id_hmac);

-- The supports phase a cycle may choose: while it takes proposals, residents support the
-- proposals submitted so far (CONSUL's supports, Decidim's endorsements), so that review sees
-- what residents want. One support per person per proposal (the key), at most `per_person`
-- proposals per person in the cycle, and only in the proposals phase, all enforced here.
CREATE TABLE support_phases (
    cycle_id integer PRIMARY KEY,
    commune_id integer NOT NULL,
    per_person integer NOT NULL CHECK (per_person BETWEEN 1 AND 1000),
    set_by text NOT NULL CHECK (char_length(set_by) BETWEEN 1 AND 200),
    set_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (commune_id, cycle_id) REFERENCES cycles (commune_id, id)
);

CREATE TABLE proposal_supports (
    proposal_id integer NOT NULL,
    cycle_id integer NOT NULL,
    supporter_key bytea NOT NULL CHECK (octet_length(supporter_key) = 32),
    supported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (proposal_id, supporter_key),
    FOREIGN KEY (cycle_id, proposal_id) REFERENCES proposals (cycle_id, id)
);
CREATE INDEX proposal_supports_supporter_idx ON proposal_supports (cycle_id, supporter_key);

-- The option is chosen before review begins, and kept from then on.
CREATE FUNCTION support_phases_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current text := cycle_phase_of(coalesce(NEW.cycle_id, OLD.cycle_id));
BEGIN
    IF current NOT IN ('draft', 'proposals') OR TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the supports phase is chosen before review begins (cycle % is in %) and never removed', coalesce(NEW.cycle_id, OLD.cycle_id), current
            USING ERRCODE = 'check_violation', CONSTRAINT = 'support_phases_before_review';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER support_phases_guard BEFORE INSERT OR UPDATE OR DELETE ON support_phases
    FOR EACH ROW EXECUTE FUNCTION support_phases_guard();

CREATE FUNCTION proposal_supports_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    allowed integer;
    given integer;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'supports are never changed or removed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposal_supports_kept';
    END IF;
    -- A share lock on the cycle: advancing it to review waits for supports in flight.
    PERFORM 1 FROM cycles WHERE id = NEW.cycle_id AND phase = 'proposals' FOR SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'proposals are supported only while cycle % takes proposals', NEW.cycle_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposal_supports_phase';
    END IF;
    SELECT per_person INTO allowed FROM support_phases WHERE cycle_id = NEW.cycle_id;
    IF allowed IS NULL THEN
        RAISE EXCEPTION 'cycle % has no supports phase', NEW.cycle_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposal_supports_phase';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM proposals WHERE id = NEW.proposal_id AND status = 'submitted') THEN
        RAISE EXCEPTION 'proposal % cannot be supported (only submitted proposals can)', NEW.proposal_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposal_supports_submitted';
    END IF;
    -- One person's supports are counted one at a time, so two at once cannot pass the limit.
    PERFORM pg_advisory_xact_lock(NEW.cycle_id, hashtext(encode(NEW.supporter_key, 'hex')));
    SELECT count(*) INTO given FROM proposal_supports WHERE cycle_id = NEW.cycle_id AND supporter_key = NEW.supporter_key;
    IF given >= allowed THEN
        RAISE EXCEPTION 'a person supports at most % proposal(s) in cycle %', allowed, NEW.cycle_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'proposal_supports_limit';
    END IF;
    NEW.supported_at := now();
    RETURN NEW;
END
$$;
CREATE TRIGGER proposal_supports_guard BEFORE INSERT OR UPDATE OR DELETE ON proposal_supports
    FOR EACH ROW EXECUTE FUNCTION proposal_supports_guard();
