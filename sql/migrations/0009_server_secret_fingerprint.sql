-- Which server secret this database was set up with, so a command run with another secret (or one
-- that would create a new one) is refused instead of silently writing national-ID digests, ballot
-- pseudonyms and signatures that no longer match what is stored.
--
-- Only a fingerprint is kept: HMAC-SHA256(secret, "mizan secret fingerprint"). It identifies the
-- secret without revealing it or anything derived from it for another purpose. One row at most;
-- the service may read it and record it once (the grants after each migration withhold UPDATE and
-- DELETE from the service's role).

CREATE TABLE server_secret_fingerprint (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
