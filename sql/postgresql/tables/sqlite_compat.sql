-- sqlite_compat: functions the PostgreSQL views call where SQLite's built-ins compute something
-- PostgreSQL's do not compute the same way (docs/postgresql-dialect.md says which and why). No table:
-- the file sits with the table files because the views need these functions, and table files run
-- before the views. Each function gives, for the values ordersync stores, exactly the value SQLite
-- 3.40 (the engine the SQLite views run on) gives; Tests/pgdialect/check compares them with SQLite's
-- own results, adversarial values included.
--
-- All are IMMUTABLE: they read nothing but their arguments, and no setting (TimeZone, DateStyle,
-- lc_*, extra_float_digits) changes what they return. CREATE OR REPLACE: running the file again
-- changes nothing.

-- sqlite_pow2(k): 2^k as an exact numeric, for any integer k (2^-k = 5^k * 10^-k; numeric division
-- would round).
CREATE OR REPLACE FUNCTION sqlite_pow2(k integer) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN k >= 0 THEN 2::numeric ^ k
                ELSE (5::numeric ^ (-k)) * ('1e' || k::text)::numeric END
$$;

-- sqlite_float8_exact(x): the exact decimal value of a finite double (x::numeric keeps only 15
-- significant digits). Read from its IEEE 754 bits.
CREATE OR REPLACE FUNCTION sqlite_float8_exact(x double precision) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    bits bigint := ('x' || encode(float8send(x), 'hex'))::bit(64)::bigint;
    biased integer := ((bits >> 52) & 2047)::integer;
    mantissa bigint := bits & 4503599627370495;
    value numeric;
BEGIN
    IF biased = 2047 THEN
        RETURN NULL;  -- infinite or NaN: no decimal value
    END IF;
    IF biased = 0 THEN
        biased := 1;  -- subnormal
    ELSE
        mantissa := mantissa | 4503599627370496;
    END IF;
    value := mantissa::numeric * sqlite_pow2(biased - 1075);
    RETURN CASE WHEN bits < 0 THEN -value ELSE value END;
END;
$$;

-- sqlite_ld(v): v rounded to 64 significant bits, to nearest, ties to even: what an x87 long double
-- (SQLite's LONGDOUBLE_TYPE on x86-64) holds after an operation whose exact result is v.
CREATE OR REPLACE FUNCTION sqlite_ld(v numeric) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    magnitude numeric := abs(v);
    e integer;
    scaled numeric;
    m numeric;
    rest numeric;
BEGIN
    IF magnitude = 0 THEN
        RETURN v;
    END IF;
    e := floor(log(2::numeric, magnitude))::integer;
    LOOP
        scaled := magnitude * sqlite_pow2(63 - e);
        EXIT WHEN scaled >= 9223372036854775808 AND scaled < 18446744073709551616;
        IF scaled >= 18446744073709551616 THEN e := e + 1; ELSE e := e - 1; END IF;
    END LOOP;
    m := floor(scaled);
    rest := scaled - m;
    IF rest > 0.5 OR (rest = 0.5 AND mod(m, 2) = 1) THEN
        m := m + 1;
    END IF;
    m := m * sqlite_pow2(e - 63);
    RETURN CASE WHEN v < 0 THEN -m ELSE m END;
END;
$$;

-- sqlite_round(x, digits): SQLite 3.40's round(x, digits) for a double x, bit for bit.
--   SQLite rounds with printf("%.*f"): it adds a rounder of 5 at the digit after the last kept, plus
--   3e-16 of the value (so a double just below a half, like 2.675 stored as 2.67499999999999982236431605997495353221893310546875,
--   still rounds up), in long double arithmetic, keeps at most 16 significant digits, truncates, and
--   reads the decimal text back as the nearest double. round(numeric) or x::numeric (15 significant
--   digits) round differently at halves and near-halves, which averages of whole milliseconds hit
--   often (9 s is 0.0025 h).
--   Most values are far from a half: they take the float8 path (scaled value's fraction at least
--   1e-15 relative away from .5, where none of the above can change the result) and cost a few float
--   operations. The others replay SQLite's arithmetic exactly in numeric (sqlite_ld after each long
--   double operation).
--   digits is clamped to 0..30 as in SQLite; digits 1..9 are exact (10 and more use a rounder that
--   SQLite multiplies by 1e-10 in long double, not replayed; no view uses them).
CREATE OR REPLACE FUNCTION sqlite_round(x double precision, digits integer DEFAULT 0) RETURNS double precision
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    n integer;
    ax double precision;
    y double precision;
    whole double precision;
    frac double precision;
    bits bigint;
    exponent integer;
    v numeric;
    rounder double precision;
    scale numeric;
    exp10 integer;
    significant integer;
    e2 integer;
    precision integer;
    digit integer;
    text_digits text;
    result double precision;
