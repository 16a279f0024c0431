/// A request the server refuses while reading it; the connection closes after the answer,
/// because after a framing error nothing that follows can be trusted (RFC 9112 §11.2).
package struct HTTPParseError: Error, Equatable, Sendable {
    /// The status to answer with: 400, 413, 414, 431, 501 or 505.
    package let status: Int
    /// A short explanation for the problem document's `detail`.
    package let detail: String

    package init(_ status: Int, _ detail: String) {
        self.status = status
        self.detail = detail
    }
}
