-- 企业信息: one record per enterprise. `draft` is what the enterprise edits
-- (or has submitted); `confirmed` the version in force. `version` grows on
-- every write and every save names the version it started from.
CREATE TABLE enterprise_info (
    enterprise_id     BIGINT  PRIMARY KEY REFERENCES enterprises (id),
    status            TEXT    NOT NULL CHECK (status IN ('draft', 'submitted', 'confirmed')),
    draft             TEXT    NOT NULL,
    confirmed         TEXT,
    version           BIGINT  NOT NULL,
    return_reason     TEXT    NOT NULL DEFAULT '',
    -- 经营方式 and the soonest licence expiry of the record regulators see,
    -- for the directory's filters and sorting.
    business_mode     TEXT    NOT NULL DEFAULT '',
    next_expiry       TEXT,
    updated_at        BIGINT  NOT NULL,
    updated_by        BIGINT  REFERENCES users (id),
    submitted_at      BIGINT,
    change_started_at BIGINT
);
CREATE INDEX enterprise_info_status ON enterprise_info (status);
CREATE INDEX enterprise_info_mode ON enterprise_info (business_mode);
CREATE INDEX enterprise_info_next_expiry ON enterprise_info (next_expiry);
CREATE INDEX enterprises_name ON enterprises (name);
-- The directory joins each enterprise to its account.
CREATE INDEX users_enterprise ON users (enterprise_id);

-- Every stored version (append-only): the change history and stale-save diffs.
CREATE TABLE enterprise_info_versions (
    enterprise_id BIGINT  NOT NULL REFERENCES enterprises (id),
    version       BIGINT  NOT NULL,
    status        TEXT    NOT NULL,
    draft         TEXT    NOT NULL,
    at            BIGINT  NOT NULL,
    by_user       BIGINT  REFERENCES users (id),
    PRIMARY KEY (enterprise_id, version)
);

-- The licences of the record regulators see, for search and expiry filters.
CREATE TABLE licences (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id BIGINT  NOT NULL REFERENCES enterprises (id),
    number        TEXT    NOT NULL,
    valid_until   TEXT    NOT NULL,
    mode          TEXT    NOT NULL
);
CREATE INDEX licences_enterprise ON licences (enterprise_id);
CREATE INDEX licences_number ON licences (number);
CREATE INDEX licences_valid_until ON licences (valid_until);

-- 申请修改: a regulator's proposed change; at most one pending per enterprise.
CREATE TABLE change_proposals (
    id              BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id   BIGINT  NOT NULL REFERENCES enterprises (id),
    base_version    BIGINT  NOT NULL,
    changes         TEXT    NOT NULL,
    proposed        TEXT    NOT NULL,
    organization_id BIGINT  NOT NULL REFERENCES organizations (id),
    user_id         BIGINT  NOT NULL REFERENCES users (id),
    created_at      BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    decided_at      BIGINT,
    decided_by      BIGINT  REFERENCES users (id),
    reason          TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX change_proposals_one_pending ON change_proposals (enterprise_id) WHERE status = 'pending';

-- The audit trail: who (and their organisation, as it was), when, from
-- where, what (field-level before/after) and the outcome. Append-only, and
-- without foreign keys: it outlives the rows it tells about (a rejected
-- registration is replaced by the next one).
CREATE TABLE audit_log (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            BIGINT  NOT NULL,
    user_id       BIGINT,
    actor         TEXT    NOT NULL,
    ip            TEXT    NOT NULL,
    enterprise_id BIGINT,
    action        TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    changes       TEXT    NOT NULL DEFAULT '[]',
    outcome       TEXT    NOT NULL
);
CREATE INDEX audit_log_enterprise ON audit_log (enterprise_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
