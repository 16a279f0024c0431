import Foundation
import OrderAPI
import OrderCore
import OrderStore
import PostgresStore
import Storage
import SyncCore
import Testing

/// Issue 12's third bar: webhook + pull + CDC + `POST /` for the same orders in random interleavings.
/// The resolved state must equal the rule of docs/contract.md §2 ("Sources in conflict"), computed here
/// by a plain model of it, and `conflict_log` must explain every case where a source lost, row for row.
/// Runs on SQLite and again on PostgreSQL (.ci/run), whose rule is a separate implementation
/// (sql/postgresql/functions/ordersync_ingest.sql).
@Suite struct ConflictResolutionTests {
    /// Where a version comes from; `family` is what decides its stored content (the Shopify webhook and
    /// the pull map the same JSON the same way: RecordMapping.shopifyOrder).
    enum Path: CaseIterable {
        case api, shopifyWebhook, shopifyPull, wooCommerce, debezium

        var source: String {
            switch self {
            case .api: "api"
            case .shopifyWebhook, .shopifyPull: "shopify"
            case .wooCommerce: "woocommerce"
            case .debezium: "debezium"
            }
        }
    }

    struct Version {
        let order: Int
        let path: Path
        let minute: Int
        let status: String
        var time: String { "2025-08-08T10:\(String(format: "%02d", minute)):00.000Z" }
        /// Equal keys, equal stored payloads.
        var content: String { "\(path.source)|\(minute)|\(status)" }
    }

    /// The rule, plainly: arrival by arrival, what is stored and what is logged.
    struct Model {
        struct Stored {
            let source: String
            let time: String
            let content: String
            let status: String
        }

        let priority: SourcePriority
        var stored: [Int: [Stored]] = [:]
        var conflicts: [String] = []
        /// WooCommerce deliveries already taken: its event key is the resource and its modification time
        /// (docs/realtime.md §4), so another delivery at that time is a duplicate event, stored or not.
        var wooEvents: Set<String> = []

        mutating func arrive(_ v: Version) {
            if v.path == .wooCommerce && !wooEvents.insert("\(v.order)|\(v.time)").inserted { return }
            let versions = stored[v.order, default: []]
            let me = Stored(source: v.path.source, time: v.time, content: v.content, status: v.status)
            guard !versions.isEmpty else { return stored[v.order] = [me] }
            if let other = versions.last(where: { $0.time == v.time }) {
                if other.content == v.content || other.source == v.path.source { return }
                let (mine, theirs) = (priority.rank(v.path.source), priority.rank(other.source))
                let wins = mine < theirs
                conflicts.append(
                    "\(v.order)|same_time|\(wins ? me.source : other.source)|\(wins ? other.source : me.source)|"
                        + (mine == theirs ? "first_stored" : "priority"))
                if wins { stored[v.order, default: []].append(me) }
                return
            }
            // Latest: the greatest time, ties to the one stored last.
            let latest = versions.enumerated().max { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }!.element
            if latest.content == v.content { return }
            if latest.time > v.time && latest.source != v.path.source {
                conflicts.append("\(v.order)|late|\(latest.source)|\(me.source)|kept_in_history")
            }
            stored[v.order, default: []].append(me)
        }

        func latest(_ order: Int) -> Stored? {
            stored[order]?.enumerated().max { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }?.element
        }
    }

    static let priorities = [
        SourcePriority.standard, try! SourcePriority("api,woocommerce,shopify,debezium"), try! SourcePriority("shopify"),
    ]

