/// The `Link` response header (RFC 8288) as Shopify sends it for cursor pages:
/// `<https://shop/admin/api/2024-10/orders.json?limit=250&page_info=abc>; rel="next", <…>; rel="previous"`.
package enum LinkHeader {
    /// The target of the link whose `rel` is `relation`, or nil when there is none.
    package static func target(_ header: String, relation: String) -> String? {
        var rest = Substring(header)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { return nil }
            let target = rest[rest.index(after: open)..<close]
            // Parameters run up to the next link (a comma outside <…>; targets are URLs without "<").
            let afterTarget = rest[rest.index(after: close)...]
            let parametersEnd = afterTarget.firstIndex(of: "<") ?? afterTarget.endIndex
            let parameters = afterTarget[..<parametersEnd]
            for parameter in parameters.split(separator: ";") {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmed().lowercased() == "rel" else { continue }
                // rel may carry several space-separated relation types (RFC 8288 §3.3).
                let values = pair[1].trimmed().trimmingQuotes().split(separator: " ").map { $0.lowercased() }
                if values.contains(relation.lowercased()) { return String(target) }
            }
            rest = afterTarget[parametersEnd...]
        }
        return nil
    }
}

extension Substring {
    /// Without surrounding spaces, tabs and commas (the separators of header lists).
    func trimmed() -> Substring {
        let separators: Set<Character> = [" ", "\t", ","]
        var text = self
        while let first = text.first, separators.contains(first) { text = text.dropFirst() }
        while let last = text.last, separators.contains(last) { text = text.dropLast() }
        return text
    }

    /// Without one pair of surrounding double quotes.
    func trimmingQuotes() -> Substring {
        if count >= 2 && first == "\"" && last == "\"" { return dropFirst().dropLast() }
        return self
    }
}
