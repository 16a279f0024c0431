import TestSupport
import Testing

@testable import OrderCore

/// Debezium change events (Sources/OrderCore/ChangeEvent.swift, DebeziumTime.swift, CDCOrderMapping.swift),
/// shaped as Debezium's PostgreSQL and MySQL connectors send them (docs/realtime.md §3).
@Suite struct ChangeEventTests {
    /// A PostgreSQL update with the schema wrapper: order_date a `date` column (io.debezium.time.Date),
    /// updated_at a `timestamp` (MicroTimestamp), created_at a `timestamptz` (ZonedTimestamp).
    static let withSchema = """
        {"schema":{"type":"struct","name":"shop.public.orders.Envelope","optional":false,"fields":[
          {"type":"struct","optional":true,"name":"shop.public.orders.Value","field":"before","fields":[
            {"type":"string","optional":false,"field":"order_id"}]},
          {"type":"struct","optional":true,"name":"shop.public.orders.Value","field":"after","fields":[
            {"type":"string","optional":false,"field":"order_id"},
            {"type":"int32","optional":false,"name":"io.debezium.time.Date","version":1,"field":"order_date"},
            {"type":"string","optional":false,"field":"order_status"},
            {"type":"string","optional":true,"field":"order_details"},
            {"type":"int64","optional":true,"name":"io.debezium.time.MicroTimestamp","version":1,"field":"updated_at"},
            {"type":"string","optional":true,"name":"io.debezium.time.ZonedTimestamp","version":1,"field":"created_at"}]},
          {"type":"struct","optional":false,"name":"io.debezium.connector.postgresql.Source","field":"source","fields":[]},
          {"type":"string","optional":false,"field":"op"},
          {"type":"int64","optional":true,"field":"ts_ms"}]},
         "payload":{"before":{"order_id":"A-1"},
           "after":{"order_id":"A-1","order_date":20308,"order_status":"shipped","order_details":"Laptop",
                    "updated_at":1754647500123456,"created_at":"2025-08-08T10:00:00.654321+02:00"},
           "source":{"version":"2.7.0.Final","connector":"postgresql","name":"shop","ts_ms":1754647500200,
                     "snapshot":"false","db":"shop","sequence":"[\\"24023119\\",\\"24023128\\"]","schema":"public",
                     "table":"orders","txId":555,"lsn":24023128,"xmin":null},
           "op":"u","ts_ms":1754647500321,"transaction":null}}
        """

    private static func decode(_ text: String) -> Result<ChangeEvent?, ChangeEventError> {
        ChangeEvent.decode(Array(text.utf8))
    }

