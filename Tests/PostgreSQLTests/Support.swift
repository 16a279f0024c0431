import PostgreSQL
import TestSupport

/// A connection to a database of its own on the shared test cluster.
func freshConnection() throws -> PGConnection {
    try PGConnection(conninfo: try PostgresCluster.shared().makeDatabase())
}

/// Every way an error could show its text: description, debug text and a field-by-field dump.
func everyRendering(of error: any Error) -> String {
    var dumped = ""
    dump(error, to: &dumped)
    return "\(error)\n\(String(reflecting: error))\n\(dumped)"
}

/// Rows of a result as strings (nil for NULL), for comparisons.
func rows(_ result: PGResult) -> [[String?]] {
    (0..<result.rowCount).map { row in (0..<result.columnCount).map { result.string(row, $0) } }
}
