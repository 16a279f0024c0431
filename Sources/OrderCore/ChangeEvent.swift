/// One row change from Debezium (issue 12, item 3): the body Debezium Server's HTTP sink posts, one
/// event per request, as JSON with the `schema`/`payload` wrapper or without it
/// (docs/realtime.md §3). Temporal columns are decoded from the schema's
/// semantic types into RFC 3339 text (`DebeziumTime`), so a row reads like an order posted to `POST /`.
package struct ChangeEvent: Sendable, Equatable {
    package enum Operation: String, Sendable {
        case create = "c", update = "u", delete = "d", read = "r", truncate = "t", message = "m"
    }

    package let operation: Operation
    /// `source.connector`: postgresql, mysql, mariadb, sqlserver.
    package let connector: String
    /// `source.db`, `source.schema` (PostgreSQL, SQL Server) and `source.table`.
    package let database: String?
    package let schema: String?
    package let table: String
    /// The row before and after the change, temporal columns decoded; nil where Debezium sends null.
    package let before: JSONObject?
    package let after: JSONObject?
    /// Where the change sits in the source database's log (PostgreSQL `lsn` and `txId`, MySQL `file`,
    /// `pos` and `row`, SQL Server `commit_lsn`, `change_lsn` and `event_serial_no`): with the table
    /// and the row's key, what a redelivery repeats (Debezium delivers at least once, and replays
    /// after a restart).
    package let position: String
    /// `source.ts_ms`: when the change happened in the source database.
    package let changedAt: Timestamp?
    /// `ts_ms`: when Debezium processed it (its lag is the difference).
    package let processedAt: Timestamp?
}

/// Why a body is not a change event this service can take; the message names the field.
package struct ChangeEventError: Error, Equatable, Sendable {
    package let message: String

    package init(_ message: String) { self.message = message }
}

