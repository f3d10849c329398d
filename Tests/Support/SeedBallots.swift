/// A test-only way to fill a cycle with many known ballots in one statement, for suites about what
/// happens to ballots after voting (tallies, results pages, dashboards, exports), not about casting.
///
/// `seed_ballot` keeps the argument list of the former `cast_ballot` and writes the participation
/// row and the ballot in the clear, in one transaction: exactly the linkable shape the service no
/// longer writes. It exists only in the test template database; casting itself is tested through
/// `CastBallot` and the ballot boxes, and closing voting through `MixBallots`.
enum SeedBallots {
    static let function = """
        CREATE FUNCTION seed_ballot(
            p_cycle integer, p_commune integer, p_voter_key bytea, p_channel text, p_district integer,
            p_pseudonym bytea, p_receipt text, p_projects integer[], p_weights integer[]
        ) RETURNS text LANGUAGE plpgsql AS $$
        DECLARE
            new_ballot bigint;
        BEGIN
            INSERT INTO participation (cycle_id, commune_id, voter_key, channel, district_id)
            VALUES (p_cycle, p_commune, p_voter_key, p_channel, p_district);
            INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel, district_id)
            VALUES (p_commune, p_cycle, p_pseudonym, p_receipt, p_channel, p_district)
            RETURNING id INTO new_ballot;
            INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
            SELECT new_ballot, p_cycle, c.p, c.w FROM unnest(p_projects, p_weights) AS c (p, w);
            RETURN 'stored';
        END
        $$;
        """
}
