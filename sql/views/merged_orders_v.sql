-- merged_orders_v: each synced Shopify order with its customer's CRM record, matched by email
-- (trimmed, case-insensitive). Orders without a match are kept (crm_match = 0, customer fields
-- from the order itself); none is ever dropped. customer_source / customer_record_id name the CRM
-- record used (customer_profiles_v's kept record).
-- key: order_id
CREATE VIEW merged_orders_v AS
SELECT
    o.order_id,
    o.order_name,
    o.created_at AS order_date,
    coalesce(p.customer_name, o.order_customer_name) AS customer_name,
    coalesce(p.email, o.email_key) AS customer_email,
    p.company AS customer_company,
    o.total_price AS order_total_price,
    o.currency,
    o.financial_status,
    o.fulfillment_status,
    o.cancelled,
    p.email IS NOT NULL AS crm_match,
    p.kept_source AS customer_source,
    p.kept_id AS customer_record_id,
    o.updated_at
FROM shopify_orders_v AS o
LEFT JOIN customer_profiles_v AS p ON p.email = o.email_key;
