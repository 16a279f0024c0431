import HTTPServer
import OrderCore
import Storage
import Threads
import Webhooks

/// `POST /webhooks/shopify`, `POST /webhooks/woocommerce` and `POST /cdc/debezium` (docs/realtime.md §4):
/// verify, decode, then store the event and what it produced in one transaction; answer once it is
/// durable. A redelivery answers 200 and stores nothing.
extension OrderService {
    /// Largest webhook or change-event body taken: a Shopify order with hundreds of line items stays far
    /// below it; anything larger is refused (413) before it is read.
    static let maxEventBodyBytes = 2 * 1024 * 1024

    /// Refuses before the body is read: too large, or not JSON (WooCommerce's creation ping is a form).
    func eventPreflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        if let length = head.headers["content-length"].flatMap({ Int($0) }), length > OrderService.maxEventBodyBytes {
            return Problem(status: 413, detail: "an event body may be at most \(OrderService.maxEventBodyBytes) bytes")
                .response
        }
        if ContentNegotiation.requestCoding(head) != nil {
            return Problem(status: 415, detail: "event bodies are taken as sent, without Content-Encoding").response
        }
        let type = head.headers["content-type"].map { ContentNegotiation.mediaType($0) } ?? ""
        let form = head.path == "/webhooks/woocommerce" && type == "application/x-www-form-urlencoded"
        guard type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json")) || form else {
            return Problem(status: 415, detail: "the body must be application/json").response
        }
        return nil
    }

    /// A chunked body has no declared length for the preflight: its size is checked once read.
    func oversized(_ request: HTTPRequest) -> HTTPResponse? {
        if let refusal = eventPreflight(request.head) { return refusal }
        guard request.body.count > OrderService.maxEventBodyBytes else { return nil }
        return Problem(status: 413, detail: "an event body may be at most \(OrderService.maxEventBodyBytes) bytes")
            .response
    }

    func shopifyWebhook(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = oversized(request) { return refusal }
        guard let secret = configuration.events.shopifySecret else {
            return notConfigured("SHOPIFY_WEBHOOK_SECRET")
        }
        let now = OrderService.now()
        do throws(WebhookError) {
            let event = try SourceEvents.shopify(
                body: request.body, headers: OrderService.singleHeader(request), secret: secret, now: now)
            return store(event)
        } catch {
            return refused(error, source: "shopify")
        }
    }

    func wooCommerceWebhook(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = oversized(request) { return refusal }
        guard let secret = configuration.events.wooCommerceSecret else {
            return notConfigured("WOOCOMMERCE_WEBHOOK_SECRET")
        }
        let now = OrderService.now()
        do throws(WebhookError) {
            guard
                let event = try SourceEvents.wooCommerce(
                    body: request.body, headers: OrderService.singleHeader(request), secret: secret, now: now)
            else {
                return OrderService.json(200, "{\"status\":\"ignored\",\"detail\":\"the webhook's creation ping\"}")
            }
            return store(event)
        } catch {
            return refused(error, source: "woocommerce")
        }
    }

    func debeziumEvent(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = oversized(request) { return refusal }
        let now = OrderService.now()
        do throws(WebhookError) {
            switch try SourceEvents.debezium(body: request.body, mapping: configuration.events.cdcMapping, now: now) {
            case .ignored(let reason, let change):
                eventMetrics.countOperation(change?.operation.rawValue ?? "tombstone")
                eventMetrics.count("debezium", EventOutcome.ignored.rawValue)
                return OrderService.outcome(.ignored, detail: reason, result: IngestResult())
            case .event(let event, let change):
                eventMetrics.countOperation(change.operation.rawValue)
                return store(event)
            }
        } catch {
            return refused(error, source: "debezium")
        }
    }

    private func store(_ event: SourceEvent) -> HTTPResponse {
        let result: IngestResult
        do {
            result = try store.record(event)
        } catch {
            eventMetrics.count(event.source, "failed")
            return storeFailure(error)
        }
        let outcome = result.event ?? .applied
        eventMetrics.count(event.source, outcome.rawValue)
        if outcome != .duplicate { eventMetrics.observeLag(event.source, eventTime: event.eventTime, now: OrderService.now()) }
        return OrderService.outcome(outcome, detail: nil, result: result)
    }

    func refused(_ error: WebhookError, source: String) -> HTTPResponse {
        eventMetrics.count(source, error.status == 401 ? "rejected_signature" : "refused")
        if error.status == 401 {
            // Counted, never stored, and nothing in the answer helps a forger (docs/realtime.md §4).
            logger.warning("event refused: bad signature", metadata: ["source": .string(source)])
        }
        return Problem(status: error.status, detail: error.detail).response
    }

    /// 503 (the sender retries: Shopify for hours) until the secret is set; nothing can be verified.
    func notConfigured(_ variable: String) -> HTTPResponse {
        Problem(status: 503, detail: "this endpoint is not configured: \(variable) is not set").response
    }

    /// The answer: 200 with what became of the event.
    private static func outcome(_ outcome: EventOutcome, detail: String?, result: IngestResult) -> HTTPResponse {
        var text = "{\"status\":\"\(outcome.rawValue)\",\"inserted\":\(result.inserted),\"unchanged\":\(result.unchanged)"
        if let detail {
            var writer = JSONWriter()
            writer.string(detail)
            text += ",\"detail\":" + String(decoding: writer.bytes, as: UTF8.self)
        }
        return json(200, text + "}")
    }

    /// Header lookup for the webhook decoders: a header sent twice is as good as missing (two
    /// signatures or two event ids: which one counts would be a guess).
    static func singleHeader(_ request: HTTPRequest) -> HeaderLookup {
        let headers = request.headers
        return { name in
            let values = headers.values(name)
            return values.count == 1 ? values[0] : nil
        }
    }

    static func now() -> Timestamp { Timestamp(millisecondsSinceEpoch: Threads.wallClockMilliseconds()) }
}
