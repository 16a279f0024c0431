import OrderCore

/// Time zones of the emulated accounts and how their timestamps are written: RFC 3339 with the local
/// offset and no fraction, as Shopify (`2024-05-03T11:00:12-04:00`) and Zoho (`…+05:30`) write them.
/// Times are whole seconds since 1970 (UTC).
package enum LocalTime {
    /// The fixed base date: every generated timestamp lies before it, so runs never depend on the wall clock.
    package static let baseDate: Int64 = 1_735_689_600  // 2025-01-01T00:00:00Z

    /// Shopify renders in the shop's zone: America/New_York, with US daylight saving time
    /// (second Sunday of March 02:00 to first Sunday of November 02:00 local), so offsets differ across
    /// the data set (-05:00 and -04:00).
    package static func newYorkOffset(at seconds: Int64) -> Int {
        let year = civil(fromDays: Int(floorDivide(seconds, 86_400))).year
        let marchFirst = daysFromCivil(year: year, month: 3, day: 1)
        let novemberFirst = daysFromCivil(year: year, month: 11, day: 1)
        let secondSundayOfMarch = marchFirst + (7 - weekday(marchFirst)) % 7 + 7
        let firstSundayOfNovember = novemberFirst + (7 - weekday(novemberFirst)) % 7
        // 02:00 EST is 07:00 UTC; 02:00 EDT is 06:00 UTC.
        let start = Int64(secondSundayOfMarch) * 86_400 + 7 * 3_600
        let end = Int64(firstSundayOfNovember) * 86_400 + 6 * 3_600
        return seconds >= start && seconds < end ? -4 * 3_600 : -5 * 3_600
    }

    /// Zoho renders in the user's zone: Asia/Kolkata, a constant +05:30 (an offset with minutes).
    package static let kolkataOffset = 5 * 3_600 + 30 * 60

    /// `2024-05-03T11:00:12-04:00` for `seconds` seen at `offset` seconds east of UTC.
    package static func format(_ seconds: Int64, offset: Int) -> String {
        let local = seconds + Int64(offset)
        let days = Int(floorDivide(local, 86_400))
        let secondOfDay = Int(local - Int64(days) * 86_400)
        let (year, month, day) = civil(fromDays: days)
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2) + ":"
            + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2) + sign + pad(offsetMinutes / 60, 2)
            + ":" + pad(offsetMinutes % 60, 2)
    }

    /// Shopify's rendering of `seconds`.
    package static func shopify(_ seconds: Int64) -> String { format(seconds, offset: newYorkOffset(at: seconds)) }

    /// Zoho's rendering of `seconds`.
    package static func zoho(_ seconds: Int64) -> String { format(seconds, offset: kolkataOffset) }

    /// UTC with `Z`, for the control API.
    package static func utc(_ seconds: Int64) -> String {
        Timestamp(millisecondsSinceEpoch: seconds * 1_000).secondsText
    }

    /// Parses an ISO 8601 / RFC 3339 timestamp with offset (or a plain date) to seconds; fractions are
    /// dropped. Nil when it is not one.
    package static func parse(_ text: String) -> Int64? {
        guard let timestamp = Timestamp(rfc3339: text) else { return nil }
        return floorDivide(timestamp.millisecondsSinceEpoch, 1_000)
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// 0 = Sunday (1970-01-01 was a Thursday).
    private static func weekday(_ days: Int) -> Int { ((days % 7) + 11) % 7 }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
