/// The bytes libFuzzer hands to `LLVMFuzzerTestOneInput`, with a few leading control bytes taken off
/// the front (options such as limits or how to split the rest) and the payload after them.
package struct FuzzInput {
    /// The control bytes, `controlCount` of them.
    package let control: [UInt8]
    /// Everything after the control bytes.
    package let payload: [UInt8]

    /// Nil when the input is shorter than `controlCount` (libFuzzer tries the empty input first).
    package init?(_ data: UnsafePointer<UInt8>?, _ count: Int, controlCount: Int) {
        guard let data, count >= controlCount else { return nil }
        let all = UnsafeBufferPointer(start: data, count: count)
        control = Array(all.prefix(controlCount))
        payload = Array(all.dropFirst(controlCount))
    }
}
