/// Stops the fuzzer with `message` when an invariant does not hold. `fatalError` (unlike
/// `precondition`) prints its message in release builds too, and libFuzzer then saves the input.
package func check(
    _ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    if !condition { fatalError("invariant violated: \(message())", file: file, line: line) }
}

/// A short, printable rendering of bytes for invariant messages.
package func describe(_ bytes: some Collection<UInt8>, limit: Int = 200) -> String {
    var text = ""
    for byte in bytes.prefix(limit) {
        switch byte {
        case 0x0D: text += "\\r"
        case 0x0A: text += "\\n"
        case 0x5C: text += "\\\\"
        case 0x20..<0x7F: text.unicodeScalars.append(Unicode.Scalar(byte))
        default: text += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return bytes.count > limit ? text + "… (\(bytes.count) bytes)" : text
}