BEGIN
    IF x IS NULL OR digits IS NULL THEN
        RETURN NULL;
    END IF;
    n := least(greatest(digits, 0), 30);
    -- No fractional part (or not finite): nothing to round.
    IF x = 'NaN'::double precision OR x < -4503599627370496 OR x > 4503599627370496 THEN
        RETURN x;
    END IF;
    IF n = 0 THEN
        -- (double)((sqlite_int64)(r + 0.5)), -0.5 for negative values: truncation toward zero.
        RETURN trunc(x + CASE WHEN x < 0 THEN -0.5::double precision ELSE 0.5::double precision END)::bigint::double precision;
    END IF;
    ax := abs(x);
    -- The float8 path: the decision is clear of the half, so the result is the nearest double to the
    -- rounded decimal k / 10^n (what SQLite's atof of the printed text gives for n <= 4; a division of
    -- two exact doubles is correctly rounded).
    IF n <= 15 THEN
        y := ax * ('1e' || n::text)::double precision;
        IF y < 4503599627370496 THEN
            whole := floor(y);
            frac := y - whole;
            IF abs(frac - 0.5) > 1e-15 * (y + 1) THEN
                IF frac > 0.5 THEN
                    whole := whole + 1;
                END IF;
                result := whole / ('1e' || n::text)::double precision;
                RETURN CASE WHEN x < 0 THEN -result ELSE result END;
            END IF;
        END IF;
    END IF;
    -- The exact path: printf's arithmetic replayed (src/printf.c, etFLOAT).
    bits := ('x' || encode(float8send(ax), 'hex'))::bit(64)::bigint;
    exponent := ((bits >> 52) & 2047)::integer - 1023;
    rounder := ('5e-' || (n % 10 + 1)::text)::double precision;  -- arRound[n % 10], a double
    v := sqlite_float8_exact(ax);
    IF n + exponent / 3 < 15 THEN  -- C's integer division truncates toward zero, as PostgreSQL's does
        -- rounder (a double) += realvalue * 3e-16 (long double)
        rounder := sqlite_ld(sqlite_float8_exact(rounder) + sqlite_ld(v * sqlite_float8_exact(3e-16::double precision)))::double precision;
    END IF;
    v := sqlite_ld(v + sqlite_float8_exact(rounder));
    -- Normalize to 1 <= v < 10 (exp10 = the decimal exponent).
    exp10 := 0;
    IF v >= 10 THEN
        scale := 1;
        WHILE v >= 1e10 * scale LOOP scale := scale * 1e10; exp10 := exp10 + 10; END LOOP;
        WHILE v >= 10 * scale LOOP scale := scale * 10; exp10 := exp10 + 1; END LOOP;
        v := sqlite_ld(v / scale);  -- scale is a power of ten: this numeric division is exact
    ELSE
        WHILE v < 1e-8 LOOP v := sqlite_ld(v * 1e8); exp10 := exp10 - 8; END LOOP;
        WHILE v < 1 LOOP v := sqlite_ld(v * 10); exp10 := exp10 - 1; END LOOP;
    END IF;
    -- Digits (et_getdigit): at most 16 significant ones, then zeros.
    significant := 16;
    text_digits := '';
    e2 := exp10;
    IF e2 < 0 THEN
        text_digits := '0';
    ELSE
        WHILE e2 >= 0 LOOP
            IF significant > 0 THEN
                significant := significant - 1;
                digit := floor(v)::integer;
                v := sqlite_ld((v - digit) * 10);
            ELSE
                digit := 0;
            END IF;
            text_digits := text_digits || digit::text;
            e2 := e2 - 1;
        END LOOP;
    END IF;
    text_digits := text_digits || '.';
    precision := n;
    e2 := e2 + 1;
    WHILE e2 < 0 AND precision > 0 LOOP
        text_digits := text_digits || '0';
        precision := precision - 1;
        e2 := e2 + 1;
    END LOOP;
    WHILE precision > 0 LOOP
        IF significant > 0 THEN
            significant := significant - 1;
            digit := floor(v)::integer;
            v := sqlite_ld((v - digit) * 10);
        ELSE
            digit := 0;
        END IF;
        text_digits := text_digits || digit::text;
        precision := precision - 1;
    END LOOP;
    result := text_digits::numeric::double precision;
    RETURN CASE WHEN x < 0 THEN -result ELSE result END;
