/* libpq is loaded at run time (dlopen, Sources/PostgreSQL/LibPQ.swift), not linked: a server on
   SQLite never maps it and the dozen libraries it pulls in (OpenSSL, Kerberos, LDAP: 5 MB of idle
   memory, bench/RESULTS.md). So libpq's own declarations are renamed here (libpq_PQexec, ...) and
   never referenced, and each function the wrapper calls gets a pointer type (ordersync_PQexec_fn)
   that LibPQ.swift fills from dlsym under the original name.

   Debian's libpq-dev puts the header in /usr/include/postgresql; libpq-fe.h includes postgres_ext.h
   with quotes, so that one is found beside it. */
#define PQbackendPID libpq_PQbackendPID
#define PQcancel libpq_PQcancel
#define PQclear libpq_PQclear
#define PQcmdStatus libpq_PQcmdStatus
#define PQcmdTuples libpq_PQcmdTuples
#define PQconnectdbParams libpq_PQconnectdbParams
#define PQconninfo libpq_PQconninfo
#define PQconninfoFree libpq_PQconninfoFree
#define PQconninfoParse libpq_PQconninfoParse
#define PQenterPipelineMode libpq_PQenterPipelineMode
#define PQerrorMessage libpq_PQerrorMessage
#define PQexec libpq_PQexec
#define PQexecParams libpq_PQexecParams
#define PQexecPrepared libpq_PQexecPrepared
#define PQexitPipelineMode libpq_PQexitPipelineMode
#define PQfinish libpq_PQfinish
#define PQfname libpq_PQfname
#define PQfnumber libpq_PQfnumber
#define PQfreeCancel libpq_PQfreeCancel
#define PQfreemem libpq_PQfreemem
#define PQftype libpq_PQftype
#define PQgetCancel libpq_PQgetCancel
#define PQgetCopyData libpq_PQgetCopyData
#define PQgetResult libpq_PQgetResult
#define PQgetisnull libpq_PQgetisnull
#define PQgetlength libpq_PQgetlength
#define PQgetvalue libpq_PQgetvalue
#define PQnfields libpq_PQnfields
#define PQntuples libpq_PQntuples
#define PQpipelineSync libpq_PQpipelineSync
#define PQprepare libpq_PQprepare
#define PQputCopyData libpq_PQputCopyData
#define PQputCopyEnd libpq_PQputCopyEnd
#define PQreset libpq_PQreset
#define PQresultErrorField libpq_PQresultErrorField
#define PQresultErrorMessage libpq_PQresultErrorMessage
#define PQresultStatus libpq_PQresultStatus
#define PQsendQueryParams libpq_PQsendQueryParams
#define PQserverVersion libpq_PQserverVersion
#define PQsetNoticeProcessor libpq_PQsetNoticeProcessor
#define PQsetSingleRowMode libpq_PQsetSingleRowMode
#define PQsocket libpq_PQsocket
#define PQstatus libpq_PQstatus
#define PQtransactionStatus libpq_PQtransactionStatus
#define PQunescapeBytea libpq_PQunescapeBytea

#if __has_include(<libpq-fe.h>)
#include <libpq-fe.h>
#else
#include <postgresql/libpq-fe.h>
#endif

