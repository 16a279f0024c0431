package import CRMPush

/// What an outbox worker pushes through: one CRM's pusher (Sources/CRMPush), or a test's.
package protocol CRMPushing: Sendable {
    /// Deliveries per push at most (HubSpot 100, Salesforce 200).
    var batchSize: Int { get }
    func push(_ deliveries: [CRMDelivery]) async throws(CRMPushError) -> CRMPushResult
}

extension HubSpotPusher: CRMPushing {
    package var batchSize: Int { configuration.batchSize }
}

extension SalesforcePusher: CRMPushing {
    package var batchSize: Int { configuration.batchSize }
}
