-- 站内消息: what concerns a user (a proposal, a confirmation or 退回, a
-- case step, a review result, a reminder), each linking to its page.
CREATE TABLE messages (
    id         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT  NOT NULL REFERENCES users (id),
    -- `domain::message::MessageKind::code`.
    kind       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    -- A path of this site ("/cases/12"), '' for none.
    link       TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL,
    read_at    BIGINT
);
CREATE INDEX messages_user ON messages (user_id, id);
CREATE INDEX messages_unread ON messages (user_id) WHERE read_at IS NULL;

-- Expiry reminders: one row per licence (enterprise, number, expiry) and
-- stage (days before expiry), inserted before anything is sent, so the
-- primary key lets exactly one server instance send it. 'skipped' marks a
-- stage passed while the server was down: it never goes later. A renewal
-- changes the expiry (a new series of stages); a cancelled licence leaves
-- the record and gets no more.
CREATE TABLE licence_reminders (
    enterprise_id  BIGINT  NOT NULL REFERENCES enterprises (id),
    licence_number TEXT    NOT NULL,
    valid_until    TEXT    NOT NULL,
    stage          BIGINT  NOT NULL,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('sent', 'skipped')),
    at             BIGINT  NOT NULL,
    PRIMARY KEY (enterprise_id, licence_number, valid_until, stage)
);

-- The regulators' weekly digest: one row per organisation and week (its
-- Monday, YYYY-MM-DD), claimed the same way.
CREATE TABLE reminder_digests (
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    week            TEXT    NOT NULL,
    at              BIGINT  NOT NULL,
    PRIMARY KEY (organization_id, week)
);
