-- contact_records_v: one row per customer record from every customer source (Zoho CRM contacts,
-- the generic customer source), its latest fetched version, with normalised fields and a
-- data-quality score.
--
-- quality_score (0-100) = 25 for each field present and valid:
--   name     a non-empty name (Zoho Full_Name, else First_Name + Last_Name; first_name + last_name)
--   email    trimmed, one '@' with something before it, a '.' in the domain, no white space
--   phone    only digits, spaces, '+', '-', '.', '(' and ')', with 7 to 15 digits (E.164 length)
--   company  a non-empty company (Zoho Account_Name.name, or Account_Name as text)
-- email_key is the email trimmed and lower-cased (ASCII): the key profiles and merges match on.
-- key: source, source_id
CREATE VIEW contact_records_v AS
WITH latest AS (
    SELECT r.source, r.source_id, r.updated_at, r.payload
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
            WHEN 'zoho' THEN nullif(trim(coalesce(json_extract(payload, '$.Full_Name'),
                trim(coalesce(json_extract(payload, '$.First_Name'), '') || ' '
                     || coalesce(json_extract(payload, '$.Last_Name'), '')))), '')
            ELSE nullif(trim(coalesce(json_extract(payload, '$.first_name'), '') || ' '
                     || coalesce(json_extract(payload, '$.last_name'), '')), '')
        END AS name,
        nullif(trim(CASE source WHEN 'zoho' THEN json_extract(payload, '$.Email')
                                ELSE json_extract(payload, '$.email') END), '') AS email,
        nullif(trim(CASE source WHEN 'zoho' THEN json_extract(payload, '$.Phone')
                                ELSE json_extract(payload, '$.phone') END), '') AS phone,
        nullif(trim(CASE
            WHEN source = 'zoho' AND json_type(payload, '$.Account_Name') = 'object'
                THEN json_extract(payload, '$.Account_Name.name')
            WHEN source = 'zoho' AND json_type(payload, '$.Account_Name') = 'text'
                THEN json_extract(payload, '$.Account_Name')
            WHEN source = 'customers' THEN json_extract(payload, '$.company')
        END), '') AS company
    FROM latest
),
checked AS (
    SELECT
        *,
        email IS NOT NULL AND email LIKE '_%@_%._%' AND instr(email, ' ') = 0
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
