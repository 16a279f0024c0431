/// Parses and normalises the timestamps of orders (RFC 3339 §5.6) without Foundation.
///
/// Accepted: `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` (`t`, `z` and a space
/// for `T` allowed, as RFC 3339 permits). Always stored in UTC. A date without time means midnight UTC.
package struct Timestamp: Comparable, Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z (fractions below a millisecond are truncated).
    package let millisecondsSinceEpoch: Int64

    package init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// Parses `text`; `nil` when it is not a valid RFC 3339 date-time with offset or full date.
    package init?(rfc3339 text: String) {
        // Read in place, no copy: every timestamp of every order a request carries passes here.
        var text = text
        guard let millis = text.withUTF8({ Timestamp.milliseconds(rfc3339: $0) }) else { return nil }
        self.millisecondsSinceEpoch = millis
    }

    private static func milliseconds(rfc3339 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 10 || bytes.count >= 20, bytes.count <= 40 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for position in from..<(from + count) {
                let byte = bytes[position]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = number(8, 2),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year)
        else { return nil }
        var seconds = Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400
        var milliseconds = 0
        if bytes.count > 10 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
                let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2),
                bytes[16] == UInt8(ascii: ":"), let second = number(17, 2),
                hour <= 23, minute <= 59, second <= 60
            else { return nil }
            var position = 19
            if bytes[position] == UInt8(ascii: ".") {
                position += 1
                let fractionStart = position
                var scale = 100
                while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 {
                    milliseconds += Int(bytes[position] - 0x30) * scale
                    scale /= 10
                    position += 1
                }
                guard position > fractionStart else { return nil }
            }
            guard position < bytes.count else { return nil }
            var offset = 0
            switch bytes[position] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                position += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard position + 6 == bytes.count, let hours = number(position + 1, 2),
                    bytes[position + 3] == UInt8(ascii: ":"), let minutes = number(position + 4, 2),
                    hours <= 23, minutes <= 59
                else { return nil }
                offset = (hours * 60 + minutes) * 60
                if bytes[position] == UInt8(ascii: "-") { offset = -offset }
                position += 6
            default:
                return nil
            }
            guard position == bytes.count else { return nil }
            // A leap second (:60) is folded into the next second; RFC 3339 allows it, UTC text cannot keep it.
            seconds += hour * 3_600 + minute * 60 + second - offset
        }
        let millis = Int64(seconds) * 1_000 + Int64(milliseconds)
        // After the offset is applied the year must still have four digits.
        guard millis >= Timestamp.minimum, millis <= Timestamp.maximum else { return nil }
        return millis
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`: milliseconds are shown only when they are not zero.
    package var secondsText: String {
        format(fraction: millisecondsSinceEpoch % 1_000 != 0)
    }

    /// `YYYY-MM-DDTHH:MM:SS.sssZ`: fixed width, so text order equals time order.
    package var millisecondsText: String { format(fraction: true) }

    private func format(fraction: Bool) -> String {
        let millis = millisecondsSinceEpoch
        var totalSeconds = millis / 1_000
        var remainder = millis % 1_000
        if remainder < 0 {
            remainder += 1_000
            totalSeconds -= 1
        }
        var days = totalSeconds / 86_400
        var secondOfDay = totalSeconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = Timestamp.civil(fromDays: Int(days))
        // Written in place, no array per field: every timestamp of every order stored passes here.
        return String(unsafeUninitializedCapacity: 24) { out in
            var count = 0
            func put(_ byte: UInt8) {
                out[count] = byte
                count += 1
            }
            func pad(_ value: Int, _ width: Int) {
                var rest = value
                for position in stride(from: count + width - 1, through: count, by: -1) {
                    out[position] = UInt8(0x30 + rest % 10)
                    rest /= 10
                }
                count += width
            }
            pad(year, 4); put(UInt8(ascii: "-")); pad(month, 2); put(UInt8(ascii: "-")); pad(day, 2)
            put(UInt8(ascii: "T"))
            pad(Int(secondOfDay / 3_600), 2); put(UInt8(ascii: ":"))
            pad(Int(secondOfDay / 60 % 60), 2); put(UInt8(ascii: ":"))
            pad(Int(secondOfDay % 60), 2)
            if fraction {
                put(UInt8(ascii: "."))
                pad(Int(remainder), 3)
            }
            put(UInt8(ascii: "Z"))
            return count
        }
    }

    // 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z
    static let minimum: Int64 = Int64(daysFromCivil(year: 0, month: 1, day: 1)) * 86_400_000
    static let maximum: Int64 = Int64(daysFromCivil(year: 10_000, month: 1, day: 1)) * 86_400_000 - 1

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysFromCivil` (Hinnant's `civil_from_days`).
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
}
