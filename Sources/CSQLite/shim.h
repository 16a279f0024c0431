#include <sqlite3.h>

/* sqlite3_config is variadic, which Swift cannot call. Memory statistics cost a global mutex around
   every allocation SQLite makes (https://sqlite.org/c3ref/c_config_covering_index_scan.html,
   SQLITE_CONFIG_MEMSTATUS); ordersync never reads them. Must run before sqlite3_initialize: it returns
   SQLITE_MISUSE (and changes nothing) after. */
static inline int ordersync_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
