-- A Casablanca cycle with 1,000,000 voters for the participation dashboard benchmark, generated
-- inside PostgreSQL. Run it on a database migrated up to, not including, 0006, then apply 0006
-- (`mizan migrate`), which copies the registry profile of these votes onto participation:
--   psql "$DATABASE_URL" -v voters=1000000 -f Benchmarks/dashboard/seed-participation.sql
-- It creates the cycle, 40 proposals in 6 categories (30 accepted, 6 rejected, 4 hidden), a
-- registry of 1.2 × voters entries over the 16 arrondissements (sex F/M with 5 % unknown, born
-- 1940-2007), opens voting and writes who voted (participation, spread over 21 days, 70 % web,
-- 20 % paper, 10 % printed codes outside the registry) and what was voted (ballots with 1 or 2
-- choices), leaving the cycle in its voting phase.
\set ON_ERROR_STOP on
SELECT setseed(0.42);

INSERT INTO cycles (commune_id, year, title, budget_centimes, ballot_kind, min_choices, max_choices, rule)
SELECT id, 2026, 'Budget participatif de Casablanca 2026', 10000000000, 'approval', 1, 5, 'mes'
FROM communes WHERE code = '06.141.01.0';

SELECT id AS cycle, commune_id AS commune FROM cycles WHERE title = 'Budget participatif de Casablanca 2026' \gset
INSERT INTO cycle_phases (cycle_id, commune_id, phase, actor) VALUES (:cycle, :commune, 'draft', 'bench');
UPDATE cycles SET phase = 'proposals' WHERE id = :cycle;

INSERT INTO proposals (commune_id, cycle_id, title, description, category, district_id, estimated_cost_centimes)
SELECT :commune, :cycle, 'Projet ' || g, 'Projet de quartier numéro ' || g,
       (ARRAY['Voirie', 'Éclairage', 'Espaces verts', 'Sport', 'Culture', 'Propreté'])[1 + g % 6],
       (SELECT id FROM districts WHERE commune_id = :commune ORDER BY id OFFSET g % 16 LIMIT 1),
       (100000 + g * 37000)::bigint * 100
FROM generate_series(1, 40) g;

UPDATE cycles SET phase = 'review' WHERE id = :cycle;
UPDATE proposals SET status = 'accepted', official_cost_centimes = estimated_cost_centimes WHERE cycle_id = :cycle AND id % 40 < 30;
UPDATE proposals SET status = 'rejected', official_answer = 'Hors compétence communale' WHERE cycle_id = :cycle AND id % 40 BETWEEN 30 AND 35;
UPDATE proposals SET status = 'hidden', hidden_reason = 'Doublon' WHERE cycle_id = :cycle AND id % 40 > 35;

-- Registry: district skewed towards the first arrondissements; birth dates 1940-2007.
INSERT INTO registry_entries (commune_id, cycle_id, national_id_hmac, birth_date, district_id, sex, birth_year)
SELECT :commune, :cycle, sha256(('bench-voter-' || g)::bytea), b.birth_date,
       d.ids[1 + floor(16 * power(random(), 1.4))::int],
       CASE WHEN g % 20 = 0 THEN NULL WHEN g % 2 = 0 THEN 'F' ELSE 'M' END,
       extract(year FROM b.birth_date)::smallint
FROM generate_series(1, (:voters * 1.2)::int) g
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM districts WHERE commune_id = :commune) d
CROSS JOIN LATERAL (SELECT DATE '1940-01-01' + (floor(random() * 24800))::int + (g % 2) * 0 AS birth_date) b;
UPDATE cycles SET phase = 'voting' WHERE id = :cycle;

-- Who voted: registry voters 1..0.9 × voters (web 7 of 9, paper 2 of 9), then printed codes.
INSERT INTO participation (cycle_id, commune_id, voter_key, channel, voted_at, district_id)
SELECT :cycle, :commune, r.national_id_hmac, CASE WHEN r.id % 9 < 2 THEN 'paper' ELSE 'web' END,
       TIMESTAMPTZ '2026-03-01 08:00Z' + (power(random(), 1.3) * 21 * 86400) * interval '1 second', r.district_id
FROM registry_entries r WHERE r.cycle_id = :cycle AND r.id <= (SELECT min(id) FROM registry_entries WHERE cycle_id = :cycle) + (:voters * 0.9)::int - 1;
INSERT INTO participation (cycle_id, commune_id, voter_key, channel, voted_at, district_id)
SELECT :cycle, :commune, sha256(('bench-code-' || g)::bytea), 'code',
       TIMESTAMPTZ '2026-03-01 08:00Z' + (random() * 21 * 86400) * interval '1 second',
       (SELECT id FROM districts WHERE commune_id = :commune ORDER BY id LIMIT 1)
FROM generate_series(1, :voters - (:voters * 0.9)::int) g;

-- What was voted, apart from who.
INSERT INTO ballots (commune_id, cycle_id, pseudonym, receipt_code, channel)
SELECT :commune, :cycle, sha256(('bench-pseudonym-' || g)::bytea),
       upper(substr(md5('bench-receipt-' || g), 1, 4) || '-' || substr(md5('bench-receipt-' || g), 5, 4) || '-'
             || substr(md5('bench-receipt-' || g), 9, 4) || '-' || substr(md5('bench-receipt-' || g), 13, 4)),
       (ARRAY['web', 'web', 'web', 'web', 'web', 'web', 'web', 'paper', 'paper', 'code'])[1 + g % 10]
FROM generate_series(1, :voters) g;
INSERT INTO ballot_choices (ballot_id, cycle_id, proposal_id, weight)
SELECT b.id, b.cycle_id, p.ids[1 + ((b.id * 7 + k * 13) % 30)::int], 1
FROM ballots b
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM proposals WHERE cycle_id = :cycle AND status = 'accepted') p
CROSS JOIN LATERAL generate_series(1, 1 + (b.id % 2)::int) k
WHERE b.cycle_id = :cycle
ON CONFLICT DO NOTHING;

VACUUM ANALYZE registry_entries;
VACUUM ANALYZE participation;
VACUUM ANALYZE ballots;
SELECT (SELECT count(*) FROM participation WHERE cycle_id = :cycle) AS voters,
       (SELECT count(*) FROM ballots WHERE cycle_id = :cycle) AS ballots,
       (SELECT count(*) FROM registry_entries WHERE cycle_id = :cycle) AS registry;
