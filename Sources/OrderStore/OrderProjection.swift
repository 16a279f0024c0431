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
    /// Event time each timed stage was first reached: 2 processing, 3 shipped, 4 delivered.
    var processingAt: String?
    var shippedAt: String?
    var deliveredAt: String?
    /// One entry per status the order ever had (distinct by status).
    var days: [Day]
    /// One entry per timed stage reached (distinct by position).
    var stageTimes: [StageTime]
    /// Distinct by step.
    var transitions: [Transition]

    /// The stages whose times the projections keep (order_lifecycle_metrics_v, order_stage_timings_v).
    static let timedStages = 2...4

    func reachedAt(_ position: Int) -> String? {
        switch position {
        case 2: processingAt
        case 3: shippedAt
        case 4: deliveredAt
        default: nil
        }
    }

    /// nil for an order without versions. Arrays, not sets: an order has a handful of versions, and
    /// this runs for every order of every commit.
    init?(_ versions: [Version]) {
        guard let only = versions.first else { return nil }
        if versions.count == 1 {
            // Most orders of a bulk load: one version, no transition.
            latestSeq = only.seq
            firstSeq = only.seq
            earliestSeq = only.seq
            self.versions = 1
            firstAt = only.at
            lastAt = only.at
            status = only.status
            latestAt = only.at
            days = [Day(day: String(only.at.prefix(10)), status: only.status)]
            stageTimes = Self.timedStages.contains(only.position) ? [StageTime(position: only.position, ms: 0)] : []
            transitions = []
            switch only.position {
            case 2: processingAt = only.at
            case 3: shippedAt = only.at
            case 4: deliveredAt = only.at
            default: break
            }
            return
        }
        let ordered = versions.sorted { Self.less(($0.at, $0.seq), ($1.at, $1.seq)) }
        let earliest = ordered[0]
        var latest = only
        var first = only
        var reached: [Version?] = [nil, nil, nil]
        var entered: [(status: String, at: String)] = []
        // In event order, the first version of a status or stage is the one that reached it.
        for version in ordered {
            if version.seq < first.seq { first = version }
            if Self.isLater(version, than: latest) { latest = version }
            if Self.timedStages.contains(version.position), reached[version.position - 2] == nil {
                reached[version.position - 2] = version
            }
            if !entered.contains(where: { $0.status == version.status }) {
                entered.append((version.status, version.at))
            }
        }
        var transitions: [Transition] = []
        for index in ordered.indices.dropFirst() where ordered[index - 1].status != ordered[index].status {
            let before = ordered[index - 1]
            let after = ordered[index]
            transitions.append(Transition(from: before.status, to: after.status, ms: after.ms - before.ms, step: index))
        }
        latestSeq = latest.seq
        firstSeq = first.seq
        earliestSeq = earliest.seq
        self.versions = versions.count
        firstAt = earliest.at
        lastAt = ordered[ordered.count - 1].at
        status = latest.status
        latestAt = latest.at
        processingAt = reached[0]?.at
        shippedAt = reached[1]?.at
        deliveredAt = reached[2]?.at
        // substr(at, 1, 10) in the views: characters, not bytes.
        days = entered.map { Day(day: String($0.at.prefix(10)), status: $0.status) }
        stageTimes = reached.compactMap { $0 }.map { StageTime(position: $0.position, ms: $0.ms - earliest.ms) }
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
