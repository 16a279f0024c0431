/// Header fields in arrival order. Names are kept lower-cased (they are case-insensitive, RFC 9110 §5.1);
/// repeated fields stay separate entries, never overwriting each other.
package struct HTTPHeaders: Sendable, Sequence {
    private var fields: [(name: String, value: String)] = []

    package init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { add(name, value) }
    }

    /// Appends a field (the name is lower-cased).
    package mutating func add(_ name: String, _ value: String) {
        fields.append((name.lowercased(), value))
    }

    /// Replaces every field of that name with one.
    package mutating func set(_ name: String, _ value: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name == lower }
        fields.append((lower, value))
    }

    /// Removes every field of that name.
    package mutating func remove(_ name: String) {
        let lower = name.lowercased()
        fields.removeAll { $0.name == lower }
    }

    /// The first value of a field, or nil.
    package subscript(name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name == lower }?.value
    }

    /// All values of a field, in order.
    package func values(_ name: String) -> [String] {
        let lower = name.lowercased()
        return fields.filter { $0.name == lower }.map(\.value)
    }

    /// The comma-separated list elements of every field of that name, trimmed and lower-cased
    /// (RFC 9110 §5.6.1), e.g. the tokens of `Connection` or `Transfer-Encoding`.
    package func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " \t").lowercased() }
            .filter { !$0.isEmpty }
    }

    package var count: Int { fields.count }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

extension StringProtocol {
    /// Drops the given characters from both ends (Foundation-free, for header parsing).
    package func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
