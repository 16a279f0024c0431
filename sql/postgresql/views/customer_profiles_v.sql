-- customer_profiles_v: one row per customer email across every customer source, deduplicated: records
-- and orders group on the email_key of contact_records_v and shopify_orders_v (white space trimmed,
-- ASCII lower-cased: docs/contract.md §2 "Customers and the merge"), which `email` shows.
--   kept record       when records disagree, the one with the highest quality_score, then the most
--                     recently modified, then by source and id (deterministic): kept_source/kept_id
--   best-known fields name, company and phone of the kept record, or when it lacks one, of the
--                     best-ranked record that has it
--   quality_score     the kept record's score (see contact_records_v); records = how many records
--                     share the email; email_valid / phone_valid say whether those fields are valid
--   engagement        from the synced Shopify orders with the same email (shopify_orders_v):
--                     order_count (every order), total_spent (sum of total_price of orders not
--                     cancelled, in the shop's currencies as stored), last_order_at (newest created_at)
-- Records without an email cannot be matched and are left out (contact_records_v lists them).
-- key: email
--
-- PostgreSQL dialect of sql/views/customer_profiles_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW customer_profiles_v AS
-- The records are read once into `contacts` (AS MATERIALIZED, as in the SQLite file).
-- PostgreSQL (docs/postgresql-dialect.md): DESC NULLS LAST where SQLite sorts NULL last in a
-- descending order (updated_at); IS NULL sorts false before true as SQLite's 0 before 1.
-- total(CAST(total_price AS REAL)) is the exact sum of sqlite_text_real(total_price) (SQLite's reading
-- of the text as a number), rounded to cents by sqlite_round (sql/postgresql/tables/sqlite_compat.sql):
-- SQLite's double for prices with at most two decimals, whatever order SQLite added them in.
-- total_spent is a double precision column: where SQLite gives the integer 0 for a profile without
-- orders, this gives 0.0, which the API writes as 0 alike.
WITH contacts AS MATERIALIZED (
    SELECT * FROM contact_records_v WHERE email_key IS NOT NULL
),
ranked AS (
    SELECT
        c.*,
        row_number() OVER by_quality AS rank,
        count(*) OVER (PARTITION BY email_key) AS records,
        first_value(name) OVER (PARTITION BY email_key
            ORDER BY name IS NULL, quality_score DESC, updated_at DESC NULLS LAST, source, source_id) AS best_name,
        first_value(company) OVER (PARTITION BY email_key
            ORDER BY company IS NULL, quality_score DESC, updated_at DESC NULLS LAST, source, source_id) AS best_company,
        first_value(phone) OVER (PARTITION BY email_key
            ORDER BY phone_valid DESC, phone IS NULL, quality_score DESC, updated_at DESC NULLS LAST, source, source_id)
            AS best_phone,
        first_value(phone_valid) OVER (PARTITION BY email_key
            ORDER BY phone_valid DESC, phone IS NULL, quality_score DESC, updated_at DESC NULLS LAST, source, source_id)
            AS best_phone_valid
    FROM contacts AS c
    WINDOW by_quality AS (PARTITION BY email_key
        ORDER BY quality_score DESC, updated_at DESC NULLS LAST, source, source_id)
),
best AS (
    SELECT * FROM ranked WHERE rank = 1
),
orders AS (
    SELECT
        email_key,
        count(*) AS order_count,
        sqlite_round(coalesce(sum(CASE WHEN cancelled = 1 THEN 0 ELSE sqlite_text_real(total_price) END), 0)
            ::double precision, 2) AS total_spent,
        max(created_at) AS last_order_at
    FROM shopify_orders_v
    WHERE email_key IS NOT NULL
    GROUP BY email_key
),
-- Profiles and order facts meet by grouping on the email, as in the SQLite file.
combined AS (
    SELECT email_key, 1 AS is_profile, best_name, best_company, best_phone, email_valid, best_phone_valid,
           quality_score, records, source, source_id, updated_at,
           NULL::bigint AS order_count, NULL::double precision AS total_spent,
           NULL::text COLLATE "C" AS last_order_at
    FROM best
    UNION ALL
    SELECT email_key, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           order_count, total_spent, last_order_at
    FROM orders
)
SELECT
    email_key AS email,
    max(best_name) AS customer_name,
    max(best_company) AS company,
    max(best_phone) AS phone,
    max(email_valid) AS email_valid,
    max(best_phone_valid) AS phone_valid,
    max(quality_score) AS quality_score,
    max(records) AS records,
    max(source) AS kept_source,
    max(source_id) AS kept_id,
    max(updated_at) AS kept_modified_at,
    coalesce(max(order_count), 0) AS order_count,
    coalesce(max(total_spent), 0) AS total_spent,
    max(last_order_at) AS last_order_at
FROM combined
GROUP BY email_key
HAVING max(is_profile) = 1;
