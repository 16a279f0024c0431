import Foundation
import Testing

/// Every comment and document cites a file a reader of this repository can open (issue: "the project
/// carries its own specification"): `docs/NAME.md §N` must name an existing file with a `## §N`
/// heading, and no text may cite the design documents that live outside the repository.
@Suite struct CitationTests {
    /// Folders and files whose text is read; build output and git's own files are not.
    static let scanned = ["Sources", "Tests", "sql", "bench", "Fuzz", ".ci", "scripts", "deploy", "docs",
                          "README.md", "Dockerfile", "openapi.yaml", "cloudbuild.yaml"]
    static let textExtensions: Set<String> = ["swift", "sql", "md", "py", "sh", "yaml", "yml", "txt", ""]

    /// `SPEC §3`, `SPEC.md`, `SPEC, "Sync configuration"`, or a bare `providers.md` (the design folder's
    /// file, not docs/providers.md).
    static func outside() throws -> NSRegularExpression {
        try NSRegularExpression(pattern: #"\bSPEC(\.md|\s*§|\s+\d|,|\s*\()|(?<![\w/.-])providers\.md|(?<![\w/.-])contract\.md"#)
    }

    /// (file relative to the root, line number, line) of every scanned text line.
    static func lines() throws -> [(String, Int, String)] {
        var found: [(String, Int, String)] = []
        let manager = FileManager.default
        for entry in scanned {
            let base = Repository.root + "/" + entry
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: base, isDirectory: &isDirectory) else { continue }
            var files = [entry]
            if isDirectory.boolValue {
                files = (manager.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
                    .filter { !$0.hasPrefix(".build") && !$0.contains("/.build") && !$0.hasPrefix("corpus/") }
                    .map { entry + "/" + $0 }
                    // bench/run's output (git-ignored): the Python peer's virtualenv cites its own docs.
                    .filter { !$0.hasPrefix("bench/out/") }
            }
            for file in files where textExtensions.contains((file as NSString).pathExtension)
                && !file.hasSuffix("CitationTests.swift") {
                let path = Repository.root + "/" + file
                var directory: ObjCBool = false
                guard manager.fileExists(atPath: path, isDirectory: &directory), !directory.boolValue,
                      let data = manager.contents(atPath: path), let text = String(data: data, encoding: .utf8)
                else { continue }
                for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    found.append((file, index + 1, String(line)))
                }
            }
        }
        return found
    }

    @Test func noTextCitesADocumentOutsideTheRepository() throws {
        let outside = try Self.outside()
        var offenders: [String] = []
        for (file, number, line) in try Self.lines()
        where outside.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil {
            offenders.append("\(file):\(number): \(line.trimmingCharacters(in: .whitespaces))")
        }
        #expect(offenders.isEmpty, "cites a document that is not in this repository:\n\(offenders.joined(separator: "\n"))")
    }

    @Test func everyCitedSectionExists() throws {
        let citation = try NSRegularExpression(pattern: #"docs/([\w-]+\.md)(?:\s*§(\d+))?"#)
        var headings: [String: String] = [:]
        var broken: [String] = []
        for (file, number, line) in try Self.lines() {
            for match in citation.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                let name = String(line[Range(match.range(at: 1), in: line)!])
                if headings[name] == nil {
                    headings[name] = (try? String(contentsOfFile: Repository.root + "/docs/" + name, encoding: .utf8)) ?? ""
                }
                let text = headings[name]!
                if text.isEmpty {
                    broken.append("\(file):\(number): docs/\(name) does not exist")
                } else if let section = Range(match.range(at: 2), in: line),
                          !text.contains("\n## §\(line[section]) ") {
                    broken.append("\(file):\(number): docs/\(name) has no section §\(line[section])")
                }
            }
        }
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
    }

    @Test func theCheckFindsAnOutsideCitation() throws {
        // The pattern above must catch the forms the code used to carry (so the scan cannot pass vacuously).
        let outside = try Self.outside()
        for sample in ["(SPEC §2)", "SPEC.md (\"Sync configuration\")", "(SPEC 2)", "providers.md §1", "(providers.md)"] {
            #expect(outside.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil, "\(sample)")
        }
        for sample in ["docs/providers.md §1", "docs/contract.md §3", ".ci/check-openapi [SPEC]"] {
            #expect(outside.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) == nil, "\(sample)")
        }
    }
}
