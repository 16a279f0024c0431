internal import CEpoll

#if canImport(Glibc)
    import Glibc
#endif

/// A readiness set (Linux `epoll`), level-triggered for the listener and the drain event and one-shot
/// for connections: a connection's readiness is reported once, then it is disarmed until parked again,
/// so two threads never handle the same connection (the event thread hands it to one worker).
struct Epoll: ~Copyable {
    let fd: Int32

    init() throws(SocketError) {
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw SocketError(call: "epoll_create1", code: errno) }
    }

    deinit { Glibc.close(fd) }

    /// Watches `watched` for input until removed (the listener, the drain event).
    func watch(_ watched: Int32, token: UInt64) throws(SocketError) {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = token
        guard epoll_ctl(fd, EPOLL_CTL_ADD, watched, &event) == 0 else {
            throw SocketError(call: "epoll_ctl(ADD)", code: errno)
        }
    }

    /// Reports `watched` once when it has input (or is closed by the peer), then disarms it. `added`
    /// says whether it is in the set already (armed again) or new.
    func armOnce(_ watched: Int32, token: UInt64, added: Bool) -> Bool {
        var event = epoll_event()
        event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLONESHOT.rawValue
        event.data.u64 = token
        return epoll_ctl(fd, added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, watched, &event) == 0
    }

    /// Takes `watched` out of the set (before its descriptor is handed on or closed).
    func remove(_ watched: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(fd, EPOLL_CTL_DEL, watched, &event)
    }

    /// Waits up to `milliseconds` (-1: forever) and returns the tokens of what is ready.
    func wait(into tokens: inout [UInt64], milliseconds: Int32) {
        tokens.removeAll(keepingCapacity: true)
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        let count = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(fd, buffer.baseAddress, Int32(buffer.count), milliseconds)
        }
        guard count > 0 else { return }
        for index in 0..<Int(count) { tokens.append(events[index].data.u64) }
    }
}
