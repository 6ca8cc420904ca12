-- Help centre: articles (Markdown), every version of each, and a trigram
-- index (pg_trgm) so Chinese text (no word spaces) is searchable by substring.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE help_articles (
    id          BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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

-- The search expression is lower(title || ' ' || body): keep it identical in queries.
CREATE INDEX help_articles_trgm ON help_articles USING gin (lower(title || ' ' || body) gin_trgm_ops);