    private static func event(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ChangeEvent {
        switch decode(text) {
        case .success(let event?): return event
        case .success(nil): throw ChangeEventError("a tombstone")
        case .failure(let error): throw error
        }
    }

    @Test func aPostgreSQLUpdateWithItsSchemaDecodesItsTimes() throws {
        let event = try Self.event(Self.withSchema)
        #expect(event.operation == .update)
        #expect(event.connector == "postgresql")
        #expect(event.schema == "public" && event.table == "orders" && event.database == "shop")
        #expect(event.position == "lsn=24023128;txId=555")
        #expect(event.changedAt?.millisecondsText == "2025-08-08T10:05:00.200Z")
        #expect(event.processedAt?.millisecondsText == "2025-08-08T10:05:00.321Z")
        #expect(event.after?["order_date"] == .string("2025-08-08"))
        #expect(event.after?["updated_at"] == .string("2025-08-08T10:05:00.123Z"))
        #expect(event.after?["created_at"] == .string("2025-08-08T08:00:00.654Z"))
        #expect(event.before == ["order_id": .string("A-1")])

        guard case .append(let item) = try CDCOrderMapping().action(for: event) else {
            Issue.record("an update of the orders table appends a version")
            return
        }
        var problems: [ItemProblem] = []
        let order = OrderValidator.validate(item, index: 0, problems: &problems)
        #expect(problems.isEmpty, "\(problems)")
        #expect(order?.orderID == "A-1")
        #expect(order?.orderDate == "2025-08-08T00:00:00Z")
        #expect(order?.status == "shipped")
        #expect(order?.updatedAt == "2025-08-08T10:05:00.123Z")
    }

    /// Without the wrapper (`schemas.enable=false`) the payload comes alone and values pass as sent.
    @Test func theSamePayloadWithoutItsSchemaPassesValuesAsSent() throws {
        let body = """
            {"before":null,"after":{"order_id":7,"order_date":"2025-08-08","order_status":"new"},
             "source":{"connector":"postgresql","db":"shop","schema":"public","table":"orders","ts_ms":1754647500200,
                       "txId":null,"lsn":99},"op":"c","ts_ms":1754647500300}
            """
        let event = try Self.event(body)
        #expect(event.operation == .create && event.position == "lsn=99")
        #expect(event.after?["order_id"] == .number("7"))
        guard case .append(let item) = try CDCOrderMapping().action(for: event) else {
            Issue.record("a create appends")
            return
        }
        // No updated_at column: the change's own time is the version's time.
        #expect(item["updated_at"] == .string("2025-08-08T10:05:00.200Z"))
        var problems: [ItemProblem] = []
        #expect(OrderValidator.validate(item, index: 0, problems: &problems)?.orderID == "7")
    }

    @Test func aMySQLPositionIsFilePositionAndRow() throws {
        let body = """
            {"before":null,"after":{"order_id":"m1","order_date":"2025-01-02","order_status":"new"},
             "source":{"connector":"mysql","db":"shop","table":"orders","ts_ms":1,"file":"mysql-bin.000003","pos":154,"row":2},
             "op":"r"}
            """
        let event = try Self.event(body)
        #expect(event.operation == .read)
        #expect(event.position == "file=mysql-bin.000003;pos=154;row=2")
        #expect(event.schema == nil)
    }

    @Test func aDeleteWithOnlyTheKeyBeforeIsATombstone() throws {
        let body = """
            {"before":{"id":"D-9"},"after":null,
             "source":{"connector":"postgresql","schema":"sales","table":"purchases","ts_ms":1754647500000,"lsn":5},"op":"d"}
            """
        let event = try Self.event(body)
        let mapping = try CDCOrderMapping(table: "sales.purchases", columnMap: "order_id=id")
        #expect(
            mapping.action(for: event)
                == .tombstone(orderID: .string("D-9"), at: Timestamp(millisecondsSinceEpoch: 1_754_647_500_000)))
        #expect(try CDCOrderMapping(table: "purchases", columnMap: "order_id=id").matches(event))
        #expect(try !CDCOrderMapping(table: "other.purchases").matches(event))
    }

    @Test func tombstoneBodiesAreNothing() throws {
        #expect(try Self.decode("null").get() == nil)
        #expect(try Self.decode(#"{"schema":null,"payload":null}"#).get() == nil)
        #expect(try Self.decode(" null \n").get() == nil)
    }

