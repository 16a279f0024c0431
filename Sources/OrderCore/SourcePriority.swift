/// `SOURCE_PRIORITY`: which source's version stands when two sources send different content for one
/// order at the same event time (docs/contract.md §2, "Sources in conflict"). Earlier in the list wins;
/// a source not listed ranks after every listed one, and equal ranks keep the version stored first.
package struct SourcePriority: Sendable, Equatable {
    /// The sources, highest priority first, as `orders_raw.source` names them.
    package let sources: [String]

    /// The default: the ERP's change events, then the shops, then `POST /`.
    package static let standard = SourcePriority(checked: ["debezium", "shopify", "woocommerce", "api"])

    /// Longest source name taken; more names than this are a mistake, not a configuration.
    static let maxNameBytes = 64
    static let maxSources = 32

    private init(checked sources: [String]) { self.sources = sources }

    /// Parses `debezium,shopify,woocommerce,api`: names of lower-case letters, digits, `_` and `-`,
    /// each once.
    package init(_ text: String) throws(ChangeEventError) {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { OrderValidator.trim(String($0)) }
        guard !names.isEmpty, names.count <= Self.maxSources else {
            throw ChangeEventError("SOURCE_PRIORITY: list from 1 to \(Self.maxSources) sources, separated by commas")
        }
        for name in names {
            guard !name.isEmpty, name.utf8.count <= Self.maxNameBytes,
                name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D })
            else {
                throw ChangeEventError(
                    "SOURCE_PRIORITY: \"\(name.prefix(40))\" is not a source name (lower-case letters, digits, _ and -)")
            }
        }
        guard Set(names).count == names.count else { throw ChangeEventError("SOURCE_PRIORITY: a source is listed twice") }
        sources = names
    }

    /// The source's place: 0 is the highest; every unlisted source gets `sources.count`.
    package func rank(_ source: String) -> Int { sources.firstIndex(of: source) ?? sources.count }

    /// The list as configured, for PostgreSQL's session setting and the log.
    package var text: String { sources.joined(separator: ",") }
}

extension SourcePriority {
    /// `SOURCE_PRIORITY` from the environment (the server's and the sync worker's), else `standard`.
    package static func configured(_ environment: [String: String]) throws(ChangeEventError) -> SourcePriority {
        guard let text = environment["SOURCE_PRIORITY"], !text.isEmpty else { return .standard }
        return try SourcePriority(text)
    }
}