END;
$$;

-- sqlite_datetime(t): SQLite's reading of a date-time text (src/date.c: parseYyyyMmDd, parseHhMmSs,
-- parseTimezone, computeJD, and computeYMD / computeHMS when an offset moved the time):
--   jd_ms   julianday(t) * 86400000 as SQLite keeps it (iJD, an integer), so julianday(t) is
--           jd_ms / 86400000.0 and CAST(round(julianday(t) * 86400000) AS INTEGER) is jd_ms
--   y .. s  the fields strftime() prints: as written when there is no offset (or Z, or +00:00; SQLite
--           keeps them, 24:00 and 02-30 included), else recomputed from jd_ms in UTC
-- Accepted, as SQLite accepts them: YYYY-MM-DD, then optionally spaces or T and HH:MM[:SS[.fraction]],
-- then optionally spaces and Z, z or +HH:MM / -HH:MM, then spaces; fields in SQLite's ranges (month 1-12,
-- day 1-31, hour 0-24, offset hours 0-14). Anything else is NULL (all fields), as SQLite's julianday()
-- gives NULL; SQLite's other inputs (a bare number read as a julian day, 'now', a time without a
-- date) are NULL here too: ordersync never stores them (docs/postgresql-dialect.md).
CREATE OR REPLACE FUNCTION sqlite_datetime(t text,
    OUT jd_ms bigint, OUT y integer, OUT mo integer, OUT d integer, OUT h integer, OUT mi integer,
    OUT s double precision)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    m text[];
    yy integer;
    mm integer;
    a integer;
    b integer;
    x1 integer;
    x2 integer;
    sec integer := 0;
    fraction double precision := 0;
    fraction_scale double precision := 1;
    tz integer := 0;
    ms integer;
    z integer;
    c integer;
    e integer;
