-- source_event_summary_v: per source and outcome, how many events were kept and the first and last
-- time one arrived (the dashboard's events per source). Duplicates are never kept: /metrics counts them.
-- key: source, status
CREATE VIEW source_event_summary_v AS
SELECT
    source,
    status,
    count(*) AS events,
    min(received_at) AS first_received_at,
    max(received_at) AS last_received_at
FROM source_events
GROUP BY source, status;
