-- Help centre: articles (Markdown), every version of each, and a trigram
-- full-text index so Chinese text (no word spaces) is searchable by substring.
CREATE TABLE help_articles (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    slug        TEXT    NOT NULL,
    category    TEXT    NOT NULL CHECK (category IN ('manual', 'faq')),
    position    BIGINT  NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    version     BIGINT  NOT NULL,
    updated_at  BIGINT  NOT NULL,
    updated_by  BIGINT  REFERENCES users (id),
    CONSTRAINT help_articles_slug_key UNIQUE (slug)
);

-- Append-only: a save adds a row, nothing updates or deletes one.
CREATE TABLE help_article_versions (
    article_id  BIGINT  NOT NULL REFERENCES help_articles (id),
    version     BIGINT  NOT NULL,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    edited_at   BIGINT  NOT NULL,
    edited_by   BIGINT  REFERENCES users (id),
    PRIMARY KEY (article_id, version)
);

CREATE VIRTUAL TABLE help_fts USING fts5 (
    title, body, content = 'help_articles', content_rowid = 'id', tokenize = 'trigram'
);

CREATE TRIGGER help_articles_ai AFTER INSERT ON help_articles BEGIN
    INSERT INTO help_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER help_articles_ad AFTER DELETE ON help_articles BEGIN
    INSERT INTO help_fts (help_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER help_articles_au AFTER UPDATE ON help_articles BEGIN
    INSERT INTO help_fts (help_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO help_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
