-- Foundation schema (SQLite). Times are Unix seconds (BIGINT) so that the
-- same application code reads them on SQLite and PostgreSQL (sqlx Any).
-- Forward-only: never edit a migration once it has landed.

-- Regulators' organisations: 应急管理局 at province, city and county level.
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    level       TEXT    NOT NULL CHECK (level IN ('national', 'province', 'city', 'county')),
    region_code TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL
);

-- Enterprises (法人). One row per 统一社会信用代码, enforced by the database.
CREATE TABLE enterprises (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    credit_code     TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    legal_type      TEXT    NOT NULL,
    legal_rep_name  TEXT    NOT NULL,
    id_doc_type     TEXT    NOT NULL,
    id_doc_number   TEXT    NOT NULL,
    region_code     TEXT,
    created_at      BIGINT  NOT NULL,
    CONSTRAINT enterprises_credit_code_key UNIQUE (credit_code)
);

-- Every person who logs in. Enterprise users log in with the credit code,
-- regulators and administrators with a user name.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL CHECK (kind IN ('enterprise', 'regulator', 'admin')),
    login           TEXT    NOT NULL,
    display_name    TEXT    NOT NULL,
    enterprise_id   BIGINT  REFERENCES enterprises (id),
    organization_id BIGINT  REFERENCES organizations (id),
    mobile          TEXT,
    password_hash   TEXT    NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending_verification', 'pending_review', 'active', 'rejected', 'disabled')),
    created_at      BIGINT  NOT NULL,
    CONSTRAINT users_login_key UNIQUE (kind, login)
);

-- Registration in progress, keyed by an unguessable token kept in a cookie.
-- Holds what the user typed (never a password) so nothing is lost.
CREATE TABLE registration_drafts (
    token           TEXT    PRIMARY KEY,
    legal_type      TEXT    NOT NULL DEFAULT '',
    credit_code     TEXT    NOT NULL DEFAULT '',
    enterprise_name TEXT    NOT NULL DEFAULT '',
    legal_rep_name  TEXT    NOT NULL DEFAULT '',
    id_doc_type     TEXT    NOT NULL DEFAULT '',
    id_doc_number   TEXT    NOT NULL DEFAULT '',
    org_accepted    BIGINT  NOT NULL DEFAULT 0,
    handler_name    TEXT    NOT NULL DEFAULT '',
    handler_mobile  TEXT    NOT NULL DEFAULT '',
    user_id         BIGINT  REFERENCES users (id),
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX registration_drafts_updated ON registration_drafts (updated_at);
