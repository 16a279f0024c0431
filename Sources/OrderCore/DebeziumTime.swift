/// Debezium's temporal encodings, decoded by the schema's semantic type (`name` of a column's schema
/// field, https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-temporal-types):
/// a column whose schema says `io.debezium.time.MicroTimestamp` holds microseconds since the epoch,
/// and so on. Without a schema (`schemas.enable=false`) a number cannot be told from a count, so
/// values pass unchanged: send ZonedTimestamp strings or enable schemas.
package enum DebeziumTime {
    /// A column's encoding, from its schema field.
    package enum Column: Sendable, Equatable {
        /// int32 days since 1970-01-01 (`io.debezium.time.Date`, `org.apache.kafka.connect.data.Date`).
        case days
        /// int64 since the epoch, in this many units per second: Timestamp and Kafka Connect's
        /// Timestamp 1,000, MicroTimestamp 1,000,000, NanoTimestamp 1,000,000,000.
        case epoch(unitsPerSecond: Int64)
        /// ISO 8601 text with its offset (`io.debezium.time.ZonedTimestamp`).
        case zoned
    }

    /// The temporal columns of the `before` and `after` structs, by column name.
    static func columnTypes(_ schema: JSONObject?) -> [String: [String: Column]] {
        guard case .array(let envelope)? = schema?["fields"] else { return [:] }
        var result: [String: [String: Column]] = [:]
        for case .object(let part) in envelope {
            guard case .string(let field)? = part["field"], field == "before" || field == "after",
                case .array(let columns)? = part["fields"]
            else { continue }
            var types: [String: Column] = [:]
            for case .object(let column) in columns {
                guard case .string(let name)? = column["field"], case .string(let semantic)? = column["name"],
                    let type = Self.column(semantic)
                else { continue }
                types[name] = type
            }
            result[field] = types
        }
        return result
    }

    static func column(_ semantic: String) -> Column? {
        switch semantic {
        case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date": .days
        case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp": .epoch(unitsPerSecond: 1_000)
        case "io.debezium.time.MicroTimestamp": .epoch(unitsPerSecond: 1_000_000)
        case "io.debezium.time.NanoTimestamp": .epoch(unitsPerSecond: 1_000_000_000)
        case "io.debezium.time.ZonedTimestamp": .zoned
        default: nil
        }
    }

    /// `row` with its temporal columns as RFC 3339 text: dates `YYYY-MM-DD`, instants UTC with
    /// milliseconds (finer units are cut to the millisecond, as `POST /` stores them).
    static func decode(_ row: JSONObject, columns: [String: Column], field: String) throws(ChangeEventError)
        -> JSONObject
    {
        guard !columns.isEmpty else { return row }
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(row.count)
        for (name, value) in row.members {
            guard let column = columns[name], value != .null else {
                members.append((name, value))
                continue
            }
            members.append((name, .string(try decode(value, as: column, field: "\(field).\(name)"))))
        }
        // The names are the row's own, already unique.
        guard case .success(let decoded) = JSONObject.make(members) else { return row }
        return decoded
    }

    static func decode(_ value: JSONValue, as column: Column, field: String) throws(ChangeEventError) -> String {
        switch (column, value) {
        case (.days, .number(let text)):
            guard let days = Int64(text) else {
                throw ChangeEventError("\(field): a Date must be a whole number of days")
            }
            let instant = try timestamp(milliseconds: days.multipliedReportingOverflow(by: 86_400_000), field: field)
            return String(instant.millisecondsText.prefix(10))
        case (.epoch(let perSecond), .number(let text)):
            guard let units = Int64(text) else { throw ChangeEventError("\(field): must be a whole number") }
            // Floor division: an instant before 1970 is negative and must round down, not towards zero.
            let divisor = perSecond / 1_000
            var milliseconds = units / divisor
            if units % divisor != 0 && units < 0 { milliseconds -= 1 }
            return try timestamp(milliseconds: milliseconds, field: field).millisecondsText
        case (.zoned, .string(let text)):
            guard let instant = Timestamp(rfc3339: text) else {
                throw ChangeEventError("\(field): \"\(text.prefix(40))\" is not an ISO 8601 time with an offset")
            }
            return instant.millisecondsText
        default:
            throw ChangeEventError("\(field): \(value.typeName) does not fit its schema type")
        }
    }

    /// Milliseconds since the epoch within years 0000–9999 (what RFC 3339 text can hold).
    static func timestamp(milliseconds: Int64, field: String) throws(ChangeEventError) -> Timestamp {
        try timestamp(milliseconds: (milliseconds, false), field: field)
    }

    private static func timestamp(milliseconds: (partialValue: Int64, overflow: Bool), field: String)
        throws(ChangeEventError) -> Timestamp
    {
        guard !milliseconds.overflow, (Timestamp.minimum...Timestamp.maximum).contains(milliseconds.partialValue) else {
            throw ChangeEventError("\(field): the time is outside the years 0000 to 9999")
        }
        return Timestamp(millisecondsSinceEpoch: milliseconds.partialValue)
    }
}
