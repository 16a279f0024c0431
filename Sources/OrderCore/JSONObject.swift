/// The members of a JSON object, kept sorted by name in UTF-8 byte order (the canonical order).
///
/// Names are compared byte by byte, as RFC 8259 §8.3 asks: Swift's `String` equality would merge
/// canonically equivalent names such as "é" and "e\u{301}", losing one member. A sorted array also
/// beats a dictionary for the handful of fields an order has, and makes canonical output a plain walk.
package struct JSONObject: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    /// Members in canonical (byte) order of their names; names are unique.
    package private(set) var members: [(name: String, value: JSONValue)]

    /// Builds an object; nil when two members have the same name (the index of the later one is given).
    package static func make(_ unsorted: [(name: String, value: JSONValue)]) -> Result<JSONObject, DuplicateName> {
        let order = unsorted.indices.sorted { a, b in
            let comparison = compare(unsorted[a].name, unsorted[b].name)
            return comparison != 0 ? comparison < 0 : a < b
        }
        var members: [(name: String, value: JSONValue)] = []
        members.reserveCapacity(unsorted.count)
        var previous: Int?
        for index in order {
            if let previous, compare(unsorted[previous].name, unsorted[index].name) == 0 {
                return .failure(DuplicateName(index: max(previous, index), name: unsorted[index].name))
            }
            members.append(unsorted[index])
            previous = index
        }
        return .success(JSONObject(sorted: members))
    }

    /// A repeated member name, and the position (in source order) of its second occurrence.
    package struct DuplicateName: Error {
        package let index: Int
        package let name: String
    }

    private init(sorted members: [(name: String, value: JSONValue)]) {
        self.members = members
    }

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        // Literals are written by our own code and tests; a repeated name keeps the last value.
        var unique: [(name: String, value: JSONValue)] = []
        for (name, value) in elements {
            unique.removeAll { JSONObject.compare($0.name, name) == 0 }
            unique.append((name, value))
        }
        self.members = unique.sorted { JSONObject.compare($0.name, $1.name) < 0 }
    }

    /// The value of member `name` (binary search, byte comparison).
    package subscript(name: String) -> JSONValue? {
        var low = 0
        var high = members.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let comparison = JSONObject.compare(members[middle].name, name)
            if comparison == 0 { return members[middle].value }
            if comparison < 0 { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    package var count: Int { members.count }
    package var isEmpty: Bool { members.isEmpty }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { compare($0.name, $1.name) == 0 && $0.value == $1.value }
    }

    /// Three-way comparison of UTF-8 bytes (equal bytes, never Unicode equivalence).
    static func compare(_ a: String, _ b: String) -> Int {
        var a = a
        var b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let common = min(x.count, y.count)
                if common > 0, let xa = x.baseAddress, let ya = y.baseAddress {
                    let result = memcmpBytes(xa, ya, common)
                    if result != 0 { return result }
                }
                return x.count - y.count
            }
        }
    }

    private static func memcmpBytes(_ x: UnsafePointer<UInt8>, _ y: UnsafePointer<UInt8>, _ count: Int) -> Int {
        for offset in 0..<count where x[offset] != y[offset] {
            return Int(x[offset]) - Int(y[offset])
        }
        return 0
    }
}
