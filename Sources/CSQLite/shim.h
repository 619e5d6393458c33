#include <sqlite3.h>

/// sqlite3_config is variadic, which Swift cannot call: these wrappers set, before the first
/// connection, multi-thread mode (each connection used by one thread at a time) and no global
/// memory statistics, whose mutex costs about a tenth of a bulk load.
static inline int ticketlens_sqlite3_configure(void) {
  int rc = sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
