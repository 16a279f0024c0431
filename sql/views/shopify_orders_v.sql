-- shopify_orders_v: one row per Shopify order, from its latest fetched version in source_records,
-- with the fields the merge and the customer facts need. `email_key` is the order's email
-- (email, else contact_email, else customer.email) trimmed and lower-cased (ASCII), the key that
-- merged_orders_v and customer_profiles_v match on; NULL when the order carries no email.
-- key: order_id
CREATE VIEW shopify_orders_v AS
WITH latest AS (
    SELECT r.source_id, r.updated_at, r.payload
    FROM source_records AS r
    WHERE r.source = 'shopify'
      AND r.seq = (SELECT max(l.seq) FROM source_records AS l
                    WHERE l.source = 'shopify' AND l.source_id = r.source_id)
),
fields AS (
    SELECT
        source_id AS order_id,
        json_extract(payload, '$.name') AS order_name,
        -- SQLite's date functions apply the offset: created_at is UTC text, so it sorts as time.
        strftime('%Y-%m-%dT%H:%M:%SZ', json_extract(payload, '$.created_at')) AS created_at,
        updated_at,
        nullif(trim(coalesce(json_extract(payload, '$.email'), json_extract(payload, '$.contact_email'),
                             json_extract(payload, '$.customer.email'), '')), '') AS order_email,
        nullif(trim(coalesce(json_extract(payload, '$.customer.first_name'), '') || ' '
                    || coalesce(json_extract(payload, '$.customer.last_name'), '')), '') AS order_customer_name,
        json_extract(payload, '$.total_price') AS total_price,
        json_extract(payload, '$.currency') AS currency,
        json_extract(payload, '$.financial_status') AS financial_status,
        json_extract(payload, '$.fulfillment_status') AS fulfillment_status,
        json_extract(payload, '$.cancelled_at') IS NOT NULL AS cancelled
    FROM latest
)
SELECT
    order_id,
    order_name,
    created_at,
    updated_at,
    order_email,
    lower(order_email) AS email_key,
    order_customer_name,
    total_price,
    currency,
    financial_status,
    fulfillment_status,
    cancelled
FROM fields;
