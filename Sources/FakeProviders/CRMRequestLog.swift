import OrderCore

/// Every request the fake CRMs received, in arrival order, so tests and the benchmark can check the order
/// of a customer's changes and the rate they were sent at (`GET /_fake/crm/requests`). Bounded: past
/// `maxEntries` entries or `maxRecordBytes` of kept records the oldest entries go, and `dropped` says how
/// many; `seq` numbers stay absolute, so a reader paging with `since` notices a gap.
struct CRMRequestLog: Sendable {
    static let maxEntries = 200_000
    static let maxRecordBytes = 64 * 1_024 * 1_024
    /// Entries one page holds at most, and by default.
    static let maxPage = 5_000
    static let defaultPage = 1_000

    /// One record a request carried: its key (HubSpot: the lower-cased email; Salesforce: the external
    /// id), its content (canonical JSON of what was sent for it) and what became of it (`created`,
    /// `updated`, `deleted`, or the CRM's error code).
    struct Record: Sendable {
        var key: String
        var content: [UInt8]?
        var outcome: String
    }

    struct Entry: Sendable {
        let seq: Int
        let provider: Provider
        /// The fake's monotonic clock, milliseconds.
        let timeMilliseconds: Int64
        let method: String
        let path: String
        /// Nil when a `drop` fault closed the connection unanswered.
        let status: Int?
        /// Records in the body when it could be read (also for a refused batch); 0 otherwise.
        let recordCount: Int
        /// The records the CRM processed, in body order (empty when the request was refused).
        let records: [Record]
        /// The injected fault's kind, if one answered.
        let fault: String?

        /// What the entry holds, counted against `maxRecordBytes` (a path may be 8 KiB long).
        var recordBytes: Int {
            records.reduce(path.utf8.count + method.utf8.count) { $0 + ($1.content?.count ?? 0) + $1.key.utf8.count }
        }
    }

    private var entries: [Entry] = []
    private var start = 0
    private var keptBytes = 0
    private var nextSeq = 1
    private(set) var dropped = 0

    mutating func append(
        _ provider: Provider, time: Int64, method: String, path: String, status: Int?, recordCount: Int,
        records: [Record], fault: String? = nil
    ) {
        let entry = Entry(
            seq: nextSeq, provider: provider, timeMilliseconds: time, method: method, path: path, status: status,
            recordCount: recordCount, records: records, fault: fault)
        nextSeq += 1
        entries.append(entry)
        keptBytes += entry.recordBytes
        while entries.count - start > Self.maxEntries || (keptBytes > Self.maxRecordBytes && entries.count - start > 1)
        {
            keptBytes -= entries[start].recordBytes
            start += 1
            dropped += 1
        }
        if start > 1_024 && start * 2 > entries.count {
            entries.removeFirst(start)
            start = 0
        }
    }

    mutating func reset() { self = CRMRequestLog() }

    /// Entries with `seq` > `since` (of `provider` when given), at most `limit`, as JSON:
    /// `{"entries":[…],"next_since":N,"more":bool,"dropped":D,"last_seq":S}`.
    func page(provider: Provider?, since: Int, limit: Int) -> JSONValue {
        // seq is entries' position + the dropped prefix + 1: jump to `since` instead of scanning.
        var index = max(start, start + (since - (dropped + 1)) + 1)
        var chosen: [JSONValue] = []
        var more = false
        var last = since
        while index < entries.count {
            let entry = entries[index]
            index += 1
            guard provider == nil || entry.provider == provider else {
                last = entry.seq
                continue
            }
            guard chosen.count < limit else {
                more = true
                break
            }
            chosen.append(Self.json(entry))
            last = entry.seq
        }
        return JSON.object([
            ("entries", .array(chosen)), ("next_since", JSON.int(last)), ("more", .bool(more)),
            ("dropped", JSON.int(dropped)), ("last_seq", JSON.int(nextSeq - 1)),
        ])
    }

    private static func json(_ entry: Entry) -> JSONValue {
        let records = entry.records.map { record in
            var members: [(String, JSONValue)] = [("key", .string(record.key)), ("outcome", .string(record.outcome))]
            if let content = record.content {
                members.append(("fingerprint", .string(Fingerprint.of(content))))
                members.append(("record", (try? JSONParser.parse(content)) ?? .null))
            }
            return JSON.object(members)
        }
        return JSON.object([
            ("seq", JSON.int(entry.seq)), ("provider", .string(entry.provider.rawValue)),
            ("time_ms", JSON.int(entry.timeMilliseconds)), ("method", .string(entry.method)),
            ("path", .string(entry.path)), ("status", entry.status.map(JSON.int) ?? .null),
            ("record_count", JSON.int(entry.recordCount)), ("records", .array(records)),
            ("fault", JSON.string(entry.fault)),
        ])
    }
}
