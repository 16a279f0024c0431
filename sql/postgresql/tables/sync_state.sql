-- sync_state: one row per connector. Written only in the transaction that stores the page it
-- describes, so after a crash the next run resumes exactly where the stored data ends.
--   cursor     provider time up to which every record is stored (the next run asks from here;
--              the bound is inclusive, so records at exactly this time are fetched again and
--              recognised as unchanged)
--   resume     JSON position of an unfinished run (its frozen filter and the next page), or NULL
--   high_water the greatest provider time stored by the unfinished run; becomes `cursor` when
--              the run's last page is stored
-- PostgreSQL dialect of sql/tables/sync_state.sql (docs/postgresql-dialect.md): text COLLATE "C".
CREATE TABLE IF NOT EXISTS sync_state (
    connector  text COLLATE "C" PRIMARY KEY,
    cursor     text COLLATE "C",
    resume     text COLLATE "C",
    high_water text COLLATE "C",
    updated_at text COLLATE "C" NOT NULL
);
