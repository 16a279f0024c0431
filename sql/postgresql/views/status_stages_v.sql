-- status_stages_v: the status vocabulary (sql/tables/status_stages.sql, docs/contract.md §2): one
-- row per known status (lower-cased) with the lifecycle stage it counts as, the stage's position in
-- the lifecycle (1 placed ... 7 returned) and who sends it ('common' or 'shopify').
-- key: status
--
-- PostgreSQL dialect of sql/views/status_stages_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW status_stages_v AS
SELECT status, stage, position, origin
FROM status_stages
ORDER BY position, status;
