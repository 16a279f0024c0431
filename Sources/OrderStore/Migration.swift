import Storage

/// One file of `sql/migrations/` (docs/contract.md §2, docs/migrations.md): `NNNN_snake_name.sql`,
/// applied once, in number order, in its own transaction, and recorded in `ordersync_migrations`.
package struct Migration: Sendable {
    /// The number in the file's name (1 for `0001_add_x.sql`).
    package let number: Int
    /// The file name, `0001_add_x.sql` (what `ordersync_migrations.name` records).
    package let name: String
    /// Where it came from, for error messages: `sql/migrations/0001_add_x.sql`.
    package let file: String
    /// The SQL text.
    let sql: String

    /// The text as recorded and compared: CRLF line ends read as LF, so a checkout that converts line
    /// ends does not count as a changed migration, while any other edit does. The whole text is kept
    /// (as `ordersync_sql_files` keeps table files): an exact comparison, and no digest to maintain.
    var recordedText: String { sql.replacing("\r\n", with: "\n") }

    /// At least 4 digits, so the numbers sort as their names do; at most 9, so a number fits any integer.
    static let digits = 4...9

    /// Reads `NNNN_snake_name.sql`: the number, or why the name is not one (lower-case letters, digits and
    /// `_` after the number's `_`, starting with a letter).
    static func number(of name: String) -> Result<Int, SchemaError> {
        let bad = { (why: String) in Result<Int, SchemaError>.failure(SchemaError(file: name, message: why)) }
        let expected = "a migration is named NNNN_snake_name.sql (4 to 9 digits, then lower-case letters, digits, _)"
        guard name.hasSuffix(".sql") else { return bad("is not a .sql file; \(expected)") }
        let stem = Array(name.utf8.dropLast(4))
        let digitCount = stem.prefix { $0 >= 48 && $0 <= 57 }.count
        guard digits.contains(digitCount), digitCount < stem.count, stem[digitCount] == 95 else { return bad(expected) }
        let words = stem[(digitCount + 1)...]
        guard let first = words.first, first >= 97 && first <= 122,
            words.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 })
        else { return bad(expected) }
        let number = stem.prefix(digitCount).reduce(0) { $0 * 10 + Int($1 - 48) }
        guard number >= 1 else { return bad("migration numbers start at 0001") }
        return .success(number)
    }

    /// The migrations of `files` (name → text) in number order; refuses a bad name, a duplicate number,
    /// or a gap (numbers run 1, 2, 3 … with none missing), naming the file.
    static func ordered(_ files: [(name: String, file: String, sql: String)]) throws(SchemaError) -> [Migration] {
        var result: [Migration] = []
        for entry in files {
            // SQLite reads a statement up to a NUL: what follows would be skipped, yet compared with the recorded text.
            guard !entry.sql.contains("\0") else { throw SchemaError(file: entry.file, message: "contains a NUL byte") }
            switch number(of: entry.name) {
            case .success(let number):
                result.append(Migration(number: number, name: entry.name, file: entry.file, sql: entry.sql))
            case .failure(let error): throw SchemaError(file: entry.file, message: error.message)
            }
        }
        result.sort { $0.number < $1.number }
        for (index, migration) in result.enumerated() {
            if index > 0 && result[index - 1].number == migration.number {
                throw SchemaError(
                    file: migration.file,
                    message: "has the same number as \(result[index - 1].name); numbers are unique")
            }
            if migration.number != index + 1 {
                let missing = String(index + 1).leftPadded(to: 4)
                throw SchemaError(
                    file: migration.file,
                    message: "no migration is numbered \(missing); numbers run from 0001 with no gap")
            }
        }
        return result
    }
}

extension String {
    /// `self` with leading zeros up to `width` digits.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
