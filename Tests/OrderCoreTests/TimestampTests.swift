import OrderCore
import Testing

@Suite struct TimestampTests {
    private func utc(_ text: String) -> String? { Timestamp(rfc3339: text)?.secondsText }
    private func utcMillis(_ text: String) -> String? { Timestamp(rfc3339: text)?.millisecondsText }

    @Test(arguments: [
        ("2025-08-08T10:00:00Z", "2025-08-08T10:00:00Z"),
        ("2025-08-08t10:00:00z", "2025-08-08T10:00:00Z"),
        ("2025-08-08 10:00:00Z", "2025-08-08T10:00:00Z"),
        ("2025-08-08", "2025-08-08T00:00:00Z"),
        ("2025-08-08T10:00:00+00:00", "2025-08-08T10:00:00Z"),
        ("2025-08-08T10:00:00-00:00", "2025-08-08T10:00:00Z"),
        ("2025-08-08T12:30:00+02:30", "2025-08-08T10:00:00Z"),
        ("2025-08-08T10:00:00+05:30", "2025-08-08T04:30:00Z"),
        ("2025-08-08T22:00:00-03:00", "2025-08-09T01:00:00Z"),
        ("2025-01-01T01:00:00+02:00", "2024-12-31T23:00:00Z"),
        ("2025-08-08T23:59:59+23:59", "2025-08-08T00:00:59Z"),
        ("2025-08-08T00:00:00-23:59", "2025-08-08T23:59:00Z"),
        ("2025-08-08T10:00:00.5Z", "2025-08-08T10:00:00.500Z"),
        ("2025-08-08T10:00:00.123Z", "2025-08-08T10:00:00.123Z"),
        ("2025-08-08T10:00:00.1239999Z", "2025-08-08T10:00:00.123Z"),
        ("2025-08-08T10:00:00.000Z", "2025-08-08T10:00:00Z"),
        ("2025-08-08T10:00:00.0001+01:00", "2025-08-08T09:00:00Z"),
        ("2024-02-29", "2024-02-29T00:00:00Z"),
        ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z"),
        ("2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"),
        ("2016-12-31T18:59:60-05:00", "2017-01-01T00:00:00Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"),
        ("0001-03-01", "0001-03-01T00:00:00Z"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
        ("9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59Z"),
        ("0000-01-01T01:00:00+01:00", "0000-01-01T00:00:00Z"),
    ])
    func validTimestampsAreNormalisedToUTC(text: String, expected: String) {
        #expect(utc(text) == expected)
    }

    @Test(arguments: [
        "2025-02-30", "2023-02-29", "1900-02-29", "2025-04-31", "2025-13-01", "2025-00-10", "2025-01-00", "2025-01-32",
        "2025-08-08T24:00:00Z", "2025-08-08T10:60:00Z", "2025-08-08T10:00:61Z",
        "2025-08-08T10:00:00", "2025-08-08T10:00:00.123", "2025-08-08T10:00Z", "2025-08-08T10:00:00.Z",
        "2025-8-8", "25-08-08", "2025/08/08", "20250808", "2025-08-08T", "2025-08-08Z", "2025-08-08 ",
        "2025-08-08T10:00:00+24:00", "2025-08-08T10:00:00+01:60", "2025-08-08T10:00:00+0100", "2025-08-08T10:00:00+01",
        "2025-08-08T10:00:00+01:00:00", "2025-08-08T10:00:00ZZ", "2025-08-08T10:00:00Z ", "2025-08-08T10:00:00Zjunk",
        "2025-08-08T10:00:00 Z", "2025-08-08X10:00:00Z", "2025-08-08T10-00-00Z", "2025-08-08T1a:00:00Z",
        "+2025-08-08", "-0001-01-01", "２０２５-08-08", "2025-08-08T10:00:00UTC", "",
        "9999-12-31T23:00:00-02:00", "9999-12-31T23:59:60Z", "0000-01-01T00:00:00+00:01",
    ])
    func invalidTimestampsAreRefused(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func millisecondsTextHasAFixedWidth() {
        #expect(utcMillis("2025-08-08T10:00:00Z") == "2025-08-08T10:00:00.000Z")
        #expect(utcMillis("2025-08-08T10:00:00.5+01:00") == "2025-08-08T09:00:00.500Z")
        #expect(utcMillis("2025-08-08") == "2025-08-08T00:00:00.000Z")
        #expect(utcMillis("1969-12-31T23:59:59.001Z") == "1969-12-31T23:59:59.001Z")
        #expect(Timestamp(millisecondsSinceEpoch: 0).millisecondsText == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).millisecondsText == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_754_647_200_042).secondsText == "2025-08-08T10:00:00.042Z")
    }

    @Test func millisecondsSinceEpoch() {
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:00Z")?.millisecondsSinceEpoch == 0)
        #expect(Timestamp(rfc3339: "1970-01-01T00:00:01.5+00:00")?.millisecondsSinceEpoch == 1_500)
        #expect(Timestamp(rfc3339: "2025-08-08T10:00:00Z")?.millisecondsSinceEpoch == 1_754_647_200_000)
        #expect(Timestamp(rfc3339: "1969-12-31")?.millisecondsSinceEpoch == -86_400_000)
    }

    @Test func orderingFollowsTimeNotText() throws {
        let earlier = try #require(Timestamp(rfc3339: "2025-08-08T12:00:00+05:00"))
        let later = try #require(Timestamp(rfc3339: "2025-08-08T08:00:00Z"))
        #expect(earlier < later)
        #expect(earlier.millisecondsText < later.millisecondsText)
    }

    /// Every day of four centuries survives text → time → text.
    @Test func everyDayRoundTrips() throws {
        var days = 0
        for year in [1600, 1899, 1900, 1999, 2000, 2024, 2100] {
            for month in 1...12 {
                let monthLength = [
                    31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31,
                    30, 31,
                ][month - 1]
                for day in 1...31 {
                    let text = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
                    if day <= monthLength {
                        #expect(utc(text) == text + "T00:00:00Z")
                        days += 1
                    } else {
                        #expect(Timestamp(rfc3339: text) == nil, "\(text)")
                    }
                }
            }
        }
        #expect(days == 7 * 365 + 3)  // 1600, 2000 and 2024 are leap years; 1899, 1900, 1999 and 2100 are not
    }
}
