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

    /// `content-type` → `Content-Type`: header names are case-insensitive, but people read logs and dumps.
    static func canonicalName(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count)
        var upper = true
        for character in name {
            result.append(upper ? Character(character.uppercased()) : character)
            upper = character == "-"
        }
        return result
    }
}
