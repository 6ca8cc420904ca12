-- Sessions and brute-force counters, kept in the database so that several
-- server instances share them.

-- A login session. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    last_seen   BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    ip          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Wrong passwords per account (kind + login), for the 5-in-15-minutes lock.
CREATE TABLE login_failures (
    account     TEXT    NOT NULL,
    at          BIGINT  NOT NULL,
    ip          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX login_failures_account ON login_failures (account, at);

-- Attempts per client address and endpoint, for throttling (login, SMS).
CREATE TABLE rate_events (
    bucket      TEXT    NOT NULL,
    at          BIGINT  NOT NULL
);
CREATE INDEX rate_events_bucket ON rate_events (bucket, at);
