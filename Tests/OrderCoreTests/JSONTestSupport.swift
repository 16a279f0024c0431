import OrderCore

/// Parses JSON text (UTF-8) with the production parser.
func json(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONSyntaxError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
}

/// The syntax error for `bytes`, or nil when they parse.
func syntaxError(_ bytes: [UInt8], maxDepth: Int = JSONParser.defaultMaxDepth) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes, maxDepth: maxDepth)
        return nil
    } catch {
        return error
    }
}

func syntaxError(_ text: String) -> JSONSyntaxError? { syntaxError(Array(text.utf8)) }

/// Canonical JSON text of `value`.
func canonicalText(_ value: JSONValue) -> String { String(decoding: JSONWriter.canonical(value), as: UTF8.self) }
