/// The sync worker's exit statuses: how `ordersync-sync` tells the server (and a shell) what happened.
/// Its standard output carries the JSON (a run summary, or the running run for `busy`).
package enum SyncExit: Int32, Sendable {
    /// Every configured connector finished; the data is committed.
    case succeeded = 0
    /// The configuration or the database could not be opened; nothing ran.
    case cannotStart = 1
    /// A provider failed (after retries): HTTP 502.
    case providerFailed = 3
    /// The run hit its deadline or could not store: HTTP 503.
    case unavailable = 4
    /// Another sync holds the lock: HTTP 409, naming it.
    case busy = 5
}
