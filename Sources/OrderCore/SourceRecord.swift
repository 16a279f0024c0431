/// One record as a connector fetched it: what `source_records` stores, one row per changed version.
package struct SourceRecord: Sendable, Equatable {
    /// The provider: `shopify`, `zoho`, `customers`.
    package let source: String
    /// The provider's id of the record, as text (ids beyond 2^53 keep every digit).
    package let sourceID: String
    /// The provider's modification time, UTC with milliseconds; nil when the provider has none.
    package let updatedAt: String?
    /// The record as fetched, canonical JSON: equal content gives equal bytes.
    package let payload: [UInt8]

    package init(source: String, sourceID: String, updatedAt: String?, payload: [UInt8]) {
        self.source = source
        self.sourceID = sourceID
        self.updatedAt = updatedAt
        self.payload = payload
    }
}
