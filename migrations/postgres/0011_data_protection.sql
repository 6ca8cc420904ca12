-- The audit trail becomes a hash chain: every row carries the hash of the
-- row before it (`prev_hash`, '' for the first) and its own (`hash`, over
-- `prev_hash` and its fields; computed by the application). Rows written
-- before this migration are sealed once, in id order, at the next start:
-- the only update the trail allows is setting the hash of an unsealed row.
-- TRUNCATE, which row triggers do not see, is refused too.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_hash ON audit_log (hash);

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
           AND (NEW.id, NEW.at, NEW.user_id, NEW.actor, NEW.ip, NEW.enterprise_id, NEW.action,
                NEW.summary, NEW.changes, NEW.outcome, NEW.subject_user_id)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.at, OLD.user_id, OLD.actor, OLD.ip, OLD.enterprise_id, OLD.action,
                OLD.summary, OLD.changes, OLD.outcome, OLD.subject_user_id) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE FUNCTION audit_log_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_no_truncate();

-- One login namespace for regulators and administrators (case-insensitive):
-- a regulator called `admin` can no longer shadow the administrator. Staff
-- logins that collide with an administrator's are renamed to `login-id`.
UPDATE users SET login = login || '-' || id
WHERE kind = 'regulator'
  AND lower(login) IN (SELECT lower(login) FROM users WHERE kind = 'admin');
CREATE UNIQUE INDEX users_staff_login ON users (lower(login)) WHERE kind IN ('regulator', 'admin');
