import OrderCore
import TestSupport
import Testing
import Webhooks

/// HubSpot's v3 signature (Sources/Webhooks/HubSpotSignature.swift, PublicBaseURL.swift; docs/realtime.md §5): against vectors computed outside Swift, then every way a request can be off.
@Suite struct HubSpotSignatureTests {
    // MARK: - The signature

    static let secret = WebhookSecret("c6a4f3e2-1b7d-4e8a-9f2c-5d3b1a0e7f64")!
    static let base = PublicBaseURL("https://orders.example.com")!
    static let target = "/webhooks/hubspot?portal=62515&kind=contacts"
    /// 2025-12-01T12:00:00Z.
    static let timestamp = "1764590400000"
    static let sentAt = Timestamp(millisecondsSinceEpoch: 1_764_590_400_000)
    static let body = Array(
        #"[{"eventId":1,"subscriptionId":12345,"portalId":62515,"appId":54321,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW"}]"#
            .utf8)
    /// Computed outside Swift, over exactly "POST" + URL + body + timestamp:
    ///   python3: base64.b64encode(hmac.new(secret, b"POST" + url + body + ts, hashlib.sha256).digest())
    ///   openssl: printf %s "POST$url$body$ts" | openssl dgst -sha256 -hmac "$secret" -binary | base64
    /// (both give the same text).
    static let expected = "8J0ey69QYXYzAhj6gncr/RxvU237PbJ2g6iCuUK4FNk="
    /// The same message signed with the secret before a rotation, "old-secret-2f9d" (python3 as above).
    static let expectedWithOldSecret = "gj4PTOfI+diX14hq3OeWbtDlXcR1la3a2oLh0nOgabo="

    private static func check(
        signature: String? = expected, timestamp: String? = timestamp, method: String = "POST",
        target: String = target, base: PublicBaseURL = base, body: [UInt8] = body,
        secrets: [WebhookSecret] = [secret], now: Timestamp = Timestamp(millisecondsSinceEpoch: 1_764_590_401_500)
    ) -> HubSpotSignature.Rejection? {
        HubSpotSignature.check(
            signature: signature, timestamp: timestamp, method: method, requestTarget: target, publicURL: base,
            body: body, secrets: secrets, now: now)
    }

