import OrderCore

/// What a run sent and was answered, and what the server must now hold: printed as one JSON line.
package struct SendSummary: Sendable {
    package let sent: Int
    /// HTTP statuses by code (0: no answer).
    package let statuses: [Int: Int]
    /// The answers' `status` (`applied`, `duplicate`, …; `inserted` / `unchanged` from `POST /`).
    package let answers: [String: Int]
    /// Requests not answered as intended: no answer, or a status other than 2xx (401 for a wrong signature).
    package let failed: Int
    package let firstFailure: String?
    package let intendedDuplicates: Int
    /// Intended duplicates the server did not call `duplicate` (`unchanged` on `POST /`), counted in total:
    /// with concurrent senders the first and the second delivery of an event may swap places.
    package let missedDuplicates: Int
    package let retries: Int
    package let distinctEvents: [String: Int]
    package let expectedVersions: Int
    package let expectedRecords: Int
    /// Each order's expected latest `order_status` (`deleted` for a deletion).
    package let expectedLatest: [String: String]
    package let p50Milliseconds: Double
    package let p99Milliseconds: Double
    package let maxMilliseconds: Double
    package let seconds: Double
    package let phaseSeconds: [String: Double]
    /// `--rate`: deliveries per second offered (0: a closed loop).
    package let offeredPerSecond: Double

    /// True when every request was answered as intended and every duplicate recognised.
    package var ok: Bool { failed == 0 && missedDuplicates == 0 }

    init(
        plan: SendPlan, results: Results, seconds: Double, phaseSeconds: [String: Double], toAPI: Bool,
        offeredPerSecond: Double = 0
    ) {
        let outcomes = results.all
        var statuses: [Int: Int] = [:]
        var answers: [String: Int] = [:]
        var failed = 0
        var firstFailure: String?
        var duplicateAnswers = 0
        for outcome in outcomes {
            statuses[outcome.status, default: 0] += 1
            if let answer = outcome.answer { answers[answer, default: 0] += 1 }
            if outcome.answer == (toAPI ? "unchanged" : "duplicate") { duplicateAnswers += 1 }
            let intended = plan.requests[outcome.index].intent
            let wanted = intended == .badSignature ? outcome.status == 401 : (200..<300).contains(outcome.status)
            if !wanted {
                failed += 1
                if firstFailure == nil {
                    firstFailure = outcome.error ?? "HTTP \(outcome.status) for \(plan.requests[outcome.index].path)"
                }
            }
        }
        let intendedDuplicates = plan.requests.count(where: { $0.intent == .duplicate })
        let latencies = outcomes.filter { $0.status != 0 }.map(\.seconds).sorted()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)] * 1_000
        }
        sent = outcomes.count
        self.statuses = statuses
        self.answers = answers
        self.failed = failed + max(0, plan.requests.count - outcomes.count)
        self.firstFailure = firstFailure
        self.intendedDuplicates = intendedDuplicates
        missedDuplicates = max(0, intendedDuplicates - duplicateAnswers)
        retries = outcomes.count(where: \.retried)
        distinctEvents = plan.distinctEvents
        expectedVersions = plan.expectedVersions
        expectedRecords = plan.expectedRecords
        expectedLatest = plan.expectedLatest
        p50Milliseconds = percentile(0.50)
        p99Milliseconds = percentile(0.99)
        maxMilliseconds = (latencies.last ?? 0) * 1_000
        self.seconds = seconds
        self.phaseSeconds = phaseSeconds
        self.offeredPerSecond = offeredPerSecond
    }

    /// The summary line (keys sorted, canonical JSON).
    package var json: String {
        func number(_ value: Double) -> JSONValue { .number(String((value * 1_000).rounded() / 1_000)) }
        func integer(_ value: Int) -> JSONValue { .number(String(value)) }
        func object(_ members: [(String, JSONValue)]) -> JSONValue {
            switch JSONObject.make(members.map { (name: $0.0, value: $0.1) }) {
            case .success(let object): .object(object)
            case .failure: .null
            }
        }
        let distinct = distinctEvents.values.reduce(0, +)
        var statusCounts: [String: Int] = [:]
        for status in expectedLatest.values { statusCounts[status, default: 0] += 1 }
        let members: [(String, JSONValue)] = [
            ("ok", .bool(ok)), ("sent", integer(sent)),
            ("statuses", object(statuses.sorted { $0.key < $1.key }.map { (String($0.key), integer($0.value)) })),
            ("answers", object(answers.map { ($0.key, integer($0.value)) })),
            ("failed", integer(failed)), ("first_failure", firstFailure.map { JSONValue.string($0) } ?? JSONValue.null),
            ("intended_duplicates", integer(intendedDuplicates)), ("missed_duplicates", integer(missedDuplicates)),
            ("retries", integer(retries)), ("distinct_events", integer(distinct)),
            ("distinct_events_by_source", object(distinctEvents.map { ($0.key, integer($0.value)) })),
            ("expected_orders", integer(expectedLatest.count)), ("expected_versions", integer(expectedVersions)),
            ("expected_records", integer(expectedRecords)),
            ("expected_status_counts", object(statusCounts.map { ($0.key, integer($0.value)) })),
            ("expected_latest", object(expectedLatest.map { ($0.key, .string($0.value)) })),
            (
                "latency_ms",
                object([
                    ("p50", number(p50Milliseconds)), ("p99", number(p99Milliseconds)),
                    ("max", number(maxMilliseconds)),
                ])
            ),
            ("seconds", number(seconds)),
            ("phase_seconds", object(phaseSeconds.map { ($0.key, number($0.value)) })),
            ("events_per_second", number(seconds > 0 ? Double(sent) / seconds : 0)),
            ("offered_per_second", number(offeredPerSecond)),
        ]
        return String(decoding: JSONWriter.canonical(object(members)), as: UTF8.self)
    }
}
