-- The regulators' directory and the dashboard's figures read one row per
-- enterprise from this table: the region at each level, whether it has an
-- active account (only those are listed), and its record's status, mode,
-- grade and soonest expiry. Kept in step with enterprises, users and
-- enterprise_info by the triggers below (no code path can forget it), so
-- that a province's list sorted by expiry, and its counts, are index range
-- scans instead of a join over every enterprise of the province.
CREATE TABLE directory (
    enterprise_id BIGINT   PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
    credit_code   TEXT     NOT NULL,
    -- The order of the code points, as on SQLite, whatever the database's collation.
    name          TEXT     COLLATE "C" NOT NULL,
    region_code   TEXT     NOT NULL DEFAULT '',
    province      TEXT     NOT NULL DEFAULT '',
    city          TEXT     NOT NULL DEFAULT '',
    -- 1: at least one active account.
    listed        SMALLINT NOT NULL DEFAULT 0,
    -- 1: an account waits for review (注册审核).
    registering   SMALLINT NOT NULL DEFAULT 0,
    -- none (no record yet), draft, submitted or confirmed.
    status        TEXT     NOT NULL DEFAULT 'none',
    -- 1: a confirmed record is being changed (信息变更).
    changing      SMALLINT NOT NULL DEFAULT 0,
    business_mode TEXT     NOT NULL DEFAULT '',
    hazard_grade  TEXT,
    next_expiry   TEXT,
    -- next_expiry, or '9999-12-31' without a licence: sorts those last.
    expiry_key    TEXT     NOT NULL DEFAULT '9999-12-31'
);
-- Each scope level sorted by name and by expiry.
CREATE INDEX directory_name ON directory (listed, name, enterprise_id);
CREATE INDEX directory_province_name ON directory (listed, province, name, enterprise_id);
CREATE INDEX directory_city_name ON directory (listed, city, name, enterprise_id);
CREATE INDEX directory_county_name ON directory (listed, region_code, name, enterprise_id);
CREATE INDEX directory_expiry ON directory (listed, expiry_key, name, enterprise_id);
CREATE INDEX directory_province_expiry ON directory (listed, province, expiry_key, name, enterprise_id);
CREATE INDEX directory_city_expiry ON directory (listed, city, expiry_key, name, enterprise_id);
CREATE INDEX directory_county_expiry ON directory (listed, region_code, expiry_key, name, enterprise_id);
-- The dashboard's work waiting in a region: registrations to review and
-- records to confirm (a range of region codes within each), open cases by step.
CREATE INDEX directory_registering ON directory (registering, region_code, enterprise_id);
CREATE INDEX directory_status ON directory (status, region_code);
CREATE INDEX licence_cases_step ON licence_cases (step);
-- The dashboard's groups: a covering range scan in group order.
CREATE INDEX directory_groups ON directory (listed, region_code, business_mode, status, hazard_grade, expiry_key);

CREATE FUNCTION directory_enterprise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO directory (enterprise_id, credit_code, name) VALUES (NEW.id, NEW.credit_code, NEW.name);
    END IF;
    UPDATE directory SET credit_code = NEW.credit_code, name = NEW.name,
        region_code = COALESCE(NEW.region_code, ''),
        province = substr(COALESCE(NEW.region_code, ''), 1, 2),
        city = substr(COALESCE(NEW.region_code, ''), 1, 4)
    WHERE enterprise_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER directory_enterprise AFTER INSERT OR UPDATE OF credit_code, name, region_code ON enterprises
    FOR EACH ROW EXECUTE FUNCTION directory_enterprise();

-- ($1: users has a column `id` too, which a parameter's name would mean.)
CREATE FUNCTION directory_accounts(BIGINT) RETURNS void LANGUAGE sql AS $$
    UPDATE directory SET
        listed = CASE WHEN EXISTS (
            SELECT 1 FROM users u WHERE u.enterprise_id = $1 AND u.status = 'active'
        ) THEN 1 ELSE 0 END,
        registering = CASE WHEN EXISTS (
            SELECT 1 FROM users u WHERE u.enterprise_id = $1 AND u.status = 'pending_review'
        ) THEN 1 ELSE 0 END
    WHERE enterprise_id = $1;
$$;
-- Only real changes write (each write touches every index of the table).
CREATE FUNCTION directory_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.enterprise_id IS NOT NULL AND NEW.status = 'active' THEN
            UPDATE directory SET listed = 1 WHERE enterprise_id = NEW.enterprise_id AND listed = 0;
        ELSIF NEW.enterprise_id IS NOT NULL AND NEW.status = 'pending_review' THEN
            UPDATE directory SET registering = 1 WHERE enterprise_id = NEW.enterprise_id AND registering = 0;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.enterprise_id IS NOT DISTINCT FROM NEW.enterprise_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.enterprise_id IS NOT NULL THEN
        PERFORM directory_accounts(OLD.enterprise_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.enterprise_id IS NOT NULL THEN
        PERFORM directory_accounts(NEW.enterprise_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER directory_user AFTER INSERT OR UPDATE OF status, enterprise_id OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION directory_user();

-- A record's status, mode, grade and expiry; not a draft saved.
CREATE FUNCTION directory_info() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND (OLD.confirmed IS NULL) = (NEW.confirmed IS NULL)
        AND OLD.business_mode IS NOT DISTINCT FROM NEW.business_mode
        AND OLD.hazard_grade IS NOT DISTINCT FROM NEW.hazard_grade
        AND OLD.next_expiry IS NOT DISTINCT FROM NEW.next_expiry
        AND OLD.enterprise_id = NEW.enterprise_id THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        UPDATE directory SET status = 'none', changing = 0, business_mode = '', hazard_grade = NULL,
            next_expiry = NULL, expiry_key = '9999-12-31'
        WHERE enterprise_id = OLD.enterprise_id;
    ELSE
        UPDATE directory SET status = NEW.status,
            changing = CASE WHEN NEW.confirmed IS NOT NULL AND NEW.status <> 'confirmed' THEN 1 ELSE 0 END,
            business_mode = NEW.business_mode, hazard_grade = NEW.hazard_grade,
            next_expiry = NEW.next_expiry, expiry_key = COALESCE(NEW.next_expiry, '9999-12-31')
        WHERE enterprise_id = NEW.enterprise_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER directory_info AFTER INSERT OR UPDATE OR DELETE ON enterprise_info
    FOR EACH ROW EXECUTE FUNCTION directory_info();

-- The enterprises there already.
INSERT INTO directory (enterprise_id, credit_code, name, region_code, province, city, listed, registering,
                       status, changing, business_mode, hazard_grade, next_expiry, expiry_key)
SELECT e.id, e.credit_code, e.name, COALESCE(e.region_code, ''),
       substr(COALESCE(e.region_code, ''), 1, 2), substr(COALESCE(e.region_code, ''), 1, 4),
       CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'active') THEN 1 ELSE 0 END,
       CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'pending_review') THEN 1 ELSE 0 END,
       COALESCE(i.status, 'none'),
       CASE WHEN i.confirmed IS NOT NULL AND i.status <> 'confirmed' THEN 1 ELSE 0 END,
       COALESCE(i.business_mode, ''), i.hazard_grade, i.next_expiry, COALESCE(i.next_expiry, '9999-12-31')
FROM enterprises e LEFT JOIN enterprise_info i ON i.enterprise_id = e.id;
