/* Debian's libpq-dev puts the header in /usr/include/postgresql, which `pkg-config libpq` adds to the
   include path (Package.swift names it); without pkg-config the subfolder path still finds it, and
   libpq-fe.h includes postgres_ext.h with quotes, so that one is found beside it. */
#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

/* The PQresultErrorField codes are character-literal macros, which Swift does not import
   (https://www.postgresql.org/docs/15/libpq-exec.html, PQresultErrorField). */
static const int ordersync_pg_diag_severity = PG_DIAG_SEVERITY;
static const int ordersync_pg_diag_severity_nonlocalized = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int ordersync_pg_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int ordersync_pg_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int ordersync_pg_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
static const int ordersync_pg_diag_message_hint = PG_DIAG_MESSAGE_HINT;
static const int ordersync_pg_diag_statement_position = PG_DIAG_STATEMENT_POSITION;
