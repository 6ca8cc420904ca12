-- Registration data as on the business licence, and manual-review decisions.
ALTER TABLE enterprises ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN established TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprises ADD COLUMN industry TEXT NOT NULL DEFAULT '';
CREATE INDEX enterprises_region ON enterprises (region_code);

ALTER TABLE registration_drafts ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE registration_drafts ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
ALTER TABLE registration_drafts ADD COLUMN established TEXT NOT NULL DEFAULT '';
ALTER TABLE registration_drafts ADD COLUMN industry TEXT NOT NULL DEFAULT '';

-- The reviewer's reason for a rejection, who decided and when.
ALTER TABLE users ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN reviewed_at BIGINT;
ALTER TABLE users ADD COLUMN reviewed_by BIGINT REFERENCES users (id);
CREATE INDEX users_status ON users (status);