BEGIN
    m := regexp_match(t COLLATE "C",
        E'^(-?)([0-9]{4})-([0-9]{2})-([0-9]{2})[ \\t\\n\\v\\f\\rT]*'
        || E'(?:([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\\.([0-9]+))?)?'
        || E'[ \\t\\n\\v\\f\\r]*(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))?[ \\t\\n\\v\\f\\r]*)?$');
    IF m IS NULL THEN
        RETURN;
    END IF;
    y := m[2]::integer;
    IF m[1] = '-' THEN y := -y; END IF;
    mo := m[3]::integer;
    d := m[4]::integer;
    IF mo < 1 OR mo > 12 OR d < 1 OR d > 31 OR y < -4713 THEN
        y := NULL; mo := NULL; d := NULL;
        RETURN;
    END IF;
    IF m[5] IS NOT NULL THEN
        h := m[5]::integer;
        mi := m[6]::integer;
        IF m[7] IS NOT NULL THEN sec := m[7]::integer; END IF;
        IF h > 24 OR mi > 59 OR sec > 59 THEN
            y := NULL; mo := NULL; d := NULL; h := NULL; mi := NULL;
            RETURN;
        END IF;
        IF m[8] IS NOT NULL THEN
            -- ms = ms*10.0 + digit; rScale *= 10.0; then ms /= rScale: the same double operations.
            FOR i IN 1 .. length(m[8]) LOOP
                fraction := fraction * 10.0::double precision + (ascii(substr(m[8], i, 1)) - 48);
                fraction_scale := fraction_scale * 10.0::double precision;
            END LOOP;
            fraction := fraction / fraction_scale;
        END IF;
        s := sec + fraction;
        IF m[9] IS NOT NULL THEN
            IF m[10]::integer > 14 OR m[11]::integer > 59 THEN
                y := NULL; mo := NULL; d := NULL; h := NULL; mi := NULL; s := NULL;
                RETURN;
            END IF;
            tz := (m[10]::integer * 60 + m[11]::integer) * CASE WHEN m[9] = '-' THEN -1 ELSE 1 END;
        END IF;
    END IF;
    -- computeJD (Meeus): integer divisions truncate toward zero in C and in PostgreSQL alike.
    yy := y;
    mm := mo;
    IF mm <= 2 THEN
        yy := yy - 1;
        mm := mm + 12;
    END IF;
    a := yy / 100;
    b := 2 - a + a / 4;
    x1 := 36525 * (yy + 4716) / 100;
    x2 := 306001 * (mm + 1) / 10000;
    jd_ms := trunc(((x1 + x2 + d + b)::double precision - 1524.5::double precision) * 86400000::double precision)::bigint;
    IF h IS NOT NULL THEN
        jd_ms := jd_ms + h * 3600000 + mi * 60000
                 + trunc(s * 1000::double precision + 0.5::double precision)::bigint;
        jd_ms := jd_ms - tz::bigint * 60000;
    END IF;
    IF jd_ms < 0 OR jd_ms > 464269060799999 THEN
        jd_ms := NULL; y := NULL; mo := NULL; d := NULL; h := NULL; mi := NULL; s := NULL;
        RETURN;
    END IF;
    IF h IS NULL THEN
        -- A date alone: midnight (computeHMS of jd_ms).
        h := 0; mi := 0; s := 0;
    ELSIF tz <> 0 THEN
        -- The offset moved the time: computeYMD and computeHMS from jd_ms, with C's double arithmetic.
        z := ((jd_ms + 43200000) / 86400000)::integer;
        a := trunc((z::double precision - 1867216.25::double precision) / 36524.25::double precision)::integer;
        a := z + 1 + a - a / 4;
        b := a + 1524;
        c := trunc((b::double precision - 122.1::double precision) / 365.25::double precision)::integer;
        x1 := (36525 * (c & 32767)) / 100;
        e := trunc((b - x1)::double precision / 30.6001::double precision)::integer;
        x2 := trunc(30.6001::double precision * e::double precision)::integer;
        d := b - x1 - x2;
        mo := CASE WHEN e < 14 THEN e - 1 ELSE e - 13 END;
        y := CASE WHEN mo > 2 THEN c - 4716 ELSE c - 4715 END;
        ms := ((jd_ms + 43200000) % 86400000)::integer;
        h := ms / 1000 / 3600;
        mi := ms / 1000 % 3600 / 60;
        s := (ms / 1000 % 60)::double precision + (ms % 1000)::double precision / 1000::double precision;
    END IF;
END;
$$;

