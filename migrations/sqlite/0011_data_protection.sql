-- The audit trail becomes a hash chain: every row carries the hash of the
-- row before it (`prev_hash`, '' for the first) and its own (`hash`, over
-- `prev_hash` and its fields; computed by the application). Rows written
-- before this migration are sealed once, in id order, at the next start:
-- the only update the trail allows is setting the hash of an unsealed row.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_hash ON audit_log (hash);

DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL OR NEW.prev_hash IS NULL
  OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_id IS NOT OLD.user_id
  OR NEW.actor IS NOT OLD.actor OR NEW.ip IS NOT OLD.ip OR NEW.enterprise_id IS NOT OLD.enterprise_id
  OR NEW.action IS NOT OLD.action OR NEW.summary IS NOT OLD.summary OR NEW.changes IS NOT OLD.changes
  OR NEW.outcome IS NOT OLD.outcome OR NEW.subject_user_id IS NOT OLD.subject_user_id
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- One login namespace for regulators and administrators (case-insensitive):
-- a regulator called `admin` can no longer shadow the administrator. Staff
-- logins that collide with an administrator's are renamed to `login-id`.
UPDATE users SET login = login || '-' || id
WHERE kind = 'regulator'
  AND lower(login) IN (SELECT lower(login) FROM users WHERE kind = 'admin');
CREATE UNIQUE INDEX users_staff_login ON users (lower(login)) WHERE kind IN ('regulator', 'admin');
