#if canImport(Glibc)
    import Glibc
#endif

/// The memory this process may use: the limit of its cgroup (v2 `memory.max`, v1
/// `memory.limit_in_bytes`) where one is set, else the physical memory. What `REQUEST_MEMORY_MB`
/// defaults from (`RequestMemoryBudget.defaultLimitBytes`).
package enum MemoryLimit {
    /// The smaller of the cgroup limit and the physical memory; nil when neither can be read. `root`
    /// prefixes every path read (tests point it at a tree of fixture files).
    package static func processLimitBytes(root: String = "", physicalBytes: Int? = physicalMemoryBytes()) -> Int? {
        switch (cgroupLimitBytes(root: root), physicalBytes) {
        case (let cgroup?, let physical?): min(cgroup, physical)
        case (let cgroup?, nil): cgroup
        case (nil, let physical): physical
        }
    }

    /// The physical memory (`_SC_PHYS_PAGES` pages).
    package static func physicalMemoryBytes() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        return pages > 0 && size > 0 ? pages * size : nil
    }

    /// The tightest memory limit over the process's cgroup and its ancestors, v2 or v1; nil when none
    /// is set (`max`, v1's "unlimited" value) or no file can be read.
    ///
    /// `/proc/self/cgroup` names the cgroup: `0::/path` (v2), `N:memory:/path` or
    /// `N:cpu,memory:/path` (v1). Inside a container with its own cgroup namespace the path is `/` and
    /// the mount shows the container's own cgroup; without one the path may not exist under the mount,
    /// so the mount's top directory is read as well.
    package static func cgroupLimitBytes(root: String = "") -> Int? {
        var limits: [Int] = []
        var sawV2 = false
        var sawV1 = false
        for line in (readFile(root + "/proc/self/cgroup") ?? "").split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let path = String(fields[2])
            if fields[0] == "0" && fields[1].isEmpty {
                sawV2 = true
                limits += limitsAlong(path, mount: root + "/sys/fs/cgroup", file: "memory.max", parse: parseV2)
            } else if fields[1].split(separator: ",").contains("memory") {
                sawV1 = true
                limits += limitsAlong(
                    path, mount: root + "/sys/fs/cgroup/memory", file: "memory.limit_in_bytes", parse: parseV1)
            }
        }
        if !sawV2 && !sawV1 {
            // No /proc/self/cgroup to go by: the usual places of a container's own limit.
            limits += [readFile(root + "/sys/fs/cgroup/memory.max").flatMap(parseV2)].compactMap { $0 }
            limits += [readFile(root + "/sys/fs/cgroup/memory/memory.limit_in_bytes").flatMap(parseV1)].compactMap { $0 }
        }
        return limits.min()
    }

    /// `memory.max`: a number of bytes, or `max` for none.
    package static func parseV2(_ text: String) -> Int? {
        let value = trimmed(text)
        if value == "max" { return nil }
        return Int(value).flatMap { $0 > 0 ? $0 : nil }
    }

    /// `memory.limit_in_bytes`: a number of bytes; "unlimited" is the largest page counter
    /// (9223372036854771712 on x86-64), so anything from 2^60 on means none.
    package static func parseV1(_ text: String) -> Int? {
        guard let value = Int(trimmed(text)), value > 0, value < 1 << 60 else { return nil }
        return value
    }

    /// The limits set in `file` of the cgroup at `path` under `mount` and of each of its ancestors.
    private static func limitsAlong(_ path: String, mount: String, file: String, parse: (String) -> Int?) -> [Int] {
        var limits: [Int] = []
        var components = path.split(separator: "/").map(String.init)
        while true {
            let directory = ([mount] + components).joined(separator: "/")
            if let text = readFile(directory + "/" + file), let limit = parse(text) { limits.append(limit) }
            if components.isEmpty { break }
            components.removeLast()
        }
        return limits
    }

    private static func trimmed(_ text: String) -> String {
        var value = Substring(text)
        while let first = value.first, first.isWhitespace { value.removeFirst() }
        while let last = value.last, last.isWhitespace { value.removeLast() }
        return String(value)
    }

    /// A small text file (at most 64 KiB), or nil.
    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
