internal import Crypto
import OrderCore

/// A webhook secret (`SHOPIFY_WEBHOOK_SECRET`, `WOOCOMMERCE_WEBHOOK_SECRET`): the HMAC key, never shown.
package struct WebhookSecret: Sendable, CustomStringConvertible {
    // The bytes, not a SymmetricKey: swift-crypto 3's key is not Sendable.
    private let bytes: [UInt8]

    /// nil for an empty secret: it would sign anything anyone can compute.
    package init?(_ secret: String) {
        guard !secret.isEmpty else { return nil }
        bytes = Array(secret.utf8)
    }

    /// Internal, not fileprivate: HubSpotSignature keys its HMAC with it too.
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    package var description: String { "WebhookSecret(redacted)" }
}

/// Shopify's `X-Shopify-Hmac-Sha256` and WooCommerce's `X-WC-Webhook-Signature`: base64 of the
/// HMAC-SHA256 of the raw body with the shared secret (docs/realtime.md §1, §2).
/// Through swift-crypto; the comparison is its constant-time one.
package enum WebhookSignature {
    /// The header value for `body` (the fake sender's, and tests').
    package static func sign(_ body: [UInt8], with secret: WebhookSecret) -> String {
        Base64.encode(Array(HMAC<SHA256>.authenticationCode(for: body, using: secret.key)))
    }

    /// True when `header` is the signature of exactly these bytes. A missing, malformed or
    /// wrong-length header is false, the same as a wrong one.
    package static func isValid(_ header: String?, body: [UInt8], secret: WebhookSecret) -> Bool {
        guard let header, header.utf8.count == 44, let code = Base64.decode(header), code.count == 32 else {
            return false
        }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: body, using: secret.key)
    }
}
