internal import Crypto
package import OrderCore

/// HubSpot's request signature v3 (docs/realtime.md §5): `X-HubSpot-Signature-v3` is base64 of the HMAC-SHA256, keyed
/// with the app's client secret, of `method + URL + raw body + timestamp`, where the timestamp is
/// `X-HubSpot-Request-Timestamp` (epoch milliseconds) as sent and the URL the one HubSpot called.
/// Through swift-crypto; the comparison is its constant-time one.
package enum HubSpotSignature {
    /// A request older than this, or this far ahead of our clock, is refused: HubSpot's SDKs refuse
    /// older than 5 minutes (`MAX_ALLOWED_TIMESTAMP = 300000`); the same bound ahead absorbs clock skew
    /// and keeps a signature from being replayable long into the future.
    package static let maxSkewMilliseconds: Int64 = 300_000

    /// Digits of an epoch-milliseconds timestamp: 13 today, 15 at most up to the year 9999.
    static let maxTimestampDigits = 15

    /// Which check a request failed. The text names the check and never a secret or a header's value.
    package enum Rejection: Equatable, Sendable, CustomStringConvertible {
        case missingSignature
        case malformedSignature
        case missingTimestamp
        case malformedTimestamp
        case expired(ageMilliseconds: Int64)
        case fromTheFuture(aheadMilliseconds: Int64)
        case unusableRequestTarget
        case mismatch

        package var description: String {
            switch self {
            case .missingSignature: "the X-HubSpot-Signature-v3 header is missing"
            case .malformedSignature: "the X-HubSpot-Signature-v3 header is not base64 of 32 bytes"
            case .missingTimestamp: "the X-HubSpot-Request-Timestamp header is missing"
            case .malformedTimestamp: "the X-HubSpot-Request-Timestamp header is not epoch milliseconds"
            case .expired(let age):
                "the X-HubSpot-Request-Timestamp is \(age / 1_000) s old (at most \(maxSkewMilliseconds / 1_000) s)"
            case .fromTheFuture(let ahead):
                "the X-HubSpot-Request-Timestamp is \(ahead / 1_000) s ahead of this server's clock "
                    + "(at most \(maxSkewMilliseconds / 1_000) s)"
            case .unusableRequestTarget: "the request target is not a path this server can rebuild the signed URL from"
            case .mismatch:
                "the X-HubSpot-Signature-v3 does not match the method, URL, body and timestamp "
                    + "(wrong client secret, or PUBLIC_URL is not the URL HubSpot calls)"
            }
        }
    }

    /// The header value for a request (the fake sender's, and tests').
    package static func sign(method: String, url: String, body: [UInt8], timestamp: String, secret: WebhookSecret)
        -> String
    {
        let message = signedBytes(method: method, url: url, body: body, timestamp: timestamp)
        return Base64.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: secret.key)))
    }

    /// nil when the request is HubSpot's: the timestamp within `maxSkewMilliseconds` of `now`, and the
    /// signature that of one of `secrets` (old and new during a rotation) over `method`, the public URL
    /// (`publicURL` + `requestTarget` as received) and the body. Otherwise the first check that failed.
    package static func check(
        signature: String?, timestamp: String?, method: String, requestTarget: String, publicURL: PublicBaseURL,
        body: [UInt8], secrets: [WebhookSecret], now: Timestamp
    ) -> Rejection? {
        guard let signature, !signature.isEmpty else { return .missingSignature }
        guard signature.utf8.count == 44, let code = Base64.decode(signature), code.count == 32 else {
            return .malformedSignature
        }
        guard let timestamp, !timestamp.isEmpty else { return .missingTimestamp }
        guard let sentAt = milliseconds(timestamp) else { return .malformedTimestamp }
        let age = now.millisecondsSinceEpoch - sentAt
        if age > maxSkewMilliseconds { return .expired(ageMilliseconds: age) }
        if -age > maxSkewMilliseconds { return .fromTheFuture(aheadMilliseconds: -age) }
        guard let url = publicURL.url(requestTarget: requestTarget) else { return .unusableRequestTarget }
        for candidate in urlSpellings(url) {
            let message = signedBytes(method: method, url: candidate, body: body, timestamp: timestamp)
            // Every secret is tried: which one matched is no secret, and rotation keeps the list short.
            var matched = false
            for secret in secrets {
                matched =
                    HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: secret.key)
                    || matched
            }
            if matched { return nil }
        }
        return .mismatch
    }

    /// `check` with the headers looked up, as the endpoint calls it: 401 with the failed check's text.
    package static func verify(
        headers: HeaderLookup, method: String, requestTarget: String, publicURL: PublicBaseURL, body: [UInt8],
        secrets: [WebhookSecret], now: Timestamp
    ) throws(WebhookError) {
        if let rejection = check(
            signature: headers("x-hubspot-signature-v3"), timestamp: headers("x-hubspot-request-timestamp"),
            method: method, requestTarget: requestTarget, publicURL: publicURL, body: body, secrets: secrets, now: now)
        {
            throw WebhookError(401, rejection.description)
        }
    }

    /// The epoch milliseconds of `text`: ASCII digits only (no sign, space or exponent), at most
    /// `maxTimestampDigits` of them, so the value always fits and the signed text is what was parsed.
    static func milliseconds(_ text: String) -> Int64? {
        guard text.utf8.count <= maxTimestampDigits else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    static func signedBytes(method: String, url: String, body: [UInt8], timestamp: String) -> [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(method.utf8.count + url.utf8.count + body.count + timestamp.utf8.count)
        message.append(contentsOf: method.utf8)
        message.append(contentsOf: url.utf8)
        message.append(contentsOf: body)
        message.append(contentsOf: timestamp.utf8)
        return message
    }

    /// The URL as received, then, when it differs, with the escapes HubSpot's v3 page says to decode
    /// (`%3A` `:`, `%2F` `/`, `%3F` `?`, `%40` `@`, `%21` `!`, `%24` `$`, `%27` `'`, `%28` `(`, `%29` `)`,
    /// `%2A` `*`, `%2C` `,`, `%3B` `;`). The exact list is unconfirmed (docs/realtime.md §5), and
    /// HubSpot's own Node SDK signs the URL as given: both spellings are tried.
    static func urlSpellings(_ url: String) -> [String] {
        let decoded = decodingReservedEscapes(url)
        return decoded == url ? [url] : [url, decoded]
    }

    private static let decodedEscapes: [String: UInt8] = [
        "3A": UInt8(ascii: ":"), "2F": UInt8(ascii: "/"), "3F": UInt8(ascii: "?"), "40": UInt8(ascii: "@"),
        "21": UInt8(ascii: "!"), "24": UInt8(ascii: "$"), "27": UInt8(ascii: "'"), "28": UInt8(ascii: "("),
        "29": UInt8(ascii: ")"), "2A": UInt8(ascii: "*"), "2C": UInt8(ascii: ","), "3B": UInt8(ascii: ";"),
    ]

    static func decodingReservedEscapes(_ url: String) -> String {
        let bytes = Array(url.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count {
                let pair = String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self).uppercased()
                if let byte = decodedEscapes[pair] {
                    out.append(byte)
                    index += 3
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
