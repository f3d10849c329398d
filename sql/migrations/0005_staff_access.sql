-- Staff accounts, their web sessions, and the failed logins that rate limiting counts.
-- No password and no session token is ever stored: accounts keep a slow salted hash, sessions the
-- SHA-256 of their token. Accounts are never deleted, only disabled, so the audit log's names
-- always refer to someone.

CREATE TABLE staff_accounts (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- As first typed; unique without regard to case (index below).
    username text NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$'),
    display_name text NOT NULL CHECK (char_length(btrim(display_name)) BETWEEN 1 AND 200 AND display_name !~ '[\r\n]'),
    role text NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor')),
    -- Self-describing: $algorithm$parameters$salt$hash, e.g. $scrypt$ln=15,r=8,p=1$…$….
    password_hash text NOT NULL CHECK (password_hash ~ '^\$[a-z0-9-]+\$[a-z0-9=,]+\$[A-Za-z0-9+/.]+\$[A-Za-z0-9+/.]+$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    CHECK (disabled_at IS NULL OR disabled_at >= created_at)
);
CREATE UNIQUE INDEX staff_accounts_username_key ON staff_accounts (lower(username));

-- One row per signed-in browser. A session ends at expires_at (absolute) or when unused for the
-- idle timeout the web tier applies to last_seen_at, whichever comes first; logging out, disabling
-- the account or changing its password deletes it.
CREATE TABLE staff_sessions (
    token_hash bytea PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    account_id integer NOT NULL REFERENCES staff_accounts (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CHECK (last_seen_at >= created_at),
    CHECK (expires_at > created_at)
);
CREATE INDEX staff_sessions_account_idx ON staff_sessions (account_id);
CREATE INDEX staff_sessions_expires_idx ON staff_sessions (expires_at);

-- Login attempts that failed, or are being checked (a row is written before the password is, and
-- removed when it turns out right), within the rate-limit window. Counted per username (lower
-- case, whether or not such an account exists) and per client address, across all web servers.
CREATE TABLE staff_login_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    username_key text NOT NULL CHECK (char_length(username_key) <= 200 AND username_key = lower(username_key)),
    client_address text CHECK (char_length(client_address) <= 100)
);
CREATE INDEX staff_login_failures_username_idx ON staff_login_failures (username_key, at);
CREATE INDEX staff_login_failures_address_idx ON staff_login_failures (client_address, at);
CREATE INDEX staff_login_failures_at_idx ON staff_login_failures (at);
