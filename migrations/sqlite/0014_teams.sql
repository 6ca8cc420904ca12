-- An enterprise is a team: several users with roles (issue 17).
--
-- role: for enterprise users, 'manager' (管理员: manages the team and
-- does everything else), 'filler' (填报员: fills in and submits
-- information and licence cases) or 'viewer' (查看员: reads only);
-- NULL for regulators and administrators. The registered 经办人 of every
-- existing enterprise becomes its first 管理员, and keeps logging in with
-- the credit code alone; the others log in with the credit code and their
-- mobile or user name. An enterprise user without a role reads as 管理员
-- (the registered 经办人: every other user is invited with one).
ALTER TABLE users ADD COLUMN role TEXT;
UPDATE users SET role = 'manager' WHERE kind = 'enterprise';
-- An invited user's optional user name (unique within the enterprise).
ALTER TABLE users ADD COLUMN username TEXT;
CREATE UNIQUE INDEX users_enterprise_username ON users (enterprise_id, username);
-- Who invited the user (NULL for the registered 经办人).
ALTER TABLE users ADD COLUMN invited_by BIGINT REFERENCES users (id);

-- The device of a session, for 账号设置 → 登录设备.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- One-time links sent by SMS to one user's phone: an invitation, or a
-- password reset a 管理员 started for a colleague who lost their phone.
-- Only the SHA-256 of the token is kept; a link works once, until it expires.
CREATE TABLE team_links (
    token_hash  TEXT    PRIMARY KEY,
    user_id     BIGINT  NOT NULL REFERENCES users (id),
    purpose     TEXT    NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_by  BIGINT  NOT NULL REFERENCES users (id),
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    used_at     BIGINT
);
CREATE INDEX team_links_user ON team_links (user_id);
