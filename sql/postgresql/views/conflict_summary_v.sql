-- conflict_summary_v: conflicts per kind and pair of sources (the dashboard's conflicts panel): how
-- often each source lost to which, and when that last happened.
-- key: kind, winner_source, loser_source
--
-- PostgreSQL dialect of sql/views/conflict_summary_v.sql (Tests/pgdialect/check compares them).
CREATE OR REPLACE VIEW conflict_summary_v AS
SELECT kind, winner_source, loser_source, count(*) AS conflicts, max(logged_at) AS last_logged_at
FROM conflict_log
GROUP BY kind, winner_source, loser_source;
