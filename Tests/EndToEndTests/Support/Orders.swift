import Foundation

/// Order JSON for tests.
enum Orders {
    static func one(
        _ id: String, status: String = "processing", updatedAt: String? = nil, details: String = "Laptop, Mouse"
    ) -> String {
        var fields = [
            "\"order_id\":\"\(id)\"", "\"order_date\":\"2025-08-08T10:00:00Z\"", "\"order_status\":\"\(status)\"",
            "\"order_details\":\"\(details)\"",
        ]
        if let updatedAt { fields.append("\"updated_at\":\"\(updatedAt)\"") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func batch(_ ids: some Sequence<String>, status: String = "processing") -> String {
        "[" + ids.map { one($0, status: status) }.joined(separator: ",") + "]"
    }
}
