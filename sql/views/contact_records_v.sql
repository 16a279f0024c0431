-- contact_records_v: one row per customer record from every customer source (Zoho CRM contacts,
-- the generic customer source), its latest fetched version, with normalised fields and a
-- data-quality score.
--
-- quality_score (0-100) = 25 for each field present and valid:
--   name     a non-empty name (Zoho Full_Name, else First_Name + Last_Name; first_name + last_name)
--   email    one '@' with something before it, a '.' in the domain, no white space inside
--   phone    only digits, spaces, '+', '-', '.', '(' and ')', with 7 to 15 digits (E.164 length)
--   company  a non-empty company (Zoho Account_Name.name, or Account_Name as text)
-- Every field is trimmed of white space at both ends (the `white` list below; a blank field is NULL).
-- email_key is the trimmed email with ASCII A-Z lower-cased (SQLite's built-in lower() touches
-- nothing else): the key profiles and merges match on. Non-ASCII letters and white space inside the
-- email are kept as they are, so such an email matches only the same text.
-- key: source, source_id
CREATE VIEW contact_records_v AS
-- `white`: the white space trimmed from customer fields (docs/contract.md §2 "Customers and the merge";
-- the list of Sources/OrderCore/ContactField.swift): Unicode White_Space U+0009-000D, U+0020, U+0085,
-- U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000, then ZWSP U+200B and BOM U+FEFF.
-- `inside` is a GLOB pattern matching text with any of them. Both are read by scalar subqueries, which
-- SQLite evaluates once per statement; a join with `white` would cost paging its index order.
WITH white AS (
    SELECT space, '*[' || space || ']*' AS inside
    FROM (SELECT char(9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200,
                      8201, 8202, 8232, 8233, 8239, 8287, 12288, 8203, 65279) AS space)
),
latest AS (
    SELECT r.source, r.source_id, r.updated_at, r.payload,
           (SELECT space FROM white) AS space, (SELECT inside FROM white) AS inside
    FROM source_records AS r
    WHERE r.source IN ('zoho', 'customers')
      AND r.seq = (SELECT max(l.seq) FROM source_records AS l
                    WHERE l.source = r.source AND l.source_id = r.source_id)
),
fields AS (
    SELECT
        source,
        source_id,
        updated_at,
        CASE source
            WHEN 'zoho' THEN coalesce(nullif(trim(json_extract(payload, '$.Full_Name'), space), ''),
                nullif(trim(trim(coalesce(json_extract(payload, '$.First_Name'), ''), space) || ' '
                     || trim(coalesce(json_extract(payload, '$.Last_Name'), ''), space), space), ''))
            ELSE nullif(trim(trim(coalesce(json_extract(payload, '$.first_name'), ''), space) || ' '
                     || trim(coalesce(json_extract(payload, '$.last_name'), ''), space), space), '')
        END AS name,
        nullif(trim(CASE source WHEN 'zoho' THEN json_extract(payload, '$.Email')
                                ELSE json_extract(payload, '$.email') END, space), '') AS email,
        nullif(trim(CASE source WHEN 'zoho' THEN json_extract(payload, '$.Phone')
                                ELSE json_extract(payload, '$.phone') END, space), '') AS phone,
        nullif(trim(CASE
            WHEN source = 'zoho' AND json_type(payload, '$.Account_Name') = 'object'
                THEN json_extract(payload, '$.Account_Name.name')
            WHEN source = 'zoho' AND json_type(payload, '$.Account_Name') = 'text'
                THEN json_extract(payload, '$.Account_Name')
            WHEN source = 'customers' THEN json_extract(payload, '$.company')
        END, space), '') AS company,
        inside
    FROM latest
),
checked AS (
    SELECT
        *,
        email IS NOT NULL AND email LIKE '_%@_%._%' AND email NOT GLOB inside
            AND length(email) - length(replace(email, '@', '')) = 1 AS email_valid,
        replace(replace(replace(replace(replace(replace(coalesce(phone, ''),
            ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '') AS phone_digits
    FROM fields
)
SELECT
    source,
    source_id,
    name,
    email,
    lower(email) AS email_key,
    phone,
    company,
    updated_at,
    email_valid,
    phone_digits <> '' AND phone_digits NOT GLOB '*[^0-9]*'
        AND length(phone_digits) BETWEEN 7 AND 15 AS phone_valid,
    (CASE WHEN name IS NOT NULL THEN 25 ELSE 0 END)
    + (CASE WHEN email_valid THEN 25 ELSE 0 END)
    + (CASE WHEN phone_digits <> '' AND phone_digits NOT GLOB '*[^0-9]*'
            AND length(phone_digits) BETWEEN 7 AND 15 THEN 25 ELSE 0 END)
    + (CASE WHEN company IS NOT NULL THEN 25 ELSE 0 END) AS quality_score
FROM checked;
