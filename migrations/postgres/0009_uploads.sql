-- Scans of licence certificates. The file lives on disk under UPLOAD_DIR,
-- named by `id` only (no extension, mode 0600); this row says whose it is
-- and what it is (checked from its first bytes, not from its name).
CREATE TABLE uploads (
    id            TEXT    PRIMARY KEY,
    enterprise_id BIGINT  NOT NULL REFERENCES enterprises (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('pdf', 'jpeg', 'png')),
    size          BIGINT  NOT NULL,
    sha256        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,
    created_by    BIGINT  NOT NULL REFERENCES users (id)
);
CREATE INDEX uploads_enterprise ON uploads (enterprise_id);
