/// The views loaded from `sql/views/`, as recorded in `ordersync_sql_files`: their names, columns,
/// description and paging key. The view API accepts only names and columns found here, so nothing a
/// client sends ever becomes SQL text.
package struct ViewCatalog: Sendable {
    /// One view.
    package struct View: Sendable, Equatable {
        package let name: String
        /// The first line of the file's header comment.
        package let description: String
        package let columns: [String]
        /// Columns that identify a row (`-- key: a, b` in the file): pages follow them. Empty: by offset.
        package let key: [String]

        package init(name: String, description: String, columns: [String], key: [String]) {
            self.name = name
            self.description = description
            self.columns = columns
            self.key = key
        }
    }

    package let views: [View]

    package init(views: [View]) {
        self.views = views
    }

    package func view(named name: String) -> View? { views.first { $0.name == name } }

    /// The from-scratch twin of a projection-backed view (`x_v` → `x_scratch_v`, docs/projections.md),
    /// when the catalog has one with the same columns.
    package func scratchTwin(of name: String) -> String? {
        guard name.hasSuffix("_v"), !name.hasSuffix("_scratch_v"), let view = view(named: name) else { return nil }
        let twin = name.dropLast(2) + "_scratch_v"
        return self.view(named: String(twin)).flatMap { $0.columns == view.columns ? $0.name : nil }
    }

    /// The description (the header comment's first paragraph, without the leading `name:`) and the
    /// `-- key:` columns of a view file. The description keeps the comment's own line breaks and
    /// indentation (column tables line up); only the `--` marker and the one space after it go, and
    /// trailing white space.
    package static func headerComment(_ sql: String) -> (description: String, key: [String]) {
        var paragraph: [String] = []
        var paragraphDone = false
        var key: [String] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("--") else {
                if trimmed.allSatisfy(\.isWhitespace) { continue }
                break
            }
            var body = trimmed.dropFirst(2)
            if body.first == " " { body = body.dropFirst() }
            while let last = body.last, last.isWhitespace { body = body.dropLast() }
            let text = String(body).trimmingSpaces()
            if text.hasPrefix("key:") {
                key = text.dropFirst(4).split(separator: ",").map { String($0.drop { $0 == " " }).trimmingSpaces() }
                paragraphDone = true
            } else if text.isEmpty {
                paragraphDone = !paragraph.isEmpty
            } else if !paragraphDone {
                paragraph.append(String(body))
            }
        }
        if let first = paragraph.first, let colon = first.firstIndex(of: ":"), !first[..<colon].contains(" ") {
            paragraph[0] = String(first[first.index(after: colon)...].drop { $0 == " " })
        }
        if paragraph.first?.isEmpty == true { paragraph.removeFirst() }
        return (paragraph.joined(separator: "\n"), key)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
