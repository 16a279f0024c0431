/// Whether a version of an order that has versions already is stored, and which conflict between
/// sources it meets (docs/contract.md §2, "Unchanged versions" and "Sources in conflict"). Pure: the
/// engines read what it needs and write what it decides (Sources/OrderStore/OrderWriter.swift; the
/// PostgreSQL twin is sql/postgresql/functions/ordersync_ingest.sql).
package enum VersionRule {
    /// A stored version the rule compares with: its source, its updated_at, and whether its content
    /// equals the incoming version's.
    package struct Stored: Sendable, Equatable {
        package var source: String
        package var updatedAt: String?
        package var sameContent: Bool

        package init(source: String, updatedAt: String?, sameContent: Bool) {
            self.source = source
            self.updatedAt = updatedAt
            self.sameContent = sameContent
        }
    }

    /// One decision between two sources, for `conflict_log`.
    package struct Conflict: Sendable, Equatable {
        /// `same_time` or `late`.
        package var kind: String
        package var winner: String
        package var loser: String
        /// `priority`, `first_stored` or `kept_in_history`.
        package var resolution: String
        /// The losing version's updated_at, and the winner's.
        package var eventTime: String
        package var winnerTime: String
        package var details: String
    }

    /// The decision for a version from `source` at `updatedAt`: `atSameTime` is the newest stored
    /// version with that updated_at (nil when none or when the version has no updated_at), `latest`
    /// the order's latest version.
    package static func decide(
        source: String, updatedAt: String?, atSameTime: Stored?, latest: Stored?, priority: SourcePriority
    ) -> (store: Bool, conflict: Conflict?) {
        if let updatedAt, let other = atSameTime {
            // The same content, or the same source at the same event time: the same event again.
            if other.sameContent || other.source == source { return (false, nil) }
            let (mine, theirs) = (priority.rank(source), priority.rank(other.source))
            let wins = mine < theirs
            let (winner, loser) = wins ? (source, other.source) : (other.source, source)
            let details =
                mine == theirs
                ? "\(source) and \(other.source) rank alike in SOURCE_PRIORITY: the version stored first stands"
                : "\(winner) ranks above \(loser) in SOURCE_PRIORITY (\(priority.text))"
            return (
                wins,
                Conflict(
                    kind: "same_time", winner: winner, loser: loser, resolution: mine == theirs ? "first_stored" : "priority",
                    eventTime: updatedAt, winnerTime: updatedAt, details: details)
            )
        }
        guard let latest else { return (true, nil) }
        if latest.sameContent { return (false, nil) }
        if let updatedAt, let latestTime = latest.updatedAt, latestTime > updatedAt, latest.source != source {
            return (
                true,
                Conflict(
                    kind: "late", winner: latest.source, loser: source, resolution: "kept_in_history",
                    eventTime: updatedAt, winnerTime: latestTime,
                    details: "\(source)'s version of \(updatedAt) is older than \(latest.source)'s latest of \(latestTime): stored in history, the latest stands")
            )
        }
        return (true, nil)
    }
}
