import CRMOutbox
import Storage
package import Telemetry

/// Every metric family `/metrics` serves: name, type, help, labels and buckets. README.md's metrics
/// table documents the same list (a test keeps the two in step).
package enum MetricCatalog {
    /// A registry that knows every family of ordersync.
    package static func makeRegistry() -> MetricsRegistry {
        MetricsRegistry(descriptions: all)
    }

    /// Request durations: sub-millisecond for small requests up to the 30 s body timeout.
    static let durationBuckets: [Double] = [
        0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
    ]
    /// A commit is one fsync: around a millisecond on SSDs, far more on a slow or busy disk.
    static let commitBuckets: [Double] = [0.000_5, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5]
    /// Rows per commit, up to `OrderWriter.maxOrdersPerCommit`.
    static let rowBuckets: [Double] = [0, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 10_000, 50_000]
    /// Requests (batches) sharing one commit.
    static let batchBuckets: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1_024]

    // The names of the families the service itself records (the writer's are in `WriterMetrics`).
    /// Requests by method, route and status.
    package static let httpRequests = "ordersync_http_requests_total"
    /// Request durations by method and route.
    package static let httpDuration = "ordersync_http_request_duration_seconds"
    /// Request body bytes by route.
    package static let httpRequestBytes = "ordersync_http_request_body_bytes_total"
    /// Response body bytes by route.
    package static let httpResponseBytes = "ordersync_http_response_body_bytes_total"
    /// Open connections (scrape time).
    package static let openConnections = "ordersync_http_open_connections"
    /// Open connections waiting between requests, in the event thread (scrape time).
    package static let idleConnections = "ordersync_http_idle_connections"
    /// The connection cap (scrape time).
    package static let maxConnections = "ordersync_http_max_connections"
    /// Idle connections closed at the cap to make room for new ones.
    package static let evictedConnections = "ordersync_http_connections_evicted_total"
    /// Worker threads, and those serving a connection (scrape time).
    package static let workerThreads = "ordersync_http_worker_threads"
    package static let busyWorkerThreads = "ordersync_http_busy_worker_threads"
    /// The worker pool's size, WORKER_THREADS (scrape time).
    package static let maxWorkerThreads = "ordersync_http_worker_threads_max"
    /// Connections refused with a 503 before any request, by reason.
    package static let refusedConnections = "ordersync_http_connections_refused_total"
    /// Request bytes held in memory (scrape time).
    package static let requestMemoryBytes = "ordersync_http_request_memory_bytes"
    /// The request memory budget, REQUEST_MEMORY_MB (scrape time).
    package static let requestMemoryBudget = "ordersync_http_request_memory_budget_bytes"
    /// Requests refused by the request memory budget.
    package static let requestMemoryRefused = "ordersync_http_request_memory_refused_total"
    /// The storage engine, as a label of a constant 1 (docs/storage.md).
    package static let storageEngine = "ordersync_storage_engine_info"
    /// Database size: the SQLite file, or pg_database_size on PostgreSQL (scrape time). The name keeps
    /// "sqlite" so dashboards built on it keep working.
    package static let databaseBytes = "ordersync_sqlite_database_size_bytes"
    /// WAL file size (scrape time).
    package static let walBytes = "ordersync_sqlite_wal_size_bytes"
    /// `/sync` runs by outcome.
    package static let syncRuns = "ordersync_sync_runs_total"
    /// Synced records by connector and outcome.
    package static let syncRecords = "ordersync_sync_records_total"
    /// Provider retries by connector.
    package static let syncRetries = "ordersync_sync_retries_total"
    /// Connector failures by connector.
    package static let syncErrors = "ordersync_sync_errors_total"
    /// Process start time (scrape time).
    package static let processStartTime = "process_start_time_seconds"
    /// Resident memory (scrape time).
    package static let processResidentMemory = "process_resident_memory_bytes"
    /// Open file descriptors (scrape time).
    package static let processOpenFDs = "process_open_fds"

    /// Every family, in the order README.md lists them.
    package static let all: [MetricDescription] = [
        MetricDescription(
            httpRequests, .counter, "HTTP requests answered, by method, route pattern and status code.",
            labels: ["method", "route", "status"]),
        MetricDescription(
            httpDuration, .histogram,
            "Time from the first byte of a request to the last byte of its response, in seconds.",
            labels: ["method", "route"], buckets: durationBuckets),
        MetricDescription(
            httpRequestBytes, .counter, "Request body bytes received (as sent: gzip bodies compressed).",
            labels: ["route"]),
        MetricDescription(
            httpResponseBytes, .counter, "Response body bytes sent (after any gzip).", labels: ["route"]),
        MetricDescription(openConnections, .gauge, "Open client connections (served, waiting or closing)."),
        MetricDescription(idleConnections, .gauge, "Open connections waiting between requests in the event thread."),
        MetricDescription(
            maxConnections, .gauge, "The connection cap: the open-file limit less a reserve, or MAX_CONNECTIONS."),
        MetricDescription(
            evictedConnections, .counter, "Idle connections closed at the connection cap to make room for new ones."),
        MetricDescription(workerThreads, .gauge, "Threads of the worker pool (WORKER_THREADS at most)."),
        MetricDescription(busyWorkerThreads, .gauge, "Worker threads serving a connection right now."),
        MetricDescription(maxWorkerThreads, .gauge, "The worker pool's size (WORKER_THREADS)."),
        MetricDescription(
            refusedConnections, .counter,
            "Connections answered 503 and closed before any request was read, by reason: max_connections (the "
                + "connection cap, with no idle connection to close for room), max_connections_per_client "
                + "(MAX_CONNECTIONS_PER_CLIENT).",
            labels: ["reason"]),
        MetricDescription(
            requestMemoryBytes, .gauge,
            "Request bytes held in memory: buffered heads and bodies, JSON bodies before they are parsed, orders parsed and not yet committed."
        ),
        MetricDescription(
            requestMemoryBudget, .gauge, "The budget for request bytes held in memory (REQUEST_MEMORY_MB), in bytes."),
        MetricDescription(
            requestMemoryRefused, .counter,
            "Requests answered 503 because the request bytes they would hold passed the budget."),
        MetricDescription(WriterMetrics.ordersInserted, .counter, "Order versions stored by POST /."),
        MetricDescription(
            WriterMetrics.ordersUnchanged, .counter, "Order versions POST / skipped as already stored (docs/contract.md §2)."),
        MetricDescription(WriterMetrics.failedBatches, .counter, "POST / batches the store could not commit."),
        MetricDescription(
            WriterMetrics.commitDuration, .histogram,
            "Duration of each SQLite write transaction (one fsync), in seconds.",
            buckets: commitBuckets),
        MetricDescription(
            WriterMetrics.commitRows, .histogram, "Rows inserted by each SQLite write transaction (group commit).",
            buckets: rowBuckets),
        MetricDescription(
            WriterMetrics.commitBatches, .histogram, "Requests (batches) sharing each SQLite write transaction.",
            buckets: batchBuckets),
        MetricDescription(
            storageEngine, .gauge, "1, labelled with the storage engine: sqlite or postgresql (DATABASE_URL).",
            labels: ["engine"]),
        MetricDescription(
            databaseBytes, .gauge,
            "Size of the database in bytes: the SQLite file (DB_PATH), or pg_database_size() of the PostgreSQL database (read at most every 5 s; the last value while the server does not answer)."
        ),
        MetricDescription(
            walBytes, .gauge, "Size of the SQLite write-ahead log (DB_PATH-wal) in bytes (0 on PostgreSQL)."),
        MetricDescription(
            EventMetrics.events, .counter,
            "Webhook deliveries and change events by source (shopify, woocommerce, debezium, hubspot) and outcome: applied, unchanged (already stored, e.g. by a pull; hubspot: also stale), ignored (kept, nothing else; hubspot: also echo and unlinked), duplicate (a redelivery: nothing stored), rejected_signature, refused (400 or 422: not an event, or not an order; hubspot: an invalid element), failed (storage; hubspot: also a contact read that failed, answered 503). Refusals before the body is read (413, 415) count in ordersync_http_requests_total only.",
            labels: ["source", "outcome"]),
        MetricDescription(
            EventMetrics.cdcOperations, .counter,
            "Debezium change events by operation: c, u, d, r (snapshot), t, m, and tombstone (a null body).",
            labels: ["op"]),
        MetricDescription(
            EventMetrics.lag, .histogram,
            "Seconds from the change at the source (the order's updated_at, Debezium's source.ts_ms) to its commit here, by source.",
            labels: ["source"], buckets: EventMetrics.lagBuckets),
        MetricDescription(
            OutboxMetrics.deliveries, .counter,
            "Outbox deliveries settled, by CRM (hubspot, salesforce) and outcome: delivered, retry (a transient failure, tried again on the schedule), dead (to the dead-letter queue).",
            labels: ["crm", "outcome"]),
        MetricDescription(
            OutboxMetrics.requests, .counter, "API requests sent to the CRM by the outbox worker (token requests excluded).",
            labels: ["crm"]),
        MetricDescription(
            OutboxMetrics.pauses, .counter,
            "Times the CRM's circuit breaker opened: transient failures in a row, a refused token, a spent quota or a long rate-limit window.",
            labels: ["crm"]),
        MetricDescription(
            OutboxMetrics.latency, .histogram,
            "Seconds from a customer change's commit here to the CRM's acknowledgement of it, by CRM.",
            labels: ["crm"], buckets: OutboxMetrics.latencyBuckets),
        MetricDescription(
            OutboxMetrics.pendingVersions, .gauge, "Customer versions waiting for the CRM (read at each scrape).",
            labels: ["crm"]),
        MetricDescription(
            OutboxMetrics.pendingCustomers, .gauge, "Customers with a version waiting for the CRM (read at each scrape).",
            labels: ["crm"]),
        MetricDescription(
            OutboxMetrics.oldestPendingAge, .gauge,
            "Seconds the oldest waiting version has been queued for the CRM (0 when none waits).", labels: ["crm"]),
        MetricDescription(
            OutboxMetrics.deadLetters, .gauge, "Dead letters of the CRM waiting for a redrive (read at each scrape).",
            labels: ["crm"]),
        MetricDescription(
            syncRuns, .counter,
            "Sync runs through /sync by outcome: succeeded, failed, busy (another run held the lock), stopped (deadline or shutdown), error (the worker could not run).",
            labels: ["status"]),
        MetricDescription(
            syncRecords, .counter, "Records synced through /sync, by connector and outcome (inserted or unchanged).",
            labels: ["connector", "outcome"]),
        MetricDescription(
            syncRetries, .counter, "Provider requests retried during /sync runs, by connector.", labels: ["connector"]),
        MetricDescription(
            syncErrors, .counter, "Connector failures in /sync runs, by connector.", labels: ["connector"]),
        MetricDescription(processStartTime, .gauge, "Start time of the process since the Unix epoch, in seconds."),
        MetricDescription(processResidentMemory, .gauge, "Resident memory size in bytes."),
        MetricDescription(processOpenFDs, .gauge, "Number of open file descriptors."),
    ]
}
