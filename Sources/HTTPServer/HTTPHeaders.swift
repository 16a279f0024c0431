/// Header fields in arrival order. Names are kept lower-cased (they are case-insensitive, RFC 9110 §5.1);
/// repeated fields stay separate entries, never overwriting each other.
package struct HTTPHeaders: Sendable, Sequence {
    private var fields: [(name: String, value: String)] = []

    package init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { add(name, value) }
    }

    /// Appends a field (the name is lower-cased).
    package mutating func add(_ name: String, _ value: String) {
        fields.append((Self.lower(name), value))
    }

    /// Replaces every field of that name with one.
    package mutating func set(_ name: String, _ value: String) {
        let lower = Self.lower(name)
        fields.removeAll { $0.name == lower }
        fields.append((lower, value))
    }

    /// Removes every field of that name.
    package mutating func remove(_ name: String) {
        let lower = Self.lower(name)
        fields.removeAll { $0.name == lower }
    }

    /// The first value of a field, or nil.
    package subscript(name: String) -> String? {
        let lower = Self.lower(name)
        return fields.first { $0.name == lower }?.value
    }

    /// All values of a field, in order.
    package func values(_ name: String) -> [String] {
        let lower = Self.lower(name)
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

    /// `name` lower-cased. Names are ASCII tokens, and every lookup in this code base passes one in
    /// lower case: those are returned as they are, without `lowercased()`'s Unicode tables, which
    /// showed in a profile of the small-ingest load (docs/contract.md §4).
    private static func lower(_ name: String) -> String {
        let asIs =
            name.utf8.withContiguousStorageIfAvailable { bytes in
                !bytes.contains { $0 >= 0x41 && ($0 <= 0x5A || $0 >= 0x80) }
            } ?? false
        if asIs { return name }
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return name.lowercased() }
        return String(decoding: name.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

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
