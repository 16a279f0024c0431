import PostgresStore
import TestSupport
import Testing

/// PGArray builds array literals from bytes (Sources/PostgresStore/PGArray.swift); it must give exactly
/// the literal of the plain definition below (every element quoted, `"` and `\` escaped, NULL bare) for
/// any text, and the same from a String as from its UTF-8 bytes. The round trip through a real server
/// is PostgresEngineTests.awkwardTextComesBackUnchanged.
struct PGArrayTests {
    private static func reference(_ values: [String?]) -> String {
        "{" + values.map { value in
            guard let value else { return "NULL" }
            var quoted = "\""
            for scalar in value.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { quoted += "\\" }
                quoted.unicodeScalars.append(scalar)
            }
            return quoted + "\""
        }.joined(separator: ",") + "}"
    }

    @Test func equalsThePlainDefinitionOnRandomText() {
        var random = SeededGenerator(seed: 7)
        let pieces = ["\"", "\\", ",", "{", "}", "NULL", " ", "é", "😀", "a", "\u{3000}", "''", "\\\"", ""]
        for _ in 0..<2_000 {
            let values: [String?] = (0..<random.below(6)).map { _ in
                random.below(5) == 0 ? nil : (0..<random.below(8)).map { _ in pieces[random.below(pieces.count)] }.joined()
            }
            #expect(PGArray.text(values) == Self.reference(values), "\(values)")
            let present = values.compactMap { $0 }
            #expect(PGArray.text(bytes: present.map { Array($0.utf8) }) == Self.reference(present))
        }
        #expect(PGArray.text([]) == "{}")
        #expect(PGArray.text([nil, ""]) == #"{NULL,""}"#)
    }
}
