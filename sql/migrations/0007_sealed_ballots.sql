-- Ballots that cannot be linked to their voter without the server secret (SECURITY.md).
--
-- Before this migration one statement wrote who voted (participation) and what was voted (ballots)
-- in the same transaction: the rows shared their xmin, and ballot ids followed the order of
-- participation.voted_at, so anyone who could read the tables could join them.
--
-- Now a vote writes its participation row and a sealed ballot beside it: the ballot's content,
-- receipt code and channel encrypted with a key derived from the server secret (ChaCha20-Poly1305,
-- done by the service; the database never sees the key). Nothing in the ballots table is written
-- while the voter is voting. When voting closes, the service opens every sealed ballot of the
-- cycle, shuffles them, and writes them into ballots, with random ids and no time, in that shuffled
-- order, in the same transaction that closes voting; the sealed rows are deleted there too. All
-- ballots of a cycle then share one transaction, and their physical order is the shuffle's.

CREATE TABLE sealed_ballots (
    cycle_id integer NOT NULL,
    voter_key bytea NOT NULL,
    -- nonce ‖ ciphertext ‖ tag of the ballot's receipt code, channel, district and marks.
    sealed bytea NOT NULL CHECK (octet_length(sealed) BETWEEN 28 AND 100000),
    -- HMAC of the receipt code with a key derived from the server secret: finds a sealed ballot by
    -- the code its voter holds (to check it, or to prove it is theirs when replacing it), while the
    -- published receipt codes cannot be matched to these rows without the secret.
    receipt_tag bytea NOT NULL UNIQUE CHECK (octet_length(receipt_tag) = 32),
    -- HMAC of the one-time token of the form (or paper line) the ballot came from: the same
    -- submission sent twice is recognised and answered as the first time, never as a replacement.
    submission_tag bytea NOT NULL UNIQUE CHECK (octet_length(submission_tag) = 32),
    PRIMARY KEY (cycle_id, voter_key),
    FOREIGN KEY (cycle_id, voter_key) REFERENCES participation (cycle_id, voter_key)
);

CREATE TRIGGER sealed_ballots_phase_guard BEFORE INSERT OR UPDATE OR DELETE ON sealed_ballots
    FOR EACH ROW EXECUTE FUNCTION votes_phase_guard();

-- Mixed ballots get random ids (the default here; the mixer inserts in shuffled order) and no
-- pseudonym: once mixed, nothing on a ballot refers to its voter, even for someone holding the
-- secret. Ballots stored before this migration keep theirs.
ALTER TABLE ballots ALTER COLUMN id DROP IDENTITY;
ALTER TABLE ballots ALTER COLUMN id SET DEFAULT (1 + floor(random() * 9000000000000000000))::bigint;
ALTER TABLE ballots ALTER COLUMN pseudonym DROP NOT NULL;

-- Voting closes only once every sealed ballot is mixed, and with exactly one ballot per voter who
-- took part: the database's last word on one person, one vote.
CREATE FUNCTION cycles_voting_closes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sealed bigint;
    voters bigint;
    stored bigint;
BEGIN
    IF OLD.phase = 'voting' AND NEW.phase <> 'voting' THEN
        SELECT count(*) INTO sealed FROM sealed_ballots WHERE cycle_id = OLD.id;
        IF sealed > 0 THEN
            RAISE EXCEPTION 'cycle %: % sealed ballot(s) must be mixed into the ballots before voting closes', OLD.id, sealed
                USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_ballots_mixed';
        END IF;
        SELECT count(*) INTO voters FROM participation WHERE cycle_id = OLD.id;
        SELECT count(*) INTO stored FROM ballots WHERE cycle_id = OLD.id;
        IF voters <> stored THEN
            RAISE EXCEPTION 'cycle %: % voter(s) took part but % ballot(s) are stored', OLD.id, voters, stored
                USING ERRCODE = 'check_violation', CONSTRAINT = 'cycles_one_ballot_per_voter';
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER cycles_voting_closes BEFORE UPDATE OF phase ON cycles FOR EACH ROW EXECUTE FUNCTION cycles_voting_closes();

-- Casting a ballot in one statement, so many ballots can share one transaction and one disk flush
-- (group commit) without any of them raising an error that would abort the others. It answers:
--   stored             the ballot is recorded (also when this very submission was recorded before);
--   replaced           the voter's earlier ballot on this channel is replaced by this one;
--   already:<channel>  the voter voted on another channel, or on paper: nothing changes;
--   needs-receipt      the voter voted on this channel already, and a replacement must give the
--                      receipt code of the ballot it replaces (p_proof_tag): nothing changes;
--   form-used          this submission token was used by another voter: nothing changes.
DROP FUNCTION cast_ballot(integer, integer, bytea, text, integer, bytea, text, integer[], integer[]);
CREATE FUNCTION cast_ballot(
    p_cycle integer, p_commune integer, p_voter_key bytea, p_channel text, p_district integer,
    p_sealed bytea, p_receipt_tag bytea, p_submission_tag bytea, p_proof_tag bytea
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    earlier text;
    current_submission bytea;
    current_receipt bytea;
BEGIN
    IF EXISTS (SELECT 1 FROM sealed_ballots WHERE submission_tag = p_submission_tag
               AND (cycle_id, voter_key) <> (p_cycle, p_voter_key)) THEN
        RETURN 'form-used';
    END IF;
    INSERT INTO participation (cycle_id, commune_id, voter_key, channel, district_id)
    VALUES (p_cycle, p_commune, p_voter_key, p_channel, p_district)
    ON CONFLICT (cycle_id, voter_key) DO NOTHING;
    IF FOUND THEN
        INSERT INTO sealed_ballots (cycle_id, voter_key, sealed, receipt_tag, submission_tag)
        VALUES (p_cycle, p_voter_key, p_sealed, p_receipt_tag, p_submission_tag);
        RETURN 'stored';
    END IF;
    SELECT p.channel, s.submission_tag, s.receipt_tag INTO earlier, current_submission, current_receipt
    FROM participation p LEFT JOIN sealed_ballots s ON s.cycle_id = p.cycle_id AND s.voter_key = p.voter_key
    WHERE p.cycle_id = p_cycle AND p.voter_key = p_voter_key
    FOR UPDATE OF p;
    IF current_submission = p_submission_tag THEN
        RETURN 'stored';
    END IF;
    IF earlier <> p_channel OR earlier = 'paper' OR current_receipt IS NULL THEN
        RETURN 'already:' || earlier;
    END IF;
    IF p_proof_tag IS NULL OR p_proof_tag <> current_receipt THEN
        RETURN 'needs-receipt';
    END IF;
    UPDATE participation SET voted_at = now() WHERE cycle_id = p_cycle AND voter_key = p_voter_key;
    UPDATE sealed_ballots SET sealed = p_sealed, receipt_tag = p_receipt_tag, submission_tag = p_submission_tag
    WHERE cycle_id = p_cycle AND voter_key = p_voter_key;
    RETURN 'replaced';
END
$$;
