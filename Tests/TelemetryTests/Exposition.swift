/// The text exposition of a registry, read just enough for assertions: sample lines by their exact
/// name-and-labels text, and the `# HELP` / `# TYPE` lines of a family.
struct Exposition {
    let lines: [Substring]

    init(_ bytes: [UInt8]) {
        lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }

    /// The value of the sample written exactly as `series` (e.g. `name{a="b"}`), nil when absent.
    func value(_ series: String) -> Double? {
        for line in lines where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    /// The `# TYPE` of a family.
    func type(_ family: String) -> String? {
        line(startingWith: "# TYPE \(family) ")
    }

    /// The `# HELP` text of a family.
    func help(_ family: String) -> String? {
        line(startingWith: "# HELP \(family) ")
    }

    /// Sample lines of a family (its name followed by `{`, ` `, or a histogram suffix).
    func samples(_ family: String) -> [Substring] {
        lines.filter { line in
            !line.hasPrefix("#")
                && ["{", " ", "_bucket{", "_sum", "_count"].contains { line.hasPrefix(family + $0) }
        }
    }

    private func line(startingWith prefix: String) -> String? {
        lines.first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
