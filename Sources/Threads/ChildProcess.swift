#if canImport(Glibc)
    import Glibc
#endif

/// Runs another program and collects its standard output, with POSIX calls (no Foundation):
/// stdin is /dev/null, stderr is shared with ours (its log lines join ours), stdout is read into a
/// bounded buffer. A child that outlives `timeout` is killed.
package enum ChildProcess {
    /// How a child ended.
    package struct Outcome: Sendable {
        /// Its exit status, or nil when a signal ended it.
        package var exitStatus: Int32?
        /// The signal that ended it, if any.
        package var signal: Int32?
        /// What it wrote to stdout (at most `maxOutput` bytes).
        package var output: [UInt8]
        /// True when we killed it for running past the timeout.
        package var timedOut: Bool
    }

    /// Spawns `path` with `arguments` (the environment is inherited), calls `started` with its pid,
    /// and waits for it. Nil when it could not be started.
    package static func run(
        path: String, arguments: [String], timeout: Double, maxOutput: Int = 1 << 20,
        started: (Int32) -> Void = { _ in }
    ) -> Outcome? {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return nil }
        let (readEnd, writeEnd) = (pipeFDs[0], pipeFDs[1])
        // Close-on-exec, so no other child (nor this one, past its dup2) inherits the pipe.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, STDOUT_FILENO)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(writeEnd)
        guard rc == 0 else {
            close(readEnd)
            return nil
        }
        started(pid)
        var outcome = Outcome(exitStatus: nil, signal: nil, output: [], timedOut: false)
        let deadline = Threads.monotonicSeconds() + timeout
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let remaining = deadline - Threads.monotonicSeconds()
            if remaining <= 0 {
                outcome.timedOut = true
                kill(pid, SIGKILL)
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1_000) + 1)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count <= 0 { break }  // end of output: the child closed stdout (it is exiting)
            // Beyond the bound the output is dropped but still drained, so the child never blocks.
            let room = max(0, maxOutput - outcome.output.count)
            outcome.output.append(contentsOf: buffer[0..<min(count, room)])
        }
        close(readEnd)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros that do not import.
        let termination = status & 0x7f
        if termination == 0 {
            outcome.exitStatus = (status >> 8) & 0xff
        } else {
            outcome.signal = termination
        }
        return outcome
    }

    /// Replaces this process with `path` (for `ordersync sync`); returns only when that fails.
    package static func replace(path: String, arguments: [String]) -> Int32 {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let error = errno
        for pointer in argv { free(pointer) }
        return error
    }

    /// The folder of the running executable (`/proc/self/exe`), to find the programs installed beside it.
    package static func executableFolder() -> String? {
        var buffer = [CChar](repeating: 0, count: 4_096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = path.lastIndex(of: "/") else { return nil }
        return String(path[..<slash])
    }
}
