-- merged_orders_v: each synced Shopify order with its customer's CRM record, matched on email_key (the
-- email with white space trimmed and ASCII lower-cased, from shopify_orders_v and customer_profiles_v). Orders without a match are kept (crm_match = 0, customer fields
-- from the order itself); none is ever dropped. customer_source / customer_record_id name the CRM
-- record used (customer_profiles_v's kept record).
-- key: order_id
--
-- PostgreSQL dialect of sql/views/merged_orders_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW merged_orders_v AS
-- Each order meets its profile through a window over the email (a sort), not a join, as in the SQLite
-- file. PostgreSQL: the UNION's NULL columns are typed; crm_match is an integer 0 / 1, as SQLite's
-- comparison gives.
WITH combined AS (
    SELECT email_key, 0 AS is_profile, order_id, order_name, created_at, order_customer_name, total_price,
           currency, financial_status, fulfillment_status, cancelled, updated_at,
           NULL::text COLLATE "C" AS customer_name, NULL::text COLLATE "C" AS email,
           NULL::text COLLATE "C" AS company, NULL::text COLLATE "C" AS kept_source,
           NULL::text COLLATE "C" AS kept_id
    FROM shopify_orders_v
    UNION ALL
    SELECT email, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
           customer_name, email, company, kept_source, kept_id
    FROM customer_profiles_v
),
spread AS (
    SELECT
        *,
        max(customer_name) OVER by_email AS profile_name,
        max(email) OVER by_email AS profile_email,
        max(company) OVER by_email AS profile_company,
        max(kept_source) OVER by_email AS profile_source,
        max(kept_id) OVER by_email AS profile_id
    FROM combined
    WINDOW by_email AS (PARTITION BY email_key)
)
SELECT
    order_id,
    order_name,
    created_at AS order_date,
    coalesce(profile_name, order_customer_name) AS customer_name,
    coalesce(profile_email, email_key) AS customer_email,
    profile_company AS customer_company,
    total_price AS order_total_price,
    currency,
    financial_status,
    fulfillment_status,
    cancelled,
    (profile_email IS NOT NULL)::integer AS crm_match,
    profile_source AS customer_source,
    profile_id AS customer_record_id,
    updated_at
FROM spread
WHERE is_profile = 0;
