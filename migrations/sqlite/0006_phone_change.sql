-- Requests to change the handler's phone that the registry could not confirm.
CREATE TABLE phone_change_requests (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    new_mobile  TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    review_note TEXT    NOT NULL DEFAULT '',
    created_at  BIGINT  NOT NULL,
    decided_at  BIGINT,
    decided_by  BIGINT  REFERENCES users (id)
);
CREATE INDEX phone_change_requests_status ON phone_change_requests (status, created_at);
