/// Which table of the source database holds orders, and which of its columns is which ordersync field
/// (issue 12, item 3: `CDC_ORDERS_TABLE`, default `orders`; a column map whose defaults are
/// ordersync's own field names).
package struct CDCOrderMapping: Sendable, Equatable {
    /// The fields a column may be mapped to.
    package static let fields = ["order_id", "order_date", "order_status", "order_details", "updated_at"]

    /// Longest table or column name taken (PostgreSQL's identifiers stop at 63 bytes, MySQL's at 64).
    static let maxNameBytes = 256

    /// `orders`, `schema.orders` or `database.orders`: matched against the event's source.
    package let table: String
    /// ordersync field → source column, for every field in `fields`.
    package let columns: [String: String]

    /// `columnMap` as `field=column` pairs separated by commas (`order_id=id,order_status=state`);
    /// fields it leaves out keep their own names.
    package init(table: String = "orders", columnMap: String = "") throws(ChangeEventError) {
        let trimmedTable = OrderValidator.trim(table)
        guard !trimmedTable.isEmpty, trimmedTable.utf8.count <= Self.maxNameBytes else {
            throw ChangeEventError("CDC_ORDERS_TABLE: must name a table")
        }
        var columns = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0, $0) })
        var seen: Set<String> = []
        for pair in columnMap.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1).map { OrderValidator.trim(String($0)) }
            guard parts.count == 2, !parts[1].isEmpty, parts[1].utf8.count <= Self.maxNameBytes else {
                throw ChangeEventError("CDC_COLUMN_MAP: \"\(pair.prefix(40))\" is not field=column")
            }
            guard Self.fields.contains(parts[0]) else {
                throw ChangeEventError(
                    "CDC_COLUMN_MAP: \"\(parts[0].prefix(40))\" is not one of \(Self.fields.joined(separator: ", "))")
            }
            guard seen.insert(parts[0]).inserted else {
                throw ChangeEventError("CDC_COLUMN_MAP: \(parts[0]) is mapped twice")
            }
            columns[parts[0]] = parts[1]
        }
        guard Set(columns.values).count == columns.count else {
            throw ChangeEventError("CDC_COLUMN_MAP: one column is mapped to two fields")
        }
        self.table = trimmedTable
        self.columns = columns
    }

    /// The defaults: the table `orders`, every field in a column of its own name.
    package static let standard = CDCOrderMapping(
        standardTable: "orders", columns: Dictionary(uniqueKeysWithValues: fields.map { ($0, $0) }))

    private init(standardTable: String, columns: [String: String]) {
        self.table = standardTable
        self.columns = columns
    }

    /// The source column that fills `field`.
    package func column(_ field: String) -> String { columns[field] ?? field }

    /// True when the event's table is this one: by name alone, or qualified by schema or database.
    package func matches(_ event: ChangeEvent) -> Bool {
        table == event.table || event.schema.map { "\($0).\(event.table)" } == table
            || event.database.map { "\($0).\(event.table)" } == table
    }

    /// What the event means for the orders: a version to append, a deletion to record, or nothing.
    package func action(for event: ChangeEvent) -> CDCAction {
        guard matches(event) else {
            let name = (event.schema.map { "\($0)." } ?? "") + event.table
            return .ignore("table \(name) is not the orders table (\(table))")
        }
        switch event.operation {
        case .truncate: return .ignore("a truncate removes no history")
        case .message: return .ignore("a logical decoding message is not a row change")
        case .delete:
            guard let before = event.before, let id = before[column("order_id")], id != .null else {
                return .ignore("the deleted row carries no \(column("order_id")) (its key)")
            }
            return .tombstone(orderID: id, at: event.changedAt)
        case .create, .read, .update:
            return .append(.object(order(from: event.after ?? [:], changedAt: event.changedAt)))
        }
    }

    /// The row in ordersync's field names; its other columns stay as they are. Without an updated_at
    /// column the change's own time (`source.ts_ms`) is the version's time.
    private func order(from row: JSONObject, changedAt: Timestamp?) -> JSONObject {
        let mapped = Dictionary(uniqueKeysWithValues: columns.map { ($0.value, $0.key) })
        var members: [(name: String, value: JSONValue)] = []
        for (name, value) in row.members {
            if let field = mapped[name] {
                members.append((field, value))
            } else if columns[name] == nil {
                members.append((name, value))  // a column under a field's name that another column fills is dropped
            }
        }
        let updatedAt = row[column("updated_at")]
        if updatedAt == nil || updatedAt == .null, let changedAt {
            members.removeAll { $0.name == "updated_at" }
            members.append(("updated_at", .string(changedAt.millisecondsText)))
        }
        guard case .success(let object) = JSONObject.make(members) else { return row }
        return object
    }
}

/// What one change event does to the orders.
package enum CDCAction: Equatable, Sendable {
    /// A new version: an order item in ordersync's field names, for OrderValidator.
    case append(JSONValue)
    /// The order was deleted at the source: history stays, a tombstone version records it.
    case tombstone(orderID: JSONValue, at: Timestamp?)
    /// Acknowledged, nothing stored; the reason says why.
    case ignore(String)
}
