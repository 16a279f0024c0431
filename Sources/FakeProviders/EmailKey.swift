import HTTPServer

/// How emails are compared when orders and contacts are merged: surrounding spaces and tabs trimmed,
/// then lower-cased; an empty result counts as no email.
enum EmailKey {
    static func of(_ email: String?) -> String? {
        guard let email else { return nil }
        let trimmed = email.trimmingCharacters(in: " \t")
        return trimmed.isEmpty ? nil : trimmed.lowercased()
    }
}
