import OrderCore

/// Provider timestamps: stored as UTC with milliseconds (so text order is time order, as in
/// orders_raw), sent back to providers as ISO 8601 with an explicit offset.
package enum ProviderTime {
    /// `2024-05-03T11:00:12-04:00` → `2024-05-03T15:00:12.000Z`; nil when not RFC 3339.
    package static func stored(_ text: String) -> String? {
        Timestamp(rfc3339: text)?.millisecondsText
    }

    /// A stored time as providers take it in filters: whole seconds, rounded down (the filters are
    /// inclusive lower bounds, so rounding down can only fetch more, never skip), `+00:00` offset.
    /// Shopify's `updated_at_min` and Zoho's `If-Modified-Since` both want an offset (docs/providers.md §1, §2).
    package static func filter(_ stored: String) -> String? {
        guard let time = Timestamp(rfc3339: stored) else { return nil }
        let seconds = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch - mod(time.millisecondsSinceEpoch))
        var text = seconds.secondsText
        guard text.hasSuffix("Z") else { return nil }
        text.removeLast()
        return text + "+00:00"
    }

    /// The later of two stored times (nil counts as earliest).
    package static func later(_ a: String?, _ b: String?) -> String? {
        guard let a else { return b }
        guard let b else { return a }
        return a >= b ? a : b
    }

    private static func mod(_ milliseconds: Int64) -> Int64 {
        let remainder = milliseconds % 1_000
        return remainder < 0 ? remainder + 1_000 : remainder
    }
}
