import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What /proc says about a running process: its open descriptors, threads and resident memory.
struct ProcessProbe {
    let pid: Int32

    /// One reading.
    struct Sample: CustomStringConvertible {
        /// Descriptors on the database files (writer and readers: the `.db` and `-wal` files, one `-shm`).
        var databaseFDs = 0
        /// Every other descriptor: sockets, the drain event, pipes, the log, standard streams.
        var otherFDs: [String: Int] = [:]
        var threads = 0
        var residentBytes = 0

        var otherFDCount: Int { otherFDs.values.reduce(0, +) }

        var description: String {
            let kinds = otherFDs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return "database fds \(databaseFDs), other fds \(otherFDCount) (\(kinds)), threads \(threads), "
                + "RSS \(residentBytes / 1024) KiB"
        }
    }

    /// True when `now` holds the same descriptors (other than the database's) as `reference`. Under a
    /// sanitizer, two more pipes may have appeared once: the first report TSan symbolizes (suppressed ones
    /// too: .ci/tsan-suppressions.txt matches symbolized frames) starts its symbolizer, whose two pipes
    /// the process then keeps open (CI at f21b6f2: pipes 3 → 5, then no more). A leak adds other kinds,
    /// or other numbers of pipes.
    static func sameDescriptors(_ now: Sample, as reference: Sample) -> Bool {
        let symbolizerPipes = ProcessInfo.processInfo.environment["ORDERSYNC_SANITIZER"] != nil ? 2 : 0
        var (expected, seen) = (reference.otherFDs, now.otherFDs)
        let extraPipes = seen["pipe", default: 0] - expected["pipe", default: 0]
        guard extraPipes == 0 || extraPipes == symbolizerPipes else { return false }
        (expected["pipe"], seen["pipe"]) = (nil, nil)
        return seen == expected
    }

    /// Reads /proc/PID now. `databasePath` tells the database's descriptors from the rest.
    func sample(databasePath: String) -> Sample {
        var sample = Sample()
        let directory = "/proc/\(pid)/fd"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + name)
            else { continue }
            if [databasePath, databasePath + "-wal", databasePath + "-shm", databasePath + "-journal"].contains(target)
            {
                sample.databaseFDs += 1
            } else {
                // "socket:[123]" → "socket"; a path is counted as "file".
                let kind = target.hasPrefix("/") ? "file" : String(target.prefix { $0 != ":" && $0 != "[" })
                sample.otherFDs[kind, default: 0] += 1
            }
        }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            if fields[0] == "Threads:" { sample.threads = value }
            if fields[0] == "VmRSS:" { sample.residentBytes = value * 1024 }
        }
        return sample
    }

    /// Resident memory alone (VmRSS of /proc/PID/status): cheap enough to sample every few milliseconds.
    func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.count >= 2, let value = Int(fields[1]) { return value * 1024 }
        }
        return 0
    }

    /// Samples every 200 ms until `done` holds or `timeoutSeconds` pass; returns the last sample.
    func poll(databasePath: String, timeoutSeconds: Double, until done: (Sample) -> Bool) -> Sample {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var current = sample(databasePath: databasePath)
        while !done(current) && Date() < deadline {
            usleep(200_000)
            current = sample(databasePath: databasePath)
        }
        return current
    }

    /// Waits until descriptors and threads stay the same for a second (connections finished closing).
    func settled(databasePath: String, timeoutSeconds: Double = 30) -> Sample {
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var previous = sample(databasePath: databasePath)
        var stableSince = Date()
        while Date() < deadline {
            usleep(200_000)
            let current = sample(databasePath: databasePath)
            if current.databaseFDs != previous.databaseFDs || current.otherFDs != previous.otherFDs
                || current.threads != previous.threads
            {
                stableSince = Date()
            } else if Date().timeIntervalSince(stableSince) >= 1 {
                return current
            }
            previous = current
        }
        return previous
    }
}
