/// What one order contributes to the projections (sql/migrations/0001_order_projections.sql), computed
/// from its stored versions alone by the rules of docs/contract.md §2 and the views' header comments.
/// Pure: the same versions always give the same projection, so "retract the old, add the new" is exact.
struct OrderProjection: Equatable {
    /// One stored version, as the projections see it (read by `Projector.historySQL`).
    struct Version: Equatable {
        var seq: Int64
        /// order_status lower-cased by SQLite's lower() (ASCII only), exactly as the views lower it.
        var status: String
        /// Event time: updated_at, else ingested_at.
        var at: String
        /// `at` in milliseconds (SQLite's julianday, so it agrees with the views' arithmetic).
        var ms: Int64
        var updatedAt: String?
        /// Lifecycle stage position from status_stages (0: a status the vocabulary does not know).
        var position: Int
    }

    struct Transition: Hashable {
        var from: String
        var to: String
        var ms: Int64
        var step: Int
    }

    struct StageTime: Hashable {
        var position: Int
        var ms: Int64
    }

    struct Day: Hashable {
        var day: String
        var status: String
    }

    var latestSeq: Int64
    var firstSeq: Int64
    var earliestSeq: Int64
    var versions: Int
    var firstAt: String
    var lastAt: String
    var status: String
    var latestAt: String
    /// Event time a stage was first reached, by position (2 processing, 3 shipped, 4 delivered).
    var reachedAt: [Int: String]
    var days: Set<Day>
    var stageTimes: Set<StageTime>
    var transitions: Set<Transition>

    /// The stages whose times the projections keep (order_lifecycle_metrics_v, order_stage_timings_v).
    static let timedStages = [2, 3, 4]

    /// nil for an order without versions.
    init?(_ versions: [Version]) {
        guard var latest = versions.first else { return nil }
        var first = latest
        var firstAt = latest.at
        var lastAt = latest.at
        var reached: [Int: Version] = [:]
        var entered: [String: String] = [:]
        for version in versions {
            if version.seq < first.seq { first = version }
            if Self.less(version.at, firstAt) { firstAt = version.at }
            if Self.less(lastAt, version.at) { lastAt = version.at }
            if Self.isLater(version, than: latest) { latest = version }
            if Self.timedStages.contains(version.position),
                reached[version.position].map({ Self.less(version.at, $0.at) }) ?? true
            {
                reached[version.position] = version
            }
            if entered[version.status].map({ Self.less(version.at, $0) }) ?? true {
                entered[version.status] = version.at
            }
        }
        let ordered = versions.sorted { Self.less(($0.at, $0.seq), ($1.at, $1.seq)) }
        let earliest = ordered[0]
        var transitions: Set<Transition> = []
        for index in ordered.indices.dropFirst() {
            let before = ordered[index - 1]
            let after = ordered[index]
            if before.status != after.status {
                transitions.insert(Transition(from: before.status, to: after.status, ms: after.ms - before.ms, step: index))
            }
        }
        latestSeq = latest.seq
        firstSeq = first.seq
        earliestSeq = earliest.seq
        self.versions = versions.count
        self.firstAt = firstAt
        self.lastAt = lastAt
        status = latest.status
        latestAt = latest.at
        reachedAt = reached.mapValues(\.at)
        // substr(at, 1, 10) in the views: characters, not bytes.
        days = Set(entered.map { Day(day: String($0.value.prefix(10)), status: $0.key) })
        stageTimes = Set(reached.map { StageTime(position: $0.key, ms: $0.value.ms - earliest.ms) })
        self.transitions = transitions
    }

    /// docs/contract.md §2: the greatest updated_at among versions that carry one, else the greatest
    /// seq; ties go to the greater seq.
    private static func isLater(_ version: Version, than latest: Version) -> Bool {
        switch (version.updatedAt, latest.updatedAt) {
        case (nil, nil): version.seq > latest.seq
        case (nil, _): false
        case (_, nil): true
        case (let a?, let b?): less((b, latest.seq), (a, version.seq))
        }
    }

    /// SQLite's BINARY collation: byte order (Swift's String order is by Unicode scalars).
    static func less(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func less(_ a: (String, Int64), _ b: (String, Int64)) -> Bool {
        a.0 == b.0 ? a.1 < b.1 : less(a.0, b.0)
    }
}
