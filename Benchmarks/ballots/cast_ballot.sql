-- pgbench: the statement the ballot POST runs for each ballot, one transaction each: the
-- participation row and a sealed ballot of the size the service writes for a three-project cycle
-- (284 bytes: 256 padded bytes, nonce and tag).
\set id random(1, 2000000000)
SELECT cast_ballot(:cycle::int, :commune::int, decode(lpad(to_hex(:id::int), 64, '0'), 'hex'), 'web', NULL::int,
                   substr(decode(repeat(md5(:id::text), 18), 'hex'), 1, 284),
                   sha256(convert_to('receipt:' || :id, 'UTF8')), sha256(convert_to('submission:' || :id, 'UTF8')), NULL::bytea);
