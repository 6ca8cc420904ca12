-- 通知公告: what administrators and issuing authorities publish on the
-- public notice board (Markdown, rendered and sanitised like the help
-- centre). A notice is edited in place with a version check; 撤回 hides it
-- from the public without deleting it. Every write is in the audit trail.
CREATE TABLE notices (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The issuing authority that publishes it; NULL = the administrators.
    organization_id BIGINT  REFERENCES organizations (id),
    title           TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    pinned          BIGINT  NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL CHECK (status IN ('published', 'withdrawn')),
    version         BIGINT  NOT NULL,
    published_at    BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    created_by      BIGINT  REFERENCES users (id),
    updated_by      BIGINT  REFERENCES users (id)
);
CREATE INDEX notices_board ON notices (status, pinned, published_at);

-- 许可公示: certificates issued and cancelled in the last days, per issuer.
CREATE INDEX certificates_issued_at ON certificates (created_at);
CREATE INDEX certificates_issuer_issued ON certificates (issuer_org_id, created_at);
CREATE INDEX certificates_ended ON certificates (status, ended_at);
