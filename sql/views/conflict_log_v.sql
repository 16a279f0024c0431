-- conflict_log_v: every conflict between sources and how it was resolved (sql/tables/conflict_log.sql),
-- in the order they happened.
-- key: conflict_id
CREATE VIEW conflict_log_v AS
SELECT conflict_id, entity, kind, winner_source, loser_source, resolution, event_time, winner_time, details, logged_at
FROM conflict_log;