    @Test func theSignatureIsWhatPythonAndOpenSSLCompute() {
        let url = "https://orders.example.com/webhooks/hubspot?portal=62515&kind=contacts"
        #expect(
            HubSpotSignature.sign(
                method: "POST", url: url, body: Self.body, timestamp: Self.timestamp, secret: Self.secret)
                == Self.expected)
        #expect(Self.check() == nil)
    }

    @Test func anyOfSeveralSecretsVerifiesDuringARotation() {
        let old = WebhookSecret("old-secret-2f9d")!
        #expect(Self.check(signature: Self.expectedWithOldSecret, secrets: [Self.secret, old]) == nil)
        #expect(Self.check(signature: Self.expected, secrets: [old, Self.secret]) == nil)
        #expect(Self.check(signature: Self.expectedWithOldSecret, secrets: [Self.secret]) == .mismatch)
        #expect(Self.check(secrets: []) == .mismatch, "no secret configured: nothing verifies")
    }

    @Test func everyPartOfTheMessageIsSigned() {
        #expect(Self.check(secrets: [WebhookSecret("c6a4f3e2-1b7d-4e8a-9f2c-5d3b1a0e7f65")!]) == .mismatch)
        for method in ["PUT", "post", "GET", ""] {
            #expect(Self.check(method: method) == .mismatch, "\(method)")
        }
        for target in [
            "/webhooks/hubspot?kind=contacts&portal=62515",  // the query in another order
            "/webhooks/hubspot?portal=62515", "/webhooks/hubspot", "/webhooks/hubspot/?portal=62515&kind=contacts",
            "/Webhooks/hubspot?portal=62515&kind=contacts", "/webhooks/hubspot?portal=62515&kind=contacts&",
            "/webhooks/hubspot?portal=62515%26kind=contacts",
        ] {
            #expect(Self.check(target: target) == .mismatch, "\(target)")
        }
        for base in [
            "http://orders.example.com", "https://orders.example.com:443", "https://10.0.0.7:8080",
            "https://orders.example.com/prefix",
        ] {
            #expect(Self.check(base: PublicBaseURL(base)!) == .mismatch, "\(base)")
        }
        var tampered = Self.body
        tampered[tampered.count - 3] = UInt8(ascii: "E")  // "NEW" → "NEE"
        #expect(Self.check(body: tampered) == .mismatch)
        #expect(Self.check(body: Self.body + [0x0A]) == .mismatch)
        #expect(Self.check(body: Array(Self.body.dropLast())) == .mismatch)
        #expect(Self.check(body: []) == .mismatch)
        // The timestamp is signed as sent: a millisecond off, or the same instant spelled otherwise, fails.
        #expect(Self.check(timestamp: "1764590400001") == .mismatch)
        #expect(Self.check(timestamp: "01764590400000") == .mismatch)
    }

    @Test func theTimestampMustBeWithinFiveMinutesEitherWay() {
        let sent = Self.sentAt.millisecondsSinceEpoch
        func at(_ offset: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: sent + offset) }
        #expect(Self.check(now: at(0)) == nil)
        #expect(Self.check(now: at(300_000)) == nil, "exactly five minutes old is still taken, as HubSpot's SDKs do")
        #expect(Self.check(now: at(300_001)) == .expired(ageMilliseconds: 300_001))
        #expect(Self.check(now: at(86_400_000)) == .expired(ageMilliseconds: 86_400_000))
        #expect(Self.check(now: at(-300_000)) == nil, "five minutes of clock skew ahead is taken")
        #expect(Self.check(now: at(-300_001)) == .fromTheFuture(aheadMilliseconds: 300_001))
        // A timestamp in seconds (not milliseconds) is 1970 to this reading: far too old.
        #expect(Self.check(timestamp: "1764590400").map { if case .expired = $0 { true } else { false } } == true)
        #expect(
            Self.check(timestamp: "999999999999999").map { if case .fromTheFuture = $0 { true } else { false } } == true
        )
    }

    @Test func missingAndGarbageTimestampsAreRefusedBeforeAnyHMAC() {
        #expect(Self.check(timestamp: nil) == .missingTimestamp)
        #expect(Self.check(timestamp: "") == .missingTimestamp)
        for garbage in [
            "abc", "-1764590400000", "+1764590400000", " 1764590400000", "1764590400000 ", "1764590400000\0",
            "1.7645904e12", "1764590400000.0", "0x19ad8a6c400", "9999999999999999", "１７６４５９０４０００００",
            "١٧٦٤٥٩٠٤٠٠٠٠٠", String(repeating: "9", count: 10_000), "2025-12-01T12:00:00Z",
        ] {
            #expect(Self.check(timestamp: garbage) == .malformedTimestamp, "\(garbage.prefix(20))")
        }
    }

    @Test func garbageSignaturesAreRefusedAsMalformed() {
        #expect(Self.check(signature: nil) == .missingSignature)
        #expect(Self.check(signature: "") == .missingSignature)
        let hexDigest = "f09d1ecbaf5061763302" + String(repeating: "0", count: 44)
        for garbage in [
            "!!!", String(Self.expected.dropLast()), Self.expected + "=", " " + Self.expected, Self.expected + " ",
            "v3=" + Self.expected, hexDigest, Base64.encode([UInt8](repeating: 7, count: 31)),
            Base64.encode([UInt8](repeating: 7, count: 33)), String(repeating: "A", count: 44),
            String(Self.expected.map { $0 == "/" ? "_" : $0 }), String(repeating: "=", count: 44),
            "8J0ey69QYXYzAhj6gncr/RxvU237PbJ2g6iCuUK4FNl=",  // unused bits set: another spelling of the same bytes
        ] {
            #expect(Self.check(signature: garbage) == .malformedSignature, "\(garbage)")
        }
        // Well-formed but wrong.
        #expect(Self.check(signature: Base64.encode([UInt8](repeating: 0, count: 32))) == .mismatch)
        #expect(Self.check(signature: Self.expected.lowercased()) == .mismatch)
    }

    /// HubSpot's v3 page asks to decode some escapes before signing; its Node SDK does not. Both
    /// spellings verify (the vector signs `…?at=12:00` while the request arrives as `…?at=12%3A00`).
    @Test func escapesHubSpotDecodesAreTriedDecodedToo() {
        let decodedSignature = "3WkVezKejTSEmG8E+eaCD/T5kTPdgIGZrLPu5bFEaLw="
        #expect(Self.check(signature: decodedSignature, target: "/webhooks/hubspot?at=12%3A00") == nil)
        #expect(Self.check(signature: decodedSignature, target: "/webhooks/hubspot?at=12%3a00") == nil)
        #expect(Self.check(signature: decodedSignature, target: "/webhooks/hubspot?at=12:00") == nil)
        #expect(Self.check(signature: decodedSignature, target: "/webhooks/hubspot?at=12%3B00") == .mismatch)
        let asSent = HubSpotSignature.sign(
            method: "POST", url: "https://orders.example.com/webhooks/hubspot?at=12%3A00", body: Self.body,
            timestamp: Self.timestamp, secret: Self.secret)
        #expect(Self.check(signature: asSent, target: "/webhooks/hubspot?at=12%3A00") == nil)
    }

    @Test func thePublicBaseURLIsStrictAndTheTargetMustBeAPath() throws {
        #expect(PublicBaseURL("https://orders.example.com/")?.text == "https://orders.example.com")
        #expect(PublicBaseURL("http://127.0.0.1:8080")?.text == "http://127.0.0.1:8080")
        #expect(PublicBaseURL("https://example.com/ordersync")?.text == "https://example.com/ordersync")
        #expect(PublicBaseURL("HTTPS://Orders.Example.com")?.text == "HTTPS://Orders.Example.com", "kept as spelled")
        for bad in [
            "", "/", "orders.example.com", "ftp://orders.example.com", "https://", "https:///x", "https://a b.com",
            "https://a.example/?q=1", "https://a.example/#f", "https://user:pw@a.example", "https://a.example//x",
            "https://bücher.example", "https://a.example\n", "https:\\\\a.example",
            "https://" + String(repeating: "a", count: 3_000),
        ] {
            #expect(PublicBaseURL(bad) == nil, "\(bad.prefix(40))")
        }
        let base = try #require(PublicBaseURL("https://orders.example.com/"))
        #expect(base.url(requestTarget: "/webhooks/hubspot?a=1") == "https://orders.example.com/webhooks/hubspot?a=1")
        for target in [
            "", "webhooks/hubspot", "https://evil.example/webhooks/hubspot", "*", "/a b", "/a#b", "/ä", "/\0",
            "/" + String(repeating: "a", count: 9_000),
        ] {
            #expect(base.url(requestTarget: target) == nil, "\(target.prefix(40))")
            #expect(Self.check(target: target) == .unusableRequestTarget)
        }
    }

    @Test func verifyAnswers401SayingWhichCheckFailedAndNothingSecret() {
        let headers = ["x-hubspot-signature-v3": Self.expected, "x-hubspot-request-timestamp": Self.timestamp]
        func verify(_ headers: [String: String], now: Timestamp = Self.sentAtPlusOne) -> WebhookError? {
            do {
                try HubSpotSignature.verify(
                    headers: { headers[$0] }, method: "POST", requestTarget: Self.target, publicURL: Self.base,
                    body: Self.body, secrets: [Self.secret], now: now)
                return nil
            } catch {
                return error
            }
        }
        #expect(verify(headers) == nil)
        var wrong = headers
        wrong["x-hubspot-signature-v3"] = Self.expectedWithOldSecret
        let mismatch = verify(wrong)
        #expect(mismatch?.status == 401)
        #expect(mismatch?.detail.contains("does not match") == true)
        let stale = verify(headers, now: Timestamp(millisecondsSinceEpoch: 1_764_591_000_000))
        #expect(stale?.status == 401 && stale?.detail.contains("600 s old") == true, "\(stale?.detail ?? "")")
        #expect(verify([:])?.detail.contains("X-HubSpot-Signature-v3 header is missing") == true)
        for error in [mismatch, stale, verify([:])] {
            let detail = error?.detail ?? ""
            #expect(!detail.contains("c6a4f3e2") && !detail.contains(Self.expected) && !detail.contains("gj4P"))
        }
    }

    static let sentAtPlusOne = Timestamp(millisecondsSinceEpoch: 1_764_590_401_000)

    @Test func anUnsignedBodyIsNeverRead() {
        let garbage: [UInt8] = [0xFF, 0x00, 0x7B]
        let headers = ["x-hubspot-request-timestamp": Self.timestamp]
        #expect(throws: WebhookError.self) {
            try HubSpotWebhook.receive(
                method: "POST", requestTarget: Self.target, body: garbage, headers: { headers[$0] },
                publicURL: Self.base, secrets: [Self.secret], now: Self.sentAtPlusOne)
        }
        do {
            _ = try HubSpotWebhook.receive(
                method: "POST", requestTarget: Self.target, body: garbage, headers: { headers[$0] },
                publicURL: Self.base, secrets: [Self.secret], now: Self.sentAtPlusOne)
        } catch {
            #expect(error.status == 401, "the signature is checked before the body: \(error.detail)")
        }
        let signed = ["x-hubspot-signature-v3": Self.expected, "x-hubspot-request-timestamp": Self.timestamp]
        let batch = try? HubSpotWebhook.receive(
            method: "POST", requestTarget: Self.target, body: Self.body, headers: { signed[$0] },
            publicURL: Self.base, secrets: [Self.secret], now: Self.sentAtPlusOne)
        #expect(batch?.events.map(\.key) == ["hubspot|62515|12345|1|1564113600000"])
    }
}
