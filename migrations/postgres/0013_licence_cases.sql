-- 许可证业务: licence cases (首次申请, 延期, 变更, 注销, 补证), their history,
-- numbered documents and issued certificates. Steps and kinds are the
-- codes of `domain::licence_case`; dates are YYYY-MM-DD (China time).

-- Where a case goes: the organisation that issues for a region, when it is
-- not the 应急管理局 of that region (a 行政审批局, a development zone).
CREATE TABLE issuing_authorities (
    region_code     TEXT    PRIMARY KEY,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id)
);

-- An issuer's own rules, from a date: the certificate number pattern
-- ({year}, {seq}), whether validity ends a day before the third
-- anniversary, and promised limits (承诺时限) shorter than the law's.
CREATE TABLE issuer_settings (
    organization_id     BIGINT  NOT NULL REFERENCES organizations (id),
    since               TEXT    NOT NULL,
    number_pattern      TEXT    NOT NULL,
    minus_one_day       BIGINT  NOT NULL DEFAULT 0,
    accept_working_days BIGINT,
    decide_working_days BIGINT,
    issue_working_days  BIGINT,
    PRIMARY KEY (organization_id, since)
);

CREATE TABLE licence_cases (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id     BIGINT  NOT NULL REFERENCES enterprises (id),
    kind              TEXT    NOT NULL CHECK (kind IN ('new', 'renewal', 'change', 'cancel', 'reissue')),
    step              TEXT    NOT NULL CHECK (step IN ('draft', 'submitted', 'correction', 'accepted', 'approved', 'done', 'not_accepted', 'refused', 'withdrawn')),
    -- The licence concerned, '' for a first application: one open case per licence.
    licence_key       TEXT    NOT NULL,
    application       TEXT    NOT NULL,
    issuer_org_id     BIGINT  REFERENCES organizations (id),
    version           BIGINT  NOT NULL,
    -- The clock of the current step: when it started, paused days, its end.
    step_started_on   TEXT,
    paused_days       BIGINT  NOT NULL DEFAULT 0,
    deadline          TEXT,
    corrected_once    BIGINT  NOT NULL DEFAULT 0,
    correction_notice TEXT    NOT NULL DEFAULT '',
    late_filing       TEXT    NOT NULL DEFAULT '',
    onsite            TEXT,
    decision_reason   TEXT    NOT NULL DEFAULT '',
    claimed_by        BIGINT  REFERENCES users (id),
    certificate_id    BIGINT,
    created_at        BIGINT  NOT NULL,
    updated_at        BIGINT  NOT NULL,
    submitted_at      BIGINT,
    accepted_on       TEXT
);
CREATE INDEX licence_cases_enterprise ON licence_cases (enterprise_id, created_at);
CREATE INDEX licence_cases_inbox ON licence_cases (issuer_org_id, step, deadline);
CREATE UNIQUE INDEX licence_cases_one_open ON licence_cases (enterprise_id, licence_key)
    WHERE step IN ('draft', 'submitted', 'correction', 'accepted', 'approved');

-- What happened to a case, in order, as both sides read it.
CREATE TABLE licence_case_events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id  BIGINT  NOT NULL REFERENCES licence_cases (id),
    at       BIGINT  NOT NULL,
    actor    TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    step     TEXT    NOT NULL,
    note     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX licence_case_events_case ON licence_case_events (case_id, id);

-- Year-scoped serials per issuer and series (certificates, each document kind).
CREATE TABLE number_sequences (
    organization_id BIGINT  NOT NULL,
    series          TEXT    NOT NULL,
    year            BIGINT  NOT NULL,
    last            BIGINT  NOT NULL,
    PRIMARY KEY (organization_id, series, year)
);

-- 受理通知书, 补正通知书, 不予受理决定书, 准予/不予许可决定书.
CREATE TABLE case_documents (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT  NOT NULL REFERENCES licence_cases (id),
    kind       TEXT    NOT NULL,
    number     TEXT    NOT NULL UNIQUE,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    issued_at  BIGINT  NOT NULL,
    issuer     TEXT    NOT NULL
);
CREATE INDEX case_documents_case ON case_documents (case_id);

-- Issued certificates. A 变更, 延期 or 补证 replaces the row (same number,
-- new token: an old printout's QR code says it was replaced); a 注销
-- cancels it. `data` holds what the certificate prints.
CREATE TABLE certificates (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number        TEXT    NOT NULL,
    enterprise_id BIGINT  NOT NULL REFERENCES enterprises (id),
    case_id       BIGINT  NOT NULL REFERENCES licence_cases (id),
    status        TEXT    NOT NULL CHECK (status IN ('valid', 'replaced', 'cancelled')),
    issuer_org_id BIGINT  NOT NULL REFERENCES organizations (id),
    issued_on     TEXT    NOT NULL,
    valid_until   TEXT    NOT NULL,
    data          TEXT    NOT NULL,
    token         TEXT    NOT NULL UNIQUE,
    created_at    BIGINT  NOT NULL,
    ended_at      BIGINT
);
CREATE UNIQUE INDEX certificates_one_valid ON certificates (number) WHERE status = 'valid';
CREATE INDEX certificates_enterprise ON certificates (enterprise_id);
