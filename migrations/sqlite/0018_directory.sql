-- The regulators' directory and the dashboard's figures read one row per
-- enterprise from this table: the region at each level, whether it has an
-- active account (only those are listed), and its record's status, mode,
-- grade and soonest expiry. Kept in step with enterprises, users and
-- enterprise_info by the triggers below (no code path can forget it), so
-- that a province's list sorted by expiry, and its counts, are index range
-- scans instead of a join over every enterprise of the province.
CREATE TABLE directory (
    enterprise_id INTEGER  PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
    credit_code   TEXT     NOT NULL,
    name          TEXT     NOT NULL,
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
-- Each scope level sorted by name and by expiry (rowid = enterprise_id ends each).
CREATE INDEX directory_name ON directory (listed, name);
CREATE INDEX directory_province_name ON directory (listed, province, name);
CREATE INDEX directory_city_name ON directory (listed, city, name);
CREATE INDEX directory_county_name ON directory (listed, region_code, name);
CREATE INDEX directory_expiry ON directory (listed, expiry_key, name);
CREATE INDEX directory_province_expiry ON directory (listed, province, expiry_key, name);
CREATE INDEX directory_city_expiry ON directory (listed, city, expiry_key, name);
CREATE INDEX directory_county_expiry ON directory (listed, region_code, expiry_key, name);
-- The dashboard's work waiting in a region: registrations to review and
-- records to confirm (a range of region codes within each), open cases by step.
CREATE INDEX directory_registering ON directory (registering, region_code);
CREATE INDEX directory_status ON directory (status, region_code);
CREATE INDEX licence_cases_step ON licence_cases (step);
-- The dashboard's groups: a covering range scan in group order.
CREATE INDEX directory_groups ON directory (listed, region_code, business_mode, status, hazard_grade, expiry_key);

CREATE TRIGGER directory_enterprise_ai AFTER INSERT ON enterprises BEGIN
    INSERT INTO directory (enterprise_id, credit_code, name, region_code, province, city)
    VALUES (new.id, new.credit_code, new.name, COALESCE(new.region_code, ''),
            substr(COALESCE(new.region_code, ''), 1, 2), substr(COALESCE(new.region_code, ''), 1, 4));
END;
CREATE TRIGGER directory_enterprise_au AFTER UPDATE OF credit_code, name, region_code ON enterprises BEGIN
    UPDATE directory SET credit_code = new.credit_code, name = new.name,
        region_code = COALESCE(new.region_code, ''),
        province = substr(COALESCE(new.region_code, ''), 1, 2),
        city = substr(COALESCE(new.region_code, ''), 1, 4)
    WHERE enterprise_id = new.id;
END;

-- An active account lists its enterprise, one waiting for review marks it;
-- a change of an account's status or enterprise recounts. Only real changes
-- write (each write touches every index of the table).
CREATE TRIGGER directory_user_ai AFTER INSERT ON users
WHEN new.enterprise_id IS NOT NULL AND new.status IN ('active', 'pending_review') BEGIN
    UPDATE directory SET listed = 1 WHERE enterprise_id = new.enterprise_id AND listed = 0 AND new.status = 'active';
    UPDATE directory SET registering = 1
    WHERE enterprise_id = new.enterprise_id AND registering = 0 AND new.status = 'pending_review';
END;
CREATE TRIGGER directory_user_au AFTER UPDATE OF status, enterprise_id ON users
WHEN old.status IS NOT new.status OR old.enterprise_id IS NOT new.enterprise_id BEGIN
    UPDATE directory SET
        listed = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = old.enterprise_id AND u.status = 'active'),
        registering = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = old.enterprise_id AND u.status = 'pending_review')
    WHERE enterprise_id = old.enterprise_id;
    UPDATE directory SET
        listed = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = new.enterprise_id AND u.status = 'active'),
        registering = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = new.enterprise_id AND u.status = 'pending_review')
    WHERE enterprise_id = new.enterprise_id;
END;
CREATE TRIGGER directory_user_ad AFTER DELETE ON users
WHEN old.enterprise_id IS NOT NULL AND old.status IN ('active', 'pending_review') BEGIN
    UPDATE directory SET
        listed = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = old.enterprise_id AND u.status = 'active'),
        registering = EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = old.enterprise_id AND u.status = 'pending_review')
    WHERE enterprise_id = old.enterprise_id;
END;

-- A record's status, mode, grade and expiry; not a draft saved.
CREATE TRIGGER directory_info_ai AFTER INSERT ON enterprise_info BEGIN
    UPDATE directory SET status = new.status,
        changing = (new.confirmed IS NOT NULL AND new.status <> 'confirmed'),
        business_mode = new.business_mode, hazard_grade = new.hazard_grade,
        next_expiry = new.next_expiry, expiry_key = COALESCE(new.next_expiry, '9999-12-31')
    WHERE enterprise_id = new.enterprise_id;
END;
CREATE TRIGGER directory_info_au AFTER UPDATE ON enterprise_info
WHEN old.status IS NOT new.status OR (old.confirmed IS NULL) <> (new.confirmed IS NULL)
  OR old.business_mode IS NOT new.business_mode OR old.hazard_grade IS NOT new.hazard_grade
  OR old.next_expiry IS NOT new.next_expiry OR old.enterprise_id IS NOT new.enterprise_id BEGIN
    UPDATE directory SET status = new.status,
        changing = (new.confirmed IS NOT NULL AND new.status <> 'confirmed'),
        business_mode = new.business_mode, hazard_grade = new.hazard_grade,
        next_expiry = new.next_expiry, expiry_key = COALESCE(new.next_expiry, '9999-12-31')
    WHERE enterprise_id = new.enterprise_id;
END;
CREATE TRIGGER directory_info_ad AFTER DELETE ON enterprise_info BEGIN
    UPDATE directory SET status = 'none', changing = 0, business_mode = '', hazard_grade = NULL,
        next_expiry = NULL, expiry_key = '9999-12-31'
    WHERE enterprise_id = old.enterprise_id;
END;

-- The enterprises there already.
INSERT INTO directory (enterprise_id, credit_code, name, region_code, province, city, listed, registering,
                       status, changing, business_mode, hazard_grade, next_expiry, expiry_key)
SELECT e.id, e.credit_code, e.name, COALESCE(e.region_code, ''),
       substr(COALESCE(e.region_code, ''), 1, 2), substr(COALESCE(e.region_code, ''), 1, 4),
       EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'active'),
       EXISTS (SELECT 1 FROM users u WHERE u.enterprise_id = e.id AND u.status = 'pending_review'),
       COALESCE(i.status, 'none'), COALESCE(i.confirmed IS NOT NULL AND i.status <> 'confirmed', 0),
       COALESCE(i.business_mode, ''), i.hazard_grade, i.next_expiry, COALESCE(i.next_expiry, '9999-12-31')
FROM enterprises e LEFT JOIN enterprise_info i ON i.enterprise_id = e.id;
