/// Where and why a JSON text (or an NDJSON or CSV body) is malformed. Line and column are 1-based; the
/// column counts bytes.
package struct JSONSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was wrong, e.g. "expected ',' or ']'".
    package let reason: String
    /// Byte offset of the problem from the start of the text.
    package let offset: Int
    package let line: Int
    package let column: Int

    package var description: String { "\(reason) at line \(line), column \(column)" }
}
