#if canImport(Glibc)
    import Glibc
#endif

/// Secrets from the environment: `NAME`, or the file named by `NAME_FILE` (how Cloud Run mounts
/// Secret Manager secrets). Read with POSIX calls so the server links no Foundation for it.
package enum Secrets {
    /// Why a secret could not be read; the message names the variable, never the value.
    package struct Invalid: Error, CustomStringConvertible {
        package let description: String
    }

    /// Secret files are small; anything longer is a mistake (a wrong path), not a secret.
    static let maxFileBytes = 64 * 1024

    /// The secret, or nil when neither `NAME` nor `NAME_FILE` is set. Both set is refused: which one
    /// wins would be a guess.
    package static func value(_ name: String, in environment: [String: String]) throws(Invalid) -> String? {
        let direct = environment[name].flatMap { $0.isEmpty ? nil : $0 }
        guard let file = environment["\(name)_FILE"], !file.isEmpty else { return direct }
        guard direct == nil else { throw Invalid(description: "set \(name) or \(name)_FILE, not both") }
        guard let bytes = read(file) else {
            throw Invalid(description: "\(name)_FILE names a file that cannot be read")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Invalid(description: "\(name)_FILE names a file that is not UTF-8 text")
        }
        // Secret files often end with a newline; a secret itself never has surrounding white space.
        var scalars = Substring(text).unicodeScalars.drop { $0.properties.isWhitespace }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        guard !scalars.isEmpty else { throw Invalid(description: "\(name)_FILE names an empty file") }
        return String(String.UnicodeScalarView(scalars))
    }

    private static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            guard bytes.count <= maxFileBytes else { return nil }
        }
    }
}
