/// An object member name. Compared and hashed by its UTF-8 bytes, as RFC 8259 §8.3 asks ("code unit by
/// code unit"): Swift's `String` equality would merge canonically equivalent names such as "é" and
/// "e\u{301}", and one of the two members would silently be lost.
package struct JSONKey: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    package let text: String

    package init(_ text: String) { self.text = text }
    package init(stringLiteral text: String) { self.text = text }

    package var description: String { text }

    package static func == (lhs: JSONKey, rhs: JSONKey) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    package func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }
}
