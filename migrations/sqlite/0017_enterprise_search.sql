-- Directory search by any part of a name, credit code or licence number:
-- trigram full-text indexes (FTS5 `trigram`, as for the help centre), kept
-- in step with their tables by triggers.
CREATE VIRTUAL TABLE enterprise_fts USING fts5 (
    name, credit_code, content = 'enterprises', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO enterprise_fts (enterprise_fts) VALUES ('rebuild');

CREATE TRIGGER enterprises_fts_ai AFTER INSERT ON enterprises BEGIN
    INSERT INTO enterprise_fts (rowid, name, credit_code) VALUES (new.id, new.name, new.credit_code);
END;
CREATE TRIGGER enterprises_fts_ad AFTER DELETE ON enterprises BEGIN
    INSERT INTO enterprise_fts (enterprise_fts, rowid, name, credit_code) VALUES ('delete', old.id, old.name, old.credit_code);
END;
CREATE TRIGGER enterprises_fts_au AFTER UPDATE OF name, credit_code ON enterprises BEGIN
    INSERT INTO enterprise_fts (enterprise_fts, rowid, name, credit_code) VALUES ('delete', old.id, old.name, old.credit_code);
    INSERT INTO enterprise_fts (rowid, name, credit_code) VALUES (new.id, new.name, new.credit_code);
END;

CREATE VIRTUAL TABLE licence_fts USING fts5 (
    number, content = 'licences', content_rowid = 'id', tokenize = 'trigram'
);
INSERT INTO licence_fts (licence_fts) VALUES ('rebuild');

CREATE TRIGGER licences_fts_ai AFTER INSERT ON licences BEGIN
    INSERT INTO licence_fts (rowid, number) VALUES (new.id, new.number);
END;
CREATE TRIGGER licences_fts_ad AFTER DELETE ON licences BEGIN
    INSERT INTO licence_fts (licence_fts, rowid, number) VALUES ('delete', old.id, old.number);
END;
CREATE TRIGGER licences_fts_au AFTER UPDATE OF number ON licences BEGIN
    INSERT INTO licence_fts (licence_fts, rowid, number) VALUES ('delete', old.id, old.number);
    INSERT INTO licence_fts (rowid, number) VALUES (new.id, new.number);
END;
