-- Directory search by any part of a name, credit code or licence number:
-- trigram indexes (pg_trgm, as for the help centre) that LIKE '%…%' uses.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX enterprises_name_trgm ON enterprises USING gin (name gin_trgm_ops);
CREATE INDEX enterprises_credit_code_trgm ON enterprises USING gin (credit_code gin_trgm_ops);
CREATE INDEX licences_number_trgm ON licences USING gin (number gin_trgm_ops);
