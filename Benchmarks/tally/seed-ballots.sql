-- One million approval ballots for the tally/export benchmark, generated inside PostgreSQL.
--
-- Run against a database where `mizan cycle create ... --ballot approval --max 5` made cycle 1 and
-- `mizan cycle advance 1` moved it to proposals:
--   psql "$DATABASE_URL" -v ballots=1000000 -f Benchmarks/tally/seed-ballots.sql
-- It adds 30 projects (costs 137,000 to 1,210,000 MAD), accepts them, one registry entry, opens
-- voting, and writes the ballots straight into ballots/ballot_choices (1 to 5 choices each, more
-- popular projects first, channels 60 % web, 20 % code, 20 % paper). Afterwards close voting with
-- `mizan cycle advance 1`. Who-voted rows (participation) are not generated: tally and export
-- never read them.
\set ON_ERROR_STOP on
SELECT setseed(0.42);

INSERT INTO proposals (commune_id, cycle_id, title, description, category, estimated_cost_centimes)
SELECT y.commune_id, y.id, 'Projet ' || g, 'Projet de quartier numéro ' || g, 'Voirie', (100000 + g * 37000)::bigint * 100
FROM cycles y, generate_series(1, 30) g WHERE y.id = 1;

UPDATE cycles SET phase = 'review' WHERE id = 1;
UPDATE proposals SET status = 'accepted', official_cost_centimes = estimated_cost_centimes WHERE cycle_id = 1;
INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date)
SELECT commune_id, id, sha256('bench-voter'::bytea), DATE '1990-01-01' FROM cycles WHERE id = 1;
UPDATE cycles SET phase = 'voting' WHERE id = 1;

INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel)
SELECT y.commune_id, y.id, sha256(('bench-pseudonym-' || g)::bytea),
       upper(substr(md5('bench-receipt-' || g), 1, 4) || '-' || substr(md5('bench-receipt-' || g), 5, 4) || '-'
             || substr(md5('bench-receipt-' || g), 9, 4) || '-' || substr(md5('bench-receipt-' || g), 13, 4)),
       (ARRAY['web', 'web', 'web', 'code', 'paper'])[1 + g % 5]
FROM cycles y, generate_series(1, :ballots) g WHERE y.id = 1;

INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
SELECT b.id, b.cycle_id, p.ids[1 + floor(30 * power(random(), 1.7))::int], 1
FROM ballots b
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM proposals WHERE cycle_id = 1) p
CROSS JOIN LATERAL generate_series(1, 1 + (b.id % 5)::int) k
WHERE b.cycle_id = 1
ON CONFLICT DO NOTHING;

ANALYZE ballots;
ANALYZE ballot_choices;
SELECT count(*) AS ballots, (SELECT count(*) FROM ballot_choices) AS choices FROM ballots;
