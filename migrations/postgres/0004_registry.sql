-- The built-in enterprise-credit registry (development, tests, and sites
-- without an online registry), loaded from CSV by `server registry import`.
-- `simulate` makes an entry behave like an unreachable registry, on demand.
CREATE TABLE registry_entries (
    credit_code     TEXT    PRIMARY KEY,
    name            TEXT    NOT NULL,
    legal_rep_name  TEXT    NOT NULL,
    id_number       TEXT    NOT NULL,
    simulate        TEXT    NOT NULL DEFAULT '' CHECK (simulate IN ('', 'timeout', 'unavailable')),
    imported_at     BIGINT  NOT NULL
);

-- How the organisation data of a registration draft was confirmed:
-- '' not yet, 'registry' by the registry, 'manual' left to manual review.
ALTER TABLE registration_drafts ADD COLUMN verification TEXT NOT NULL DEFAULT '';
