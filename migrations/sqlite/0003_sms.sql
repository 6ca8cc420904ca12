-- SMS: every message sent (the outbox; with the built-in gateway its text is
-- kept so a person trying the system can read the codes on /dev/sms), and
-- the verification codes.

CREATE TABLE sms_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    mobile      TEXT    NOT NULL,
    purpose     TEXT    NOT NULL,
    body        TEXT,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    error       TEXT,
    created_at  BIGINT  NOT NULL
);
CREATE INDEX sms_messages_mobile ON sms_messages (mobile, created_at);

-- One row per code sent. Only a hash of the code is stored.
CREATE TABLE sms_codes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose     TEXT    NOT NULL,
    subject     TEXT    NOT NULL,
    mobile      TEXT    NOT NULL,
    code_hash   TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    attempts    BIGINT  NOT NULL DEFAULT 0,
    used_at     BIGINT
);
CREATE INDEX sms_codes_subject ON sms_codes (purpose, subject, created_at);
CREATE INDEX sms_codes_mobile ON sms_codes (mobile, created_at);
