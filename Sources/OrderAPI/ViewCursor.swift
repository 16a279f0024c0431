import OrderCore
import Storage

/// Paging cursors of `/views/{name}` as they appear in URLs: the key values of the last row as a
/// JSON array (e.g. `["ORD-1"]`, `["2025-08-08","shipped"]`), or a plain row count for views without
/// a key. Readable, and checked like any other input.
enum ViewCursor {
    static func encode(_ cursor: ViewQuery.Cursor) -> String {
        switch cursor {
        case .offset(let offset):
            return String(offset)
        case .after(let values):
            var writer = JSONWriter(capacity: 64)
            writer.raw("[")
            for (index, value) in values.enumerated() {
                if index > 0 { writer.raw(",") }
                switch value {
                case .integer(let number): writer.integer(number)
                case .real(let number): writer.raw(ViewFormat.number(number) ?? "null")
                case .text(let text): writer.string(text)
                }
            }
            writer.raw("]")
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// The cursor for `view`, or nil when the text is not one of its cursors.
    static func decode(_ text: String, for view: ViewCatalog.View) -> ViewQuery.Cursor? {
        if view.key.isEmpty {
            guard let offset = Int(text), offset >= 0 else { return nil }
            return .offset(offset)
        }
        guard let parsed = try? JSONParser.parse(Array(text.utf8)), case .array(let elements) = parsed,
            elements.count == view.key.count
        else { return nil }
        var values: [ViewQuery.Value] = []
        for element in elements {
            switch element {
            case .string(let string): values.append(.text(string))
            case .number(let number):
                if let integer = Int64(number) {
                    values.append(.integer(integer))
                } else if let real = Double(number) {
                    values.append(.real(real))
                } else {
                    return nil
                }
            default: return nil
            }
        }
        return .after(values)
    }
}
