package import CRMOutbox
package import OrderCore
package import Storage
package import Webhooks

/// Settings of the API layer (docs/contract.md §3), each with its default.
package struct APIConfiguration: Sendable {
    /// When set, every endpoint but the health probes requires `Authorization: Bearer <token>`.
    package var authToken: String?
    /// Largest request body after gzip decompression: beyond it, 413.
    package var maxBodyBytes = 32 * 1024 * 1024
    /// Largest page of `GET /?limit=`: a page is assembled in memory to know whether a next one exists.
    package var maxPageSize = 10_000
    /// Rows read per read transaction while streaming `GET /`: bounds memory and how long a reader
    /// holds a snapshot (long snapshots keep the WAL from being checkpointed).
    package var streamChunkRows = 1_000
    /// Rows of `/views/{name}` when no `limit` is given.
    package var viewDefaultLimit = 1_000
    /// Largest `limit` of `/views/{name}`: a page is read whole (to know whether a next one exists), so
    /// this bounds its memory. `limit=all` streams every row instead, in constant memory.
    package var viewMaxLimit = 10_000
    /// A view query is stopped after SQLite worked on it this many seconds (time spent waiting for a
    /// slow client does not count).
    package var viewQueryTimeoutSeconds = 15.0
    /// Google Cloud project id, to name traces in logs the way Cloud Logging links them.
    package var traceProject: String?
    /// Responses smaller than this are not worth compressing.
    package var gzipMinimumBytes = 1_024

    /// The real-time endpoints' secrets and the CDC table (docs/realtime.md §4).
    package var events = EventSettings()

    /// Runs `/sync` (nil: the endpoint answers 503).
    package var syncRunner: (any SyncRunning)?

    /// The customer API and its outbox (docs/customers.md).
    package var customers = CustomerSettings()

    package init() {}
}

/// Settings of `/customers` and `/outbox`.
package struct CustomerSettings: Sendable {
    /// Where customers and their outbox live (nil: those endpoints answer 503).
    package var store: (any CustomerStorage)?
    /// The CRMs configured (`hubspot`, `salesforce`): each change queues one delivery per CRM.
    package var crms: [String] = []
    /// Called after a change queued deliveries (the outbox workers look at once).
    package var onQueued: (@Sendable () -> Void)?
    /// Reads the HubSpot contacts a creation, restore or merge webhook names (nil without
    /// HUBSPOT_ACCESS_TOKEN: those events are kept, not applied; docs/customers.md §11).
    package var hubSpotContacts: (any CRMContactReading)?

    package init(
        store: (any CustomerStorage)? = nil, crms: [String] = [], onQueued: (@Sendable () -> Void)? = nil,
        hubSpotContacts: (any CRMContactReading)? = nil
    ) {
        self.store = store
        self.crms = crms
        self.onQueued = onQueued
        self.hubSpotContacts = hubSpotContacts
    }
}

/// Settings of `POST /webhooks/…` and `POST /cdc/debezium`.
package struct EventSettings: Sendable {
    /// SHOPIFY_WEBHOOK_SECRET: without it `POST /webhooks/shopify` answers 503 (nothing can be verified).
    package var shopifySecret: WebhookSecret?
    /// WOOCOMMERCE_WEBHOOK_SECRET: likewise for `POST /webhooks/woocommerce`.
    package var wooCommerceSecret: WebhookSecret?
    /// CDC_ORDERS_TABLE and CDC_COLUMN_MAP: which table's changes are orders, and which column is which.
    package var cdcMapping: CDCOrderMapping
    /// HUBSPOT_CLIENT_SECRET: the app's client secret, the key of HubSpot's v3 signature; without it (or
    /// without PUBLIC_URL) `POST /webhooks/hubspot` answers 503.
    package var hubSpotSecrets: [WebhookSecret] = []
    /// PUBLIC_URL: the service's address as HubSpot calls it (the signature covers the full URL).
    package var publicURL: PublicBaseURL?

    package init(shopifySecret: WebhookSecret? = nil, wooCommerceSecret: WebhookSecret? = nil, cdcMapping: CDCOrderMapping? = nil) {
        self.shopifySecret = shopifySecret
        self.wooCommerceSecret = wooCommerceSecret
        self.cdcMapping = cdcMapping ?? .standard
    }
}
