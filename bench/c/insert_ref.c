/* insert_ref: the bare-C SQLite reference for bench/run.
 *
 * Inserts order rows shaped like the server's (same column values as the wrk
 * Lua client sends, source 'api', a canonical-JSON payload) into orders_raw
 * with the server's pragmas, ROWS rows per BEGIN IMMEDIATE/COMMIT, for SECS
 * seconds. The schema is the repo's own: every --schema FILE is executed
 * first, in the order given (bench/run passes the sorted sql/tables files).
 *
 *   insert_ref DB ROWS_PER_TXN SECS PREFIX --schema FILE [--schema FILE ...]
 *
 * Prints one line: rows=N txns=N secs=S rows_per_s=R txns_per_s=T cpu_s=C maxrss_kb=K
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "insert_ref: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "insert_ref: %s: %s\n", sql, err ? err : "?");
        exit(1);
    }
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(n + 1);
    if (fread(buf, 1, n, f) != (size_t)n) { perror(path); exit(1); }
    buf[n] = 0;
    fclose(f);
    return buf;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* UTC RFC 3339 with milliseconds, like the server's ingested_at. */
static void stamp(char out[32]) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: insert_ref DB ROWS_PER_TXN SECS PREFIX --schema FILE...\n");
        return 2;
    }
    const char *path = argv[1];
    long per_txn = atol(argv[2]);
    double secs = atof(argv[3]);
    const char *prefix = argv[4];

    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK) die(db, "open");
    /* The server's pragmas. */
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA synchronous=FULL");
    exec(db, "PRAGMA busy_timeout=5000");
    int nschema = 0;
    for (int i = 5; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--schema") != 0) { fprintf(stderr, "insert_ref: bad arg %s\n", argv[i]); return 2; }
        char *sql = slurp(argv[i + 1]);
        exec(db, sql);
        free(sql);
        nschema++;
    }
    if (nschema == 0) { fprintf(stderr, "insert_ref: no --schema file\n"); return 2; }

    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(db,
            "INSERT INTO orders_raw(order_id, order_date, order_status, order_details,"
            " updated_at, ingested_at, source, payload) VALUES (?,?,?,?,?,?,'api',?)",
            -1, &ins, NULL) != SQLITE_OK) die(db, "prepare");

    /* Same values as bench/lua/ingest.lua sends. */
    const char *date = "2025-08-08T10:00:00Z", *status = "processing",
               *details = "Laptop, Mouse", *updated = "2025-08-08T10:05:00Z";
    char id[64], payload[512], ts[32];
    long rows = 0, txns = 0;
    double t0 = now(), t = t0;
    while (t - t0 < secs) {
        stamp(ts);
        exec(db, "BEGIN IMMEDIATE");
        for (long i = 0; i < per_txn; i++, rows++) {
            int idn = snprintf(id, sizeof id, "%s-%ld", prefix, rows);
            /* Canonical JSON: sorted keys, no white space. */
            int pn = snprintf(payload, sizeof payload,
                "{\"order_date\":\"%s\",\"order_details\":\"%s\",\"order_id\":\"%s\","
                "\"order_status\":\"%s\",\"updated_at\":\"%s\"}",
                date, details, id, status, updated);
            sqlite3_bind_text(ins, 1, id, idn, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, date, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 3, status, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 4, details, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 5, updated, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 6, ts, -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 7, payload, pn, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE) die(db, "insert");
            sqlite3_reset(ins);
        }
        exec(db, "COMMIT");
        txns++;
        t = now();
    }
    double el = t - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    printf("rows=%ld txns=%ld secs=%.3f rows_per_s=%.1f txns_per_s=%.1f cpu_s=%.3f maxrss_kb=%ld\n",
           rows, txns, el, rows / el, txns / el, cpu, ru.ru_maxrss);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return 0;
}
