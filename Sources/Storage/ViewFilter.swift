/// One filter of a view query, as `GET /views/{name}?column=value` and `ordersync query --where`
/// give it (docs/contract.md §3, Views over HTTP):
/// - `column=value` is exact equality. The value is bound typed: a canonical integer (`42`, not `042`
///   or `+42`) as an integer, a decimal with a dot (`1.5`) as a real, anything else as text. SQLite
///   then compares by the column's affinity (https://sqlite.org/datatype3.html#comparisons): a column
///   read straight from a TEXT table column compares the value as text (`42` matches `'42'`); a
///   computed column has none, so numbers match numbers (`1` = `1.0`) and text matches text, byte for
///   byte: case and white space count.
/// - `column__ieq=value` is equality of text ignoring ASCII case (`COLLATE NOCASE`): the value is
///   always bound as text, so it matches text values only, never numbers.
package struct ViewFilter: Sendable, Equatable {
    /// How the column is compared with the value.
    package enum Comparison: Sendable, Equatable {
        case equal
        case equalIgnoringCase
    }

    package var column: String
    package var comparison: Comparison
    package var value: ViewQuery.Value

    /// Why a filter was refused: each is a client error with its own message.
    package enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        case unknownColumn(name: String, view: String, columns: [String])
        case tooMany(limit: Int)
        case valueTooLong(name: String, limit: Int)

        package var description: String {
            switch self {
            case .unknownColumn(let name, let view, let columns):
                "\"\(name.prefix(64))\" is not a column of \(view); filter on one of: \(columns.joined(separator: ", ")) (column=value, or column__ieq=value to ignore case)"
            case .tooMany(let limit): "at most \(limit) filters"
            case .valueTooLong(let name, let limit): "the value of \(name.prefix(64)) is longer than \(limit) bytes"
            }
        }
    }

    /// The suffix that asks for case-insensitive equality.
    package static let ignoringCaseSuffix = "__ieq"
    /// Filters per query: each is one bound parameter and one condition.
    package static let maxFilters = 32
    /// Bytes per value: far longer than any key or status, short of the 8 KiB request line (414).
    package static let maxValueBytes = 4_096

    package init(column: String, comparison: Comparison, value: ViewQuery.Value) {
        self.column = column
        self.comparison = comparison
        self.value = value
    }

    /// Reads `name=value` against the columns of `view`. A column's own name wins over the suffix.
    package init(name: String, value: String, view: ViewCatalog.View) throws(Refusal) {
        guard value.utf8.count <= ViewFilter.maxValueBytes else {
            throw .valueTooLong(name: name, limit: ViewFilter.maxValueBytes)
        }
        if view.columns.contains(name) {
            self.init(column: name, comparison: .equal, value: ViewQuery.Value.parse(value))
            return
        }
        let base = String(name.dropLast(ViewFilter.ignoringCaseSuffix.count))
        guard name.hasSuffix(ViewFilter.ignoringCaseSuffix), view.columns.contains(base) else {
            throw .unknownColumn(name: name, view: view.name, columns: view.columns)
        }
        self.init(column: base, comparison: .equalIgnoringCase, value: .text(value))
    }

    /// The query-string name that gives this filter back (for `Link` headers).
    package var parameterName: String {
        comparison == .equal ? column : column + ViewFilter.ignoringCaseSuffix
    }
}
