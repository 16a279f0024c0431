#if canImport(Glibc)
    import Glibc
#endif

/// The standard `process_*` figures of this process, read from `/proc` at scrape time (Linux; a figure
/// is nil when its file cannot be read). Field positions come from proc(5).
package struct ProcessStatistics: Sendable, Equatable {
    /// When the process started, in seconds since 1970 (`process_start_time_seconds`).
    package var startTimeSeconds: Double?
    /// Resident set size (`process_resident_memory_bytes`).
    package var residentMemoryBytes: Int?
    /// Open file descriptors (`process_open_fds`).
    package var openFileDescriptors: Int?

    /// Figures known by other means (tests); `read()` reads them from `/proc`.
    package init(startTimeSeconds: Double? = nil, residentMemoryBytes: Int? = nil, openFileDescriptors: Int? = nil) {
        self.startTimeSeconds = startTimeSeconds
        self.residentMemoryBytes = residentMemoryBytes
        self.openFileDescriptors = openFileDescriptors
    }

    /// The largest `/proc` file read (`/proc/stat` grows with the CPU count; 1 MiB covers thousands).
    static let maxFileBytes = 1 << 20

    /// Reads the figures now.
    package static func read() -> ProcessStatistics {
        let ticks = Int(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        let bootTime = readFile("/proc/stat").flatMap { bootTimeSeconds(procStat: $0) }
        var statistics =
            readFile("/proc/self/stat").map {
                parse(stat: $0, bootTimeSeconds: bootTime, ticksPerSecond: ticks, pageSize: pageSize)
            } ?? ProcessStatistics()
        statistics.openFileDescriptors = countOpenFileDescriptors()
        return statistics
    }

    /// Start time and resident size from the text of `/proc/self/stat`. The command name (field 2) is
    /// in parentheses and may itself hold spaces and parentheses, so fields are counted from the last
    /// `)`: the next one is field 3 (state), `starttime` is field 22 (clock ticks after boot), `rss`
    /// field 24 (pages).
    package static func parse(stat: String, bootTimeSeconds: Int?, ticksPerSecond: Int, pageSize: Int)
        -> ProcessStatistics
    {
        guard let close = stat.lastIndex(of: ")") else { return ProcessStatistics() }
        let fields = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        func field(_ number: Int) -> Int? {
            let index = number - 3
            return index < fields.count ? Int(fields[index]) : nil
        }
        var statistics = ProcessStatistics()
        if let start = field(22), let bootTimeSeconds, ticksPerSecond > 0 {
            statistics.startTimeSeconds = Double(bootTimeSeconds) + Double(start) / Double(ticksPerSecond)
        }
        if let pages = field(24), pageSize > 0 { statistics.residentMemoryBytes = pages * pageSize }
        return statistics
    }

    /// The `btime` line of `/proc/stat`: boot time in seconds since 1970.
    package static func bootTimeSeconds(procStat: String) -> Int? {
        for line in procStat.split(separator: "\n") where line.hasPrefix("btime ") {
            return line.split(separator: " ").last.flatMap { Int($0) }
        }
        return nil
    }

    /// Entries of `/proc/self/fd`, less the one the directory listing itself holds open.
    static func countOpenFileDescriptors() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        return max(count - 1, 0)
    }

    /// A small `/proc` file as text (their reported size is 0, so read to the end, bounded).
    static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while bytes.count <= maxFileBytes {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return nil
    }
}
