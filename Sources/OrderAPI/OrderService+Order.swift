import HTTPServer
import OrderCore
import Storage

/// `GET /orders/{order_id}`: one order's latest version and its whole history.
extension OrderService {
    func order(_ request: HTTPRequest) -> HTTPResponse {
        guard let orderID = request.parameters["order_id"] else {
            return Problem(status: 404, detail: "no such order").response
        }
        let found: OrderHistory
        do {
            found = try store.history(of: orderID)
        } catch {
            return storeFailure(StoreError.wrapping(error))
        }
        guard let latest = found.latest else {
            return Problem(status: 404, detail: "no order with this order_id").response
        }
        var writer = JSONWriter(capacity: 1_024)
        writer.raw("{\"order_id\":")
        writer.string(orderID)
        writer.raw(",\"versions\":")
        writer.integer(Int64(found.total))
        writer.raw(",\"latest\":")
        write(latest, into: &writer)
        // At most the newest 1,000 versions; `versions` says how many exist in all.
        writer.raw(",\"history_truncated\":")
        writer.raw(found.total > found.versions.count ? "true" : "false")
        writer.raw(",\"history\":[")
        for (position, version) in found.versions.enumerated() {
            if position > 0 { writer.raw(",") }
            write(version, into: &writer)
        }
        writer.raw("]}")
        return HTTPResponse(status: 200, contentType: "application/json", body: writer.bytes)
    }

    private func write(_ version: OrderVersion, into writer: inout JSONWriter) {
        writer.raw("{\"seq\":")
        writer.integer(version.seq)
        writer.raw(",\"order_date\":")
        writer.string(version.orderDate)
        writer.raw(",\"order_status\":")
        writer.string(version.status)
        writer.raw(",\"order_details\":")
        writer.optionalString(version.details)
        writer.raw(",\"updated_at\":")
        writer.optionalString(version.updatedAt)
        writer.raw(",\"ingested_at\":")
        writer.string(version.ingestedAt)
        writer.raw(",\"source\":")
        writer.string(version.source)
        // The payload is canonical JSON we wrote ourselves; it is embedded as a value, not a string.
        writer.raw(",\"payload\":")
        writer.raw(version.payload)
        writer.raw("}")
    }
}
