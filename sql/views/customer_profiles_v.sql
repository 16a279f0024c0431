-- customer_profiles_v: one row per customer email (trimmed, lower-cased) across every customer
-- source, deduplicated.
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
CREATE VIEW customer_profiles_v AS
WITH ranked AS (
    SELECT
        c.*,
        row_number() OVER by_quality AS rank,
        count(*) OVER (PARTITION BY email_key) AS records,
        first_value(name) OVER (PARTITION BY email_key
            ORDER BY name IS NULL, quality_score DESC, updated_at DESC, source, source_id) AS best_name,
        first_value(company) OVER (PARTITION BY email_key
            ORDER BY company IS NULL, quality_score DESC, updated_at DESC, source, source_id) AS best_company,
        first_value(phone) OVER (PARTITION BY email_key
            ORDER BY phone_valid DESC, phone IS NULL, quality_score DESC, updated_at DESC, source, source_id)
            AS best_phone,
        first_value(phone_valid) OVER (PARTITION BY email_key
            ORDER BY phone_valid DESC, phone IS NULL, quality_score DESC, updated_at DESC, source, source_id)
            AS best_phone_valid
    FROM contact_records_v AS c
    WHERE c.email_key IS NOT NULL
    WINDOW by_quality AS (PARTITION BY email_key ORDER BY quality_score DESC, updated_at DESC, source, source_id)
),
orders AS (
    SELECT
        email_key,
        count(*) AS order_count,
        round(total(CASE WHEN cancelled THEN 0 ELSE CAST(total_price AS REAL) END), 2) AS total_spent,
        max(created_at) AS last_order_at
    FROM shopify_orders_v
    WHERE email_key IS NOT NULL
    GROUP BY email_key
)
SELECT
    r.email_key AS email,
    r.best_name AS customer_name,
    r.best_company AS company,
    r.best_phone AS phone,
    r.email_valid,
    r.best_phone_valid AS phone_valid,
    r.quality_score,
    r.records,
    r.source AS kept_source,
    r.source_id AS kept_id,
    r.updated_at AS kept_modified_at,
    coalesce(o.order_count, 0) AS order_count,
    coalesce(o.total_spent, 0) AS total_spent,
    o.last_order_at
FROM ranked AS r
LEFT JOIN orders AS o ON o.email_key = r.email_key
WHERE r.rank = 1;