typedef __typeof__(libpq_PQbackendPID) *ordersync_PQbackendPID_fn;
typedef __typeof__(libpq_PQcancel) *ordersync_PQcancel_fn;
typedef __typeof__(libpq_PQclear) *ordersync_PQclear_fn;
typedef __typeof__(libpq_PQcmdStatus) *ordersync_PQcmdStatus_fn;
typedef __typeof__(libpq_PQcmdTuples) *ordersync_PQcmdTuples_fn;
typedef __typeof__(libpq_PQconnectdbParams) *ordersync_PQconnectdbParams_fn;
typedef __typeof__(libpq_PQconninfo) *ordersync_PQconninfo_fn;
typedef __typeof__(libpq_PQconninfoFree) *ordersync_PQconninfoFree_fn;
typedef __typeof__(libpq_PQconninfoParse) *ordersync_PQconninfoParse_fn;
typedef __typeof__(libpq_PQenterPipelineMode) *ordersync_PQenterPipelineMode_fn;
typedef __typeof__(libpq_PQerrorMessage) *ordersync_PQerrorMessage_fn;
typedef __typeof__(libpq_PQexec) *ordersync_PQexec_fn;
typedef __typeof__(libpq_PQexecParams) *ordersync_PQexecParams_fn;
typedef __typeof__(libpq_PQexecPrepared) *ordersync_PQexecPrepared_fn;
typedef __typeof__(libpq_PQexitPipelineMode) *ordersync_PQexitPipelineMode_fn;
typedef __typeof__(libpq_PQfinish) *ordersync_PQfinish_fn;
typedef __typeof__(libpq_PQfname) *ordersync_PQfname_fn;
typedef __typeof__(libpq_PQfnumber) *ordersync_PQfnumber_fn;
typedef __typeof__(libpq_PQfreeCancel) *ordersync_PQfreeCancel_fn;
typedef __typeof__(libpq_PQfreemem) *ordersync_PQfreemem_fn;
typedef __typeof__(libpq_PQftype) *ordersync_PQftype_fn;
typedef __typeof__(libpq_PQgetCancel) *ordersync_PQgetCancel_fn;
typedef __typeof__(libpq_PQgetCopyData) *ordersync_PQgetCopyData_fn;
typedef __typeof__(libpq_PQgetResult) *ordersync_PQgetResult_fn;
typedef __typeof__(libpq_PQgetisnull) *ordersync_PQgetisnull_fn;
typedef __typeof__(libpq_PQgetlength) *ordersync_PQgetlength_fn;
typedef __typeof__(libpq_PQgetvalue) *ordersync_PQgetvalue_fn;
typedef __typeof__(libpq_PQnfields) *ordersync_PQnfields_fn;
typedef __typeof__(libpq_PQntuples) *ordersync_PQntuples_fn;
typedef __typeof__(libpq_PQpipelineSync) *ordersync_PQpipelineSync_fn;
typedef __typeof__(libpq_PQprepare) *ordersync_PQprepare_fn;
typedef __typeof__(libpq_PQputCopyData) *ordersync_PQputCopyData_fn;
typedef __typeof__(libpq_PQputCopyEnd) *ordersync_PQputCopyEnd_fn;
typedef __typeof__(libpq_PQreset) *ordersync_PQreset_fn;
typedef __typeof__(libpq_PQresultErrorField) *ordersync_PQresultErrorField_fn;
typedef __typeof__(libpq_PQresultErrorMessage) *ordersync_PQresultErrorMessage_fn;
typedef __typeof__(libpq_PQresultStatus) *ordersync_PQresultStatus_fn;
typedef __typeof__(libpq_PQsendQueryParams) *ordersync_PQsendQueryParams_fn;
typedef __typeof__(libpq_PQserverVersion) *ordersync_PQserverVersion_fn;
typedef __typeof__(libpq_PQsetNoticeProcessor) *ordersync_PQsetNoticeProcessor_fn;
typedef __typeof__(libpq_PQsetSingleRowMode) *ordersync_PQsetSingleRowMode_fn;
typedef __typeof__(libpq_PQsocket) *ordersync_PQsocket_fn;
typedef __typeof__(libpq_PQstatus) *ordersync_PQstatus_fn;
typedef __typeof__(libpq_PQtransactionStatus) *ordersync_PQtransactionStatus_fn;
typedef __typeof__(libpq_PQunescapeBytea) *ordersync_PQunescapeBytea_fn;

/* The PQresultErrorField codes are character-literal macros, which Swift does not import
   (https://www.postgresql.org/docs/15/libpq-exec.html, PQresultErrorField). */
static const int ordersync_pg_diag_severity = PG_DIAG_SEVERITY;
static const int ordersync_pg_diag_severity_nonlocalized = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int ordersync_pg_diag_sqlstate = PG_DIAG_SQLSTATE;
static const int ordersync_pg_diag_message_primary = PG_DIAG_MESSAGE_PRIMARY;
static const int ordersync_pg_diag_message_detail = PG_DIAG_MESSAGE_DETAIL;
static const int ordersync_pg_diag_message_hint = PG_DIAG_MESSAGE_HINT;
static const int ordersync_pg_diag_statement_position = PG_DIAG_STATEMENT_POSITION;
