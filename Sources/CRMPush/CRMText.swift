package import OrderCore

/// Untrusted text from a CRM, made safe to keep and log; answers parsed within bounds.
package enum CRMText {
    /// At most `limit` characters of `text`, control characters as spaces (a message goes to a log
    /// line and a dead-letter row, and must not forge either).
    package static func clip(_ text: String, limit: Int = 300) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < limit else {
                out.append("…")
                break
            }
            out.append(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) ? " " : scalar)
            count += 1
        }
        return String(out)
    }

    /// The JSON of an answer body, or why it is none: every byte from the network is hostile, so the
    /// size is checked before parsing (the parser bounds depth and value count itself).
    package static func json(_ body: [UInt8], maxBytes: Int) -> Result<JSONValue, AnswerProblem> {
        guard body.count <= maxBytes else { return .failure(AnswerProblem("answer larger than \(maxBytes) bytes")) }
        guard !body.isEmpty else { return .failure(AnswerProblem("empty answer")) }
        do {
            return .success(try JSONParser.parse(body))
        } catch {
            return .failure(AnswerProblem("answer is not JSON (\(error.description))"))
        }
    }

    /// Why an answer could not be read.
    package struct AnswerProblem: Error, Sendable, Equatable {
        package let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// A string member, or a number's text (ids come as either), clipped.
    static func string(_ value: JSONValue?, limit: Int = 300) -> String? {
        switch value {
        case .string(let text)?: return clip(text, limit: limit)
        case .number(let text)?: return text
        default: return nil
        }
    }
}
