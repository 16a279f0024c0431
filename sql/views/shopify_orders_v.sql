-- shopify_orders_v: one row per Shopify order, from its latest fetched version in source_records,
-- with the fields the merge and the customer facts need. `order_email` is the order's email (email,
-- else contact_email, else customer.email) trimmed of white space at both ends, as contact_records_v
-- trims customer fields (the same `white` list); `email_key` is it with ASCII A-Z lower-cased, the key
-- that merged_orders_v and customer_profiles_v match on; NULL when the order carries no email.
-- order_customer_name is customer.first_name and last_name, each trimmed, joined by a space.
-- key: order_id
CREATE VIEW shopify_orders_v AS
-- `white`: the white space trimmed (docs/contract.md §2 "Customers and the merge"; the list of
-- Sources/OrderCore/ContactField.swift and contact_records_v), read once per statement by a scalar
-- subquery (a join would cost paging its index order).
WITH white AS (
    SELECT char(9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202,
                8232, 8233, 8239, 8287, 12288, 8203, 65279) AS space
),
latest AS (
    SELECT r.source_id, r.updated_at, r.payload, (SELECT space FROM white) AS space
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
                             json_extract(payload, '$.customer.email'), ''), space), '') AS order_email,
        nullif(trim(trim(coalesce(json_extract(payload, '$.customer.first_name'), ''), space) || ' '
                    || trim(coalesce(json_extract(payload, '$.customer.last_name'), ''), space), space), '')
            AS order_customer_name,
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
