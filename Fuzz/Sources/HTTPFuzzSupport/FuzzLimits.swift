@testable package import HTTPServer

/// The server limits a fuzz input runs under, chosen by one of its control bytes: the defaults, or
/// smaller ones that short inputs can reach, so every limit check is exercised at its boundary.
package enum FuzzLimits {
    /// How many choices `limits(_:)` has.
    package static let choices = 3

    package static func limits(_ choice: Int) -> ServerConfiguration {
        var limits = ServerConfiguration()
        switch choice % choices {
        case 1:
            limits.maxRequestLineBytes = 200
            limits.maxHeaderBytes = 1_000
            limits.maxHeaderCount = 20
            limits.maxBodyBytes = 4_096
        case 2:
            limits.maxRequestLineBytes = 24
            limits.maxHeaderBytes = 64
            limits.maxHeaderCount = 3
            limits.maxBodyBytes = 16
        default:
            break  // the server's defaults
        }
        return limits
    }

    /// Largest chunk when the input is cut into reads, chosen by a control byte: byte by byte up to
    /// bigger than any fuzz input (one read).
    package static let maxChunks = [1, 2, 5, 16, 300, 1 << 20]
}