-- sqlite_julianday_ms(t): CAST(round(julianday(t) * 86400000) AS INTEGER), i.e. SQLite's own integer
-- milliseconds (the views' durations are differences of these, so equal to SQLite's exactly).
-- The form ordersync stores its times in, YYYY-MM-DDTHH:MM:SS.sssZ (years 0001-9999), is computed by
-- plain arithmetic, with SQLite's normalisation of a day past the month's end (the 31st of February
-- is in March, as SQLite computes it); anything else goes through sqlite_datetime, about 40 times
-- slower (PL/pgSQL). One expression, not STRICT (a NULL falls through to sqlite_datetime, which is),
-- so PostgreSQL inlines it into the views.
CREATE OR REPLACE FUNCTION sqlite_julianday_ms(t text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN t ~ E'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$'
            AND substr(t, 1, 4) <> '0000'
            AND substr(t, 6, 2)::integer BETWEEN 1 AND 12 AND substr(t, 9, 2)::integer BETWEEN 1 AND 31
            AND substr(t, 12, 2)::integer < 24 AND substr(t, 15, 2)::integer < 60
            AND substr(t, 18, 2)::integer < 60
        THEN (make_date(substr(t, 1, 4)::integer, substr(t, 6, 2)::integer, 1) + (substr(t, 9, 2)::integer - 1)
                - DATE '1970-01-01')::bigint * 86400000
            + substr(t, 12, 2)::bigint * 3600000 + substr(t, 15, 2)::bigint * 60000
            + substr(t, 18, 2)::bigint * 1000 + substr(t, 21, 3)::bigint + 210866760000000
        ELSE (sqlite_datetime(t)).jd_ms
    END
$$;

-- sqlite_julianday(t): julianday(t), the double SQLite returns (iJD / 86400000.0). Not STRICT, so it
-- is inlined (a NULL gives NULL through sqlite_julianday_ms).
CREATE OR REPLACE FUNCTION sqlite_julianday(t text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT sqlite_julianday_ms(t)::double precision / 86400000.0::double precision
$$;

-- sqlite_utc_seconds(t): strftime('%Y-%m-%dT%H:%M:%SZ', t): the time in UTC to the second
-- (fractions truncated), fields printed as SQLite prints them (%04d, %02d).
CREATE OR REPLACE FUNCTION sqlite_utc_seconds(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN p.jd_ms IS NOT NULL THEN
        CASE WHEN p.y < 0 THEN '-' || lpad((-p.y)::text, greatest(3, length((-p.y)::text)), '0')
             ELSE lpad(p.y::text, 4, '0') END
        || '-' || lpad(p.mo::text, 2, '0') || '-' || lpad(p.d::text, 2, '0')
        || 'T' || lpad(p.h::text, 2, '0') || ':' || lpad(p.mi::text, 2, '0')
        || ':' || lpad(trunc(p.s)::integer::text, 2, '0') || 'Z'
    END
    FROM sqlite_datetime(t) AS p
$$;

-- sqlite_json_text(v): the text SQLite makes of json_extract(...) where the views use it as text
-- (trim, coalesce, comparisons): a string's value, 1 / 0 for true / false, an integer as written,
-- an object or array as its JSON text (the payloads are canonical JSON, so SQLite's minified
-- rendering is the same text), NULL for null or a missing member. A non-integer number stays in its
-- JSON text, where SQLite would print its double with %!.15g (docs/postgresql-dialect.md).
CREATE OR REPLACE FUNCTION sqlite_json_text(v json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE json_typeof(v)
        WHEN 'string' THEN v #>> '{}'
        WHEN 'boolean' THEN CASE WHEN v::text = 'true' THEN '1' ELSE '0' END
        WHEN 'number' THEN CASE WHEN v::text = '-0' THEN '0' ELSE v::text END
        WHEN 'object' THEN v::text
        WHEN 'array' THEN v::text
    END
$$;

-- sqlite_text_real(t): CAST(t AS REAL) as an exact decimal: the longest prefix that reads as a
-- number (after leading white space: digits, a point, digits, an exponent), 0 when there is none,
-- as SQLite's sqlite3AtoF reads it. Exact (numeric) where SQLite holds a double: the one view that
-- uses it sums prices and rounds to cents, where the two agree (docs/postgresql-dialect.md).
CREATE OR REPLACE FUNCTION sqlite_text_real(t text) RETURNS numeric
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    m text[];
    mantissa text;
    exponent integer := 0;
    value numeric;
BEGIN
    m := regexp_match(t COLLATE "C", E'^[ \\t\\n\\v\\f\\r]*([+-]?)([0-9]*)(?:\\.([0-9]*))?(?:[eE]([+-]?[0-9]*))?');
    mantissa := coalesce(m[2], '') || coalesce(m[3], '');
    IF mantissa = '' THEN
        RETURN 0;
    END IF;
    IF m[4] ~ '[0-9]' THEN
        exponent := greatest(least(m[4]::numeric, 1000), -1000)::integer;  -- beyond: far past a double's range
    END IF;
    value := (CASE WHEN m[1] = '-' THEN '-' ELSE '' END || '0' || coalesce(m[2], '') || '.' || coalesce(m[3], '') || '0')::numeric
             * ('1e' || exponent::text)::numeric;
    -- Beyond the largest double SQLite reads infinity (so does the numeric, and its cast to a double).
    IF abs(value) > 1.7976931348623157e308 THEN
        RETURN CASE WHEN value < 0 THEN '-Infinity'::numeric ELSE 'Infinity'::numeric END;
    END IF;
    RETURN value;
END;
$$;

-- sqlite_json_integer(v): json_extract(...) of a member ordersync writes as an integer (the sync
-- summary's counts): the integer, or NULL when it is missing, null or not an integer.
CREATE OR REPLACE FUNCTION sqlite_json_integer(v json) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN json_typeof(v) = 'number' AND v::text ~ '^-?[0-9]{1,18}$' THEN v::text::bigint END
$$;
