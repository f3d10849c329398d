-- pgbench: the statement the ballot POST runs for each ballot, one transaction each.
\set id random(1, 2000000000)
SELECT cast_ballot(:cycle::int, :commune::int, decode(lpad(to_hex(:id::int), 64, '0'), 'hex'), 'web', NULL::int,
                   decode(lpad(to_hex(:id::int), 64, 'f'), 'hex'),
                   upper(substr(md5(:id::text), 1, 4) || '-' || substr(md5(:id::text), 5, 4) || '-' || substr(md5(:id::text), 9, 4) || '-' || substr(md5(:id::text), 13, 4)),
                   ARRAY[:project1::int, :project2::int], ARRAY[1, 1]);