    @Test(arguments: 0..<12)
    func randomInterleavingsResolveByTheRuleAndExplainEveryLoss(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed) &* 0x9E37_79B9 &+ 17)
        let priority = Self.priorities[seed % Self.priorities.count]
        let server = try TestServer(
            api: {
                $0.events = EventSettings(
                    shopifySecret: WebhookSecretForTests.shopify, wooCommerceSecret: WebhookSecretForTests.wooCommerce)
            }, sourcePriority: priority)
        // A few orders, many versions each, few distinct times: collisions at one time are common.
        var versions: [Version] = []
        for order in 1...5 {
            for _ in 0..<(6 + random.below(6)) {
                versions.append(
                    Version(
                        order: 7_000 + order, path: Path.allCases[random.below(Path.allCases.count)],
                        minute: random.below(4), status: ["paid", "pending", "authorized"][random.below(3)]))
            }
        }
        versions.shuffle(using: &random)
        var model = Model(priority: priority)
        let client = try RawClient(port: server.port)
        let pull = try PullStore(server: server, priority: priority)
        for (index, version) in versions.enumerated() {
            try deliver(version, index: index, client: client, pull: pull)
            model.arrive(version)
        }

        for order in Set(versions.map(\.order)) {
            try client.send(Request.get("/orders/\(order)"))
            let answer = try #require(try client.readResponse().json as? [String: Any])
            let latest = try #require(answer["latest"] as? [String: Any])
            let expected = try #require(model.latest(order))
            #expect(latest["source"] as? String == expected.source, "order \(order), seed \(seed)")
            #expect(latest["updated_at"] as? String == expected.time, "order \(order), seed \(seed)")
            #expect(latest["order_status"] as? String == expected.status, "order \(order), seed \(seed)")
            #expect(answer["versions"] as? Int == model.stored[order]?.count, "order \(order), seed \(seed)")
        }
        let logged = try server.rows(
            "SELECT entity, kind, winner_source, loser_source, resolution FROM conflict_log ORDER BY conflict_id"
        ).map { $0.map { $0 ?? "" }.joined(separator: "|") }
        #expect(logged == model.conflicts, "seed \(seed)")
        // Every version that lost, or went to history behind another source's, is explained.
        let explained = try server.rows("SELECT count(*) FROM conflict_log WHERE details <> ''").first?.first ?? nil
        #expect(explained == String(model.conflicts.count))
    }

    /// A version through its path: POST /, a signed webhook, a Debezium event, or the pull's page.
    private func deliver(_ v: Version, index: Int, client: RawClient, pull: PullStore) throws {
        let shopify = """
            {"id":\(v.order),"email":"o\(v.order)@example.com","created_at":"2025-08-01T00:00:00Z",\
            "updated_at":"\(v.time)","financial_status":"\(v.status)","fulfillment_status":null,"cancelled_at":null,\
            "line_items":[]}
            """
        let request: String
        switch v.path {
        case .api:
            request = Request.post(
                #"[{"order_id":"\#(v.order)","order_date":"2025-08-01","order_status":"\#(v.status)","updated_at":"\#(v.time)"}]"#)
        case .shopifyWebhook:
            request = EventEndpointTests.shopify(shopify, webhookID: "w-\(index)", eventID: "e-\(index)")
        case .shopifyPull:
            let (record, order) = try RecordMapping.shopifyOrder(try JSONParser.parse(Array(shopify.utf8)))
            try pull.store(record, order)
            return
        case .wooCommerce:
            let modified = String(v.time.dropLast(5))  // WooCommerce's GMT time has no zone (docs/realtime.md §2)
            request = EventEndpointTests.woo(
                #"{"id":\#(v.order),"status":"\#(v.status)","date_created_gmt":"2025-08-01T00:00:00","date_modified_gmt":"\#(modified)","line_items":[]}"#)
        case .debezium:
            let row = #"{"order_id":\#(v.order),"order_date":"2025-08-01","order_status":"\#(v.status)","updated_at":"\#(v.time)"}"#
            request = Request.post(
                #"{"before":null,"after":\#(row),"source":{"connector":"postgresql","db":"erp","schema":"public","table":"orders","lsn":\#(1_000 + index),"txId":\#(index),"ts_ms":1754647200000},"op":"u","ts_ms":1754647200040}"#,
                path: "/cdc/debezium")
        }
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == 200, "\(v.path): \(response.text)")
    }
}

/// The sync worker's storage on the test server's database, whichever engine: a pull's page.
struct PullStore {
    private let storage: any SyncStorage
    private let runID: Int64

    init(server: TestServer, priority: SourcePriority) throws {
        if let url = server.databaseURL {
            storage = try PostgresSyncStore(url: url, sqlDirectory: Repository.sqlDirectory, sourcePriority: priority)
        } else {
            storage = try SyncStore(path: server.dbPath, sqlDirectory: nil, sourcePriority: priority)
        }
        runID = try storage.beginRun(trigger: "test", scheduleTime: nil)
    }

    func store(_ record: SourceRecord, _ order: Order) throws {
        _ = try storage.storePage(
            connector: "shopify", records: [record], orders: [order], state: ConnectorState(), runID: runID)
    }
}
