import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The `Date` header (IMF-fixdate, RFC 9110 §5.6.7), formatted at most once a second.
enum HTTPDate {
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        var now = time(nil)
        return cache.withLock { cached in
            if cached.second == now { return cached.text }
            var parts = tm()
            gmtime_r(&now, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let count = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            cached = (now, String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
            return cached.text
        }
    }

    /// Appends `content-type` as `Content-Type`: header names are case-insensitive, but people read logs
    /// and dumps. Names are ASCII tokens; other bytes pass unchanged.
    static func appendCanonicalName(_ name: String, to bytes: inout [UInt8]) {
        var upper = true
        for byte in name.utf8 {
            bytes.append(upper && byte >= 0x61 && byte <= 0x7A ? byte - 0x20 : byte)
            upper = byte == UInt8(ascii: "-")
        }
    }
}
