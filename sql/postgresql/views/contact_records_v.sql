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
--
-- PostgreSQL dialect of sql/views/contact_records_v.sql: the same view name, columns, column order, key and
-- rows as SQLite's on the same data (Tests/pgdialect/check compares them); what differs and why is in
-- docs/postgresql-dialect.md.
CREATE OR REPLACE VIEW contact_records_v AS
-- `white`: the white space trimmed from customer fields (docs/contract.md §2 "Customers and the merge";
-- the list of Sources/OrderCore/ContactField.swift): Unicode White_Space U+0009-000D, U+0020, U+0085,
-- U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000, then ZWSP U+200B and BOM U+FEFF.
-- PostgreSQL (docs/postgresql-dialect.md): btrim(x, space) is SQLite's trim(x, space) (both remove
-- those characters, not bytes, from both ends); "no white space inside" is translate() removing none
-- of them, where SQLite matches the GLOB '*[space]*'; "only digits" is translate() leaving nothing of
-- phone_digits once 0-9 are removed (SQLite: NOT GLOB '*[^0-9]*'). json_extract(payload, '$.X') is
-- sqlite_json_text(payload::json -> 'X') (sql/postgresql/tables/sqlite_compat.sql): the text SQLite
-- makes of the value. Fields made from JSON are COLLATE "C" (SQLite's byte order), and lower() under
-- COLLATE "C" lower-cases ASCII A-Z only, as SQLite's built-in lower(): email_key is the same text.
-- email_valid and phone_valid are integers 0 / 1, as SQLite's comparisons give.
WITH white AS (
    SELECT string_agg(chr(code), '') AS space
    FROM unnest(ARRAY[9, 10, 11, 12, 13, 32, 133, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200,
                      8201, 8202, 8232, 8233, 8239, 8287, 12288, 8203, 65279]) AS code
),
latest AS (
    SELECT r.source, r.source_id, r.updated_at, r.payload::json AS payload, w.space
    FROM source_records AS r
    CROSS JOIN white AS w
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
            WHEN 'zoho' THEN coalesce(nullif(btrim(sqlite_json_text(payload -> 'Full_Name'), space), ''),
                nullif(btrim(btrim(coalesce(sqlite_json_text(payload -> 'First_Name'), ''), space) || ' '
                     || btrim(coalesce(sqlite_json_text(payload -> 'Last_Name'), ''), space), space), ''))
            ELSE nullif(btrim(btrim(coalesce(sqlite_json_text(payload -> 'first_name'), ''), space) || ' '
                     || btrim(coalesce(sqlite_json_text(payload -> 'last_name'), ''), space), space), '')
        END COLLATE "C" AS name,
        nullif(btrim(sqlite_json_text(CASE source WHEN 'zoho' THEN payload -> 'Email'
                                                  ELSE payload -> 'email' END), space), '') COLLATE "C" AS email,
        nullif(btrim(sqlite_json_text(CASE source WHEN 'zoho' THEN payload -> 'Phone'
                                                  ELSE payload -> 'phone' END), space), '') COLLATE "C" AS phone,
        nullif(btrim(CASE
            WHEN source = 'zoho' AND json_typeof(payload -> 'Account_Name') = 'object'
                THEN sqlite_json_text(payload -> 'Account_Name' -> 'name')
            WHEN source = 'zoho' AND json_typeof(payload -> 'Account_Name') = 'string'
                THEN sqlite_json_text(payload -> 'Account_Name')
            WHEN source = 'customers' THEN sqlite_json_text(payload -> 'company')
        END, space), '') COLLATE "C" AS company,
        space
    FROM latest
),
checked AS (
    SELECT
        *,
        email IS NOT NULL AND email LIKE '_%@_%._%' AND length(translate(email, space, '')) = length(email)
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
    lower(email COLLATE "C") AS email_key,
    phone,
    company,
    updated_at,
    email_valid::integer AS email_valid,
    (phone_digits <> '' AND translate(phone_digits, '0123456789', '') = ''
        AND length(phone_digits) BETWEEN 7 AND 15)::integer AS phone_valid,
    ((CASE WHEN name IS NOT NULL THEN 25 ELSE 0 END)
    + (CASE WHEN email_valid THEN 25 ELSE 0 END)
    + (CASE WHEN phone_digits <> '' AND translate(phone_digits, '0123456789', '') = ''
            AND length(phone_digits) BETWEEN 7 AND 15 THEN 25 ELSE 0 END)
    + (CASE WHEN company IS NOT NULL THEN 25 ELSE 0 END))::bigint AS quality_score
FROM checked;