    @Test func truncatesMessagesAndOtherTablesAreIgnoredWithAReason() throws {
        let truncate = try Self.event(
            #"{"op":"t","source":{"connector":"postgresql","table":"orders","lsn":1},"before":null,"after":null}"#)
        guard case .ignore(let reason) = try CDCOrderMapping().action(for: truncate) else {
            Issue.record("a truncate stores nothing")
            return
        }
        #expect(reason.contains("truncate"))
        let other = try Self.event(
            #"{"op":"c","source":{"connector":"postgresql","schema":"public","table":"customers","lsn":1},"after":{"id":1}}"#
        )
        guard case .ignore(let why) = try CDCOrderMapping().action(for: other) else {
            Issue.record("another table stores nothing")
            return
        }
        #expect(why.contains("public.customers"))
    }

    /// Hostile and broken bodies: each gets a reason naming what is wrong, nothing else.
    @Test(arguments: [
        ("", "not JSON"), ("{", "not JSON"), ("[1]", "must be a JSON object"), ("\"c\"", "must be a JSON object"),
        (#"{"source":{}}"#, "op: is required"), (#"{"op":"x","source":{}}"#, "op: must be one of"),
        (#"{"op":"c"}"#, "source: is required"), (#"{"op":"c","source":[]}"#, "source: is required"),
        (#"{"op":"c","source":{"table":"orders","lsn":1}}"#, "source.connector: is required"),
        (#"{"op":"c","source":{"connector":"postgresql","lsn":1},"after":{}}"#, "source.table: is required"),
        (#"{"op":"c","source":{"connector":"postgresql","table":"orders"},"after":{}}"#, "source.lsn: is required"),
        (
            #"{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":"5"},"after":{}}"#,
            "source.lsn: must be a number"
        ),
        (
            #"{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":1.5},"after":{}}"#,
            "source.lsn: must be a whole"
        ),
        (#"{"op":"c","source":{"connector":"oracle","table":"orders"},"after":{}}"#, "could not be deduplicated"),
        (#"{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":1}}"#, "after: is required"),
        (#"{"op":"d","source":{"connector":"postgresql","table":"orders","lsn":1}}"#, "before: is required"),
        (
            #"{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":1},"after":"row"}"#,
            "after: must be an object"
        ),
        (#"{"schema":{},"payload":5}"#, "payload: must be an object"),
        (#"{"schema":5,"payload":{}}"#, "schema: must be an object"),
        (
            #"{"op":"c","source":{"connector":"mysql","table":"orders","file":"f"},"after":{}}"#,
            "source.pos: is required"
        ),
        (#"{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":1,"ts_ms":9e99},"after":{}}"#, "ts_ms"),
    ])
    func brokenEventsAreRefusedWithTheirReason(body: String, reason: String) {
        guard case .failure(let error) = Self.decode(body) else {
            Issue.record("accepted: \(body)")
            return
        }
        #expect(error.message.contains(reason), "\(body): \(error.message)")
    }

    /// Temporal values that do not fit their schema type, or fall outside years 0000-9999.
    @Test(arguments: [
        ("io.debezium.time.Date", #""2025-01-01""#, "does not fit"),
        ("io.debezium.time.Date", "99999999999", "outside the years"),
        ("io.debezium.time.MicroTimestamp", "9223372036854775807", "outside the years"),
        ("io.debezium.time.MicroTimestamp", "1.5", "whole number"),
        ("io.debezium.time.NanoTimestamp", "true", "does not fit"),
        ("io.debezium.time.ZonedTimestamp", #""yesterday""#, "not an ISO 8601"),
        ("io.debezium.time.ZonedTimestamp", "1", "does not fit"),
        ("org.apache.kafka.connect.data.Timestamp", "-99999999999999999", "outside the years"),
    ])
    func temporalValuesThatDoNotFitAreRefused(semantic: String, value: String, reason: String) {
        let body = """
            {"schema":{"fields":[{"field":"after","fields":[{"field":"t","name":"\(semantic)"}]}]},
             "payload":{"op":"c","source":{"connector":"postgresql","table":"orders","lsn":1},"after":{"t":\(value)}}}
            """
        guard case .failure(let error) = Self.decode(body) else {
            Issue.record("accepted \(value) as \(semantic)")
            return
        }
        #expect(error.message.contains(reason) && error.message.contains("after.t"), "\(error.message)")
    }

    /// Each encoding against hand-computed instants, before 1970 included (floor, not truncation).
    @Test(arguments: [
        (DebeziumTime.Column.days, "0", "1970-01-01"),
        (.days, "-1", "1969-12-31"),
        (.epoch(unitsPerSecond: 1_000), "0", "1970-01-01T00:00:00.000Z"),
        (.epoch(unitsPerSecond: 1_000_000), "-1", "1969-12-31T23:59:59.999Z"),
        (.epoch(unitsPerSecond: 1_000_000_000), "1754647500123999999", "2025-08-08T10:05:00.123Z"),
        (.epoch(unitsPerSecond: 1_000_000_000), "-1000001", "1969-12-31T23:59:59.998Z"),
        (.zoned, #""2025-08-08T10:05:00Z""#, "2025-08-08T10:05:00.000Z"),
        (.zoned, #""2025-08-08T00:30:00-01:00""#, "2025-08-08T01:30:00.000Z"),
    ])
    func eachEncodingGivesItsInstant(column: DebeziumTime.Column, json: String, expected: String) throws {
        let value = try JSONParser.parse(Array(json.utf8))
        #expect(try DebeziumTime.decode(value, as: column, field: "t") == expected)
    }

    @Test func columnMapsAreParsedStrictly() throws {
        let mapping = try CDCOrderMapping(table: " orders ", columnMap: "order_id=id, order_status = state,")
        #expect(mapping.table == "orders")
        #expect(mapping.columns["order_id"] == "id" && mapping.columns["order_status"] == "state")
        #expect(mapping.columns["order_date"] == "order_date")
        for (map, reason) in [
            ("id", "is not field=column"), ("order_id=", "is not field=column"), ("price=amount", "is not one of"),
            ("order_id=a,order_id=b", "mapped twice"), ("order_id=x,order_status=x", "two fields"),
            ("order_status=order_id", "two fields"),
        ] {
            #expect(throws: ChangeEventError.self, "\(map)") { try CDCOrderMapping(columnMap: map) }
            do {
                _ = try CDCOrderMapping(columnMap: map)
            } catch {
                #expect(error.message.contains(reason), "\(map): \(error.message)")
            }
        }
        #expect(throws: ChangeEventError.self) { try CDCOrderMapping(table: "  ") }
    }

    /// A mapped column replaces the field of that name; unmapped columns stay in the payload.
    @Test func mappedColumnsAreRenamedAndTheRestKept() throws {
        let event = try Self.event(
            """
            {"op":"c","source":{"connector":"postgresql","table":"orders","lsn":3,"ts_ms":0},
             "after":{"id":"X","order_id":"ignored","state":"paid","order_date":"2025-01-01","total":12.5}}
            """)
        let mapping = try CDCOrderMapping(columnMap: "order_id=id,order_status=state")
        guard case .append(let item) = mapping.action(for: event) else {
            Issue.record("appends")
            return
        }
        #expect(item["order_id"] == .string("X"))
        #expect(item["order_status"] == .string("paid"))
        #expect(item["total"] == .number("12.5"))
        #expect(item["id"] == nil && item["state"] == nil)
    }

    /// Random damage to real events (bytes flipped, cut, spliced) never traps: every body decodes or
    /// is refused with a reason. The fuzzer (Fuzz/Sources/ChangeEventFuzzer) goes further.
    @Test func damagedEventsNeverTrap() {
        var random = SeededGenerator(seed: 12)
        let seeds = [
            Self.withSchema,
            #"{"op":"d","source":{"connector":"mysql","table":"orders","file":"f","pos":1},"before":{"order_id":1}}"#,
        ]
        for _ in 0..<3_000 {
            var bytes = Array(seeds[random.below(seeds.count)].utf8)
            for _ in 0..<(1 + random.below(4)) {
                switch random.below(3) {
                case 0: bytes[random.below(bytes.count)] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeLast(random.below(bytes.count))
                default: bytes.insert(contentsOf: Array(#"{"op":"c"}[]:,"#.utf8), at: random.below(bytes.count + 1))
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            if case .failure(let error) = ChangeEvent.decode(bytes) { #expect(!error.message.isEmpty) }
        }
    }
}
