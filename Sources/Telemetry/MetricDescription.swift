/// What a metric family is: its Prometheus name, type, help text, label names and (for histograms)
/// bucket bounds. The registry takes these once, so every handle of a family gets the same help and
/// buckets whoever creates it (swift-metrics has no place for either).
package struct MetricDescription: Sendable {
    /// The Prometheus type of a family.
    package enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The full name, `_total` included for counters (swift-prometheus adds no suffix).
    package let name: String
    /// Counter, gauge or histogram.
    package let kind: Kind
    /// One line for `# HELP`.
    package let help: String
    /// The label names every series of the family carries, in order.
    package let labels: [String]
    /// Upper bounds of the histogram buckets (seconds for durations), ascending; empty for the others.
    package let buckets: [Double]

    /// A description; `buckets` only for histograms.
    package init(_ name: String, _ kind: Kind, _ help: String, labels: [String] = [], buckets: [Double] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.labels = labels
        self.buckets = buckets
    }
}
