-- shopify_orders_v: one row per Shopify order, from its latest fetched version in source_records,
-- with the fields the merge and the customer facts need. `order_email` is the order's email (email,
-- else contact_email, else customer.email) trimmed of white space at both ends, as contact_records_v
-- trims customer fields (the same `white` list); `email_key` is it with ASCII A-Z lower-cased, the key
-- that merged_orders_v and customer_profiles_v match on; NULL when the order carries no email.
-- order_customer_name is customer.first_name and last_name, each trimmed, joined by a space.
-- key: order_id
--
-- PostgreSQL dialect of sql/views/shopify_orders_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW shopify_orders_v AS
-- `white`: the white space trimmed (docs/contract.md §2 "Customers and the merge"; the list of
-- Sources/OrderCore/ContactField.swift and contact_records_v).
-- PostgreSQL (docs/postgresql-dialect.md): json_extract(payload, '$.X') is
-- sqlite_json_text(payload::json -> 'X'), btrim(x, space) is SQLite's trim(x, space), lower() under
-- COLLATE "C" folds ASCII A-Z only; strftime('%Y-%m-%dT%H:%M:%SZ', created_at) is
-- sqlite_utc_seconds(created_at) (sql/postgresql/tables/sqlite_compat.sql): the offset applied, UTC to
-- the second. Every column is text (COLLATE "C") or an integer: where a payload holds a number in a
-- field Shopify sends as a string (total_price), SQLite's column would hold that number, this one its
-- JSON text. cancelled is an integer 0 / 1.
WITH white AS (
    SELECT string_agg(chr(code), '') AS space
    FROM unnest(ARRAY[9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200,
                      8201, 8202, 8232, 8233, 8239, 8287, 12288, 8203, 65279]) AS code
),
latest AS (
    SELECT r.source_id, r.updated_at, r.payload::json AS payload, w.space
    FROM source_records AS r
    CROSS JOIN white AS w
    WHERE r.source = 'shopify'
      AND r.seq = (SELECT max(l.seq) FROM source_records AS l
                    WHERE l.source = 'shopify' AND l.source_id = r.source_id)
),
fields AS (
    SELECT
        source_id AS order_id,
        sqlite_json_text(payload -> 'name') COLLATE "C" AS order_name,
        -- SQLite's date functions apply the offset: created_at is UTC text, so it sorts as time.
        sqlite_utc_seconds(sqlite_json_text(payload -> 'created_at')) COLLATE "C" AS created_at,
        updated_at,
        nullif(btrim(coalesce(sqlite_json_text(payload -> 'email'), sqlite_json_text(payload -> 'contact_email'),
                              sqlite_json_text(payload -> 'customer' -> 'email'), ''), space), '') COLLATE "C"
            AS order_email,
        nullif(btrim(btrim(coalesce(sqlite_json_text(payload -> 'customer' -> 'first_name'), ''), space) || ' '
                     || btrim(coalesce(sqlite_json_text(payload -> 'customer' -> 'last_name'), ''), space), space), '')
            COLLATE "C" AS order_customer_name,
        sqlite_json_text(payload -> 'total_price') COLLATE "C" AS total_price,
        sqlite_json_text(payload -> 'currency') COLLATE "C" AS currency,
        sqlite_json_text(payload -> 'financial_status') COLLATE "C" AS financial_status,
        sqlite_json_text(payload -> 'fulfillment_status') COLLATE "C" AS fulfillment_status,
        (sqlite_json_text(payload -> 'cancelled_at') IS NOT NULL)::integer AS cancelled
    FROM latest
)
SELECT
    order_id,
    order_name,
    created_at,
    updated_at,
    order_email,
    lower(order_email COLLATE "C") AS email_key,
    order_customer_name,
    total_price,
    currency,
    financial_status,
    fulfillment_status,
    cancelled
FROM fields;