extension ChangeEvent {
    /// Decodes one request body; nil for a tombstone (a `null` body, or a wrapper whose payload is null).
    package static func decode(_ bytes: [UInt8]) -> Result<ChangeEvent?, ChangeEventError> {
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            return .failure(ChangeEventError("the body is not JSON: \(error)"))
        }
        do throws(ChangeEventError) {
            return .success(try decode(root))
        } catch {
            return .failure(error)
        }
    }

    private static func decode(_ root: JSONValue) throws(ChangeEventError) -> ChangeEvent? {
        if case .null = root { return nil }
        guard case .object(let top) = root else {
            throw ChangeEventError("the body must be a JSON object, not \(root.typeName)")
        }
        // With `schemas.enable=true` the event is {"schema": …, "payload": …}; without, the payload alone.
        var payload = top
        var schema: JSONObject?
        if top["op"] == nil, let wrapped = top["payload"] {
            switch wrapped {
            case .null: return nil
            case .object(let inner): payload = inner
            default: throw ChangeEventError("payload: must be an object or null, not \(wrapped.typeName)")
            }
            switch top["schema"] {
            case .object(let described)?: schema = described
            case nil, .null?: schema = nil
            case let other?: throw ChangeEventError("schema: must be an object, not \(other.typeName)")
            }
        }

        guard case .string(let opText)? = payload["op"] else {
            throw ChangeEventError("op: is required, one of c, u, d, r, t, m")
        }
        guard let operation = Operation(rawValue: opText) else {
            throw ChangeEventError("op: must be one of c, u, d, r, t, m, not \"\(opText.prefix(16))\"")
        }
        guard case .object(let source)? = payload["source"] else {
            throw ChangeEventError("source: is required and must be an object")
        }
        let connector = try text(source, "connector", in: "source")
        let table = try text(source, "table", in: "source")
        let columns = DebeziumTime.columnTypes(schema)
        let before = try row(payload, "before", columns: columns["before"] ?? [:])
        let after = try row(payload, "after", columns: columns["after"] ?? [:])
        switch operation {
        case .create, .read, .update:
            guard after != nil else { throw ChangeEventError("after: is required for op \"\(opText)\"") }
        case .delete:
            guard before != nil else {
                throw ChangeEventError(
                    "before: is required for op \"d\" (a table without a primary key needs REPLICA IDENTITY FULL)")
            }
        case .truncate, .message:
            break
        }
        return ChangeEvent(
            operation: operation, connector: connector, database: try optionalText(source, "db", in: "source"),
            schema: try optionalText(source, "schema", in: "source"), table: table, before: before, after: after,
            position: try position(of: source, connector: connector),
            changedAt: try milliseconds(source, "ts_ms", in: "source"),
            processedAt: try milliseconds(payload, "ts_ms", in: "payload"))
    }

    /// The dedup position for the connectors whose `source` block names one.
    private static func position(of source: JSONObject, connector: String) throws(ChangeEventError) -> String {
        switch connector {
        case "postgresql":
            let lsn = try requiredInteger(source, "lsn", in: "source")
            let transaction = try integer(source, "txId", in: "source", required: false)
            return "lsn=\(lsn)" + (transaction.map { ";txId=\($0)" } ?? "")
        case "mysql", "mariadb":
            let file = try text(source, "file", in: "source")
            let offset = try requiredInteger(source, "pos", in: "source")
            let row = try integer(source, "row", in: "source", required: false) ?? 0
            return "file=\(file);pos=\(offset);row=\(row)"
        case "sqlserver":
            let commit = try text(source, "commit_lsn", in: "source")
            let change = try optionalText(source, "change_lsn", in: "source") ?? ""
            let serial = try integer(source, "event_serial_no", in: "source", required: false) ?? 0
            return "commit_lsn=\(commit);change_lsn=\(change);event_serial_no=\(serial)"
        default:
            throw ChangeEventError(
                "source.connector: \"\(connector.prefix(32))\" is not one whose log position is known "
                    + "(postgresql, mysql, mariadb, sqlserver): its events could not be deduplicated")
        }
    }

    private static func row(_ payload: JSONObject, _ name: String, columns: [String: DebeziumTime.Column])
        throws(ChangeEventError) -> JSONObject?
    {
        switch payload[name] {
        case nil, .null?: return nil
        case .object(let row)?: return try DebeziumTime.decode(row, columns: columns, field: name)
        case let other?: throw ChangeEventError("\(name): must be an object or null, not \(other.typeName)")
        }
    }

    private static func text(_ object: JSONObject, _ key: String, in place: String) throws(ChangeEventError) -> String {
        guard let value = try optionalText(object, key, in: place), !value.isEmpty else {
            throw ChangeEventError("\(place).\(key): is required")
        }
        return value
    }

    private static func optionalText(_ object: JSONObject, _ key: String, in place: String) throws(ChangeEventError)
        -> String?
    {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case .number(let value)?: return value
        case let other?: throw ChangeEventError("\(place).\(key): must be a string, not \(other.typeName)")
        }
    }

    private static func integer(_ object: JSONObject, _ key: String, in place: String, required: Bool)
        throws(ChangeEventError) -> Int64?
    {
        switch object[key] {
        case nil, .null?:
            if required { throw ChangeEventError("\(place).\(key): is required") }
            return nil
        case .number(let text)?:
            guard let value = Int64(text) else { throw ChangeEventError("\(place).\(key): must be a whole number") }
            return value
        case let other?: throw ChangeEventError("\(place).\(key): must be a number, not \(other.typeName)")
        }
    }

    private static func requiredInteger(_ object: JSONObject, _ key: String, in place: String)
        throws(ChangeEventError) -> Int64
    {
        guard let value = try integer(object, key, in: place, required: true) else {
            throw ChangeEventError("\(place).\(key): is required")
        }
        return value
    }

    private static func milliseconds(_ object: JSONObject, _ key: String, in place: String) throws(ChangeEventError)
        -> Timestamp?
    {
        guard let value = try integer(object, key, in: place, required: false) else { return nil }
        return try DebeziumTime.timestamp(milliseconds: value, field: "\(place).\(key)")
    }
}
