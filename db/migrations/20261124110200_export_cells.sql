-- CRM-8: export cells rendered by PostgreSQL, so a million-row export streams at the speed the
-- database reads rows instead of being parsed, re-assembled and re-encoded in Node row by row.
-- The same rules as src/server/modules/views/csv.ts (which the header line still uses): a plain
-- decimal stays as it is; text starting with = + - @ tab or CR gets a leading ' (OWASP's advice
-- against formula injection); quotes, commas, line breaks or edge spaces force RFC 4180
-- quoting (ASCII spaces only, the same in any locale); NULL is an empty cell. One expression without SET or sub-queries, so the planner
-- inlines it into the export query instead of calling a function per cell.
CREATE OR REPLACE FUNCTION kestrel_csv_text(v text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT CASE
    WHEN v IS NULL THEN ''
    WHEN v !~ '[",\n\r]|^[-=+@ \t\f\v]|[ \t\f\v]$' THEN v
    WHEN v ~ '^-?[0-9]+(\.[0-9]+)?$' THEN v
    WHEN v ~ '^[-=+@\t\r]' THEN
      CASE WHEN v ~ '[",\n\r]|[ \t\f\v]$' THEN '"''' || replace(v, '"', '""') || '"' ELSE '''' || v END
    ELSE '"' || replace(v, '"', '""') || '"'
  END
$$;
