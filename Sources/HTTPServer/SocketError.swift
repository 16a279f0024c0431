/// A failed system call on a socket, with the errno captured right after the call.
package struct SocketError: Error, CustomStringConvertible, Sendable {
    /// The call that failed, e.g. "bind".
    package let call: String
    /// `errno` right after the call.
    package let code: Int32

    package var description: String { "\(call) failed: \(Syscall.describe(errno: code)) (errno \(code))" }
}
