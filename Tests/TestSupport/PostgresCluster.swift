import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away PostgreSQL server for tests: `initdb` into a temporary folder, `pg_ctl start` on a
/// free port of 127.0.0.1 and a socket folder of its own, stopped (`pg_ctl stop -m immediate`) and
/// deleted when the test process exits. As root it runs as the `postgres` user (initdb and postgres
/// refuse root) through `runuser`. A watchdog shell stops it too if the test process dies without
/// running its exit handlers.
///
/// `shared()` is one lazily started cluster per test process (fsync off), for tests that each take a
/// database of their own (`makeDatabase()`), so they run in parallel. Tests that stop or restart the
/// server, or need fsync on, start a private one (`start(fsync:)`).
///
/// With `ORDERSYNC_TEST_POSTGRES_URL` set, `shared()` uses that server instead (it needs a role that may
/// CREATE DATABASE and CREATE ROLE, and psql on PATH); `restart()` and `stop()` are then refused.
///
/// `@unchecked Sendable`: the one mutable state, `running`, is a Mutex; the rest is set once.
package final class PostgresCluster: @unchecked Sendable {
    /// Everything a test needs to reach the server.
    package let host = "127.0.0.1"
    package let port: Int
    /// The unix socket folder (nil for an external server).
    package let socketDirectory: String?
    /// A role that logs in with a password over TCP (scram-sha-256), for tests of password handling.
    package let passwordUser = "ordersync_pw"
    package let password: String
    package let fsync: Bool

    private let external: String?
    private let root: String?
    private let binaries: String?
    private let running = Mutex(false)
    private static let counter = Atomic<Int>(0)

    private init(external: String?, root: String?, binaries: String?, port: Int, socketDirectory: String?, fsync: Bool)
    {
        self.external = external
        self.root = root
        self.binaries = binaries
        self.port = port
        self.socketDirectory = socketDirectory
        self.fsync = fsync
        var generator = SystemRandomNumberGenerator()
        self.password = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }
            .joined()
    }

    // MARK: - Starting

    private static let sharedCluster: Result<PostgresCluster, Failure> = {
        do {
            if let url = ProcessInfo.processInfo.environment["ORDERSYNC_TEST_POSTGRES_URL"], !url.isEmpty {
                return .success(try external(url))
            }
            return .success(try start(fsync: false))
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure("\(error)"))
        }
    }()

    /// The cluster all tests of this process share, started on first use.
    package static func shared() throws -> PostgresCluster { try sharedCluster.get() }

    /// A private cluster: its own folder and port, fsync as asked (on for durability tests).
    package static func start(fsync: Bool = false) throws -> PostgresCluster {
        let binaries = try findBinaries()
        let root = try makeRoot()
        let cluster = PostgresCluster(
            external: nil, root: root, binaries: binaries, port: try freePort(), socketDirectory: root + "/socket",
            fsync: fsync)
        Registry.add(cluster)
        do {
            try cluster.initialize()
            try cluster.startServer()
            try cluster.psql("CREATE ROLE \(cluster.passwordUser) LOGIN PASSWORD '\(cluster.password)'")
        } catch {
            cluster.remove()
            throw error
        }
        return cluster
    }

    private static func external(_ url: String) throws -> PostgresCluster {
        guard let components = URLComponents(string: url), components.host != nil else {
            throw Failure("ORDERSYNC_TEST_POSTGRES_URL is not a postgres:// URL")
        }
        let cluster = PostgresCluster(
            external: url, root: nil, binaries: nil, port: components.port ?? 5432, socketDirectory: nil, fsync: true)
        try cluster.psql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\(cluster.passwordUser)') THEN "
                + "CREATE ROLE \(cluster.passwordUser) LOGIN; END IF; END $$;"
                + "ALTER ROLE \(cluster.passwordUser) PASSWORD '\(cluster.password)'")
        return cluster
    }

    // MARK: - Databases and URLs

    /// Creates an empty database with a name no other test uses and returns its URL (user postgres,
    /// over TCP, no password).
    package func makeDatabase() throws -> String {
        let name = "test_\(getpid())_\(Self.counter.add(1, ordering: .relaxed).newValue)"
        try psql("CREATE DATABASE \(name)")
        return url(database: name)
    }

    /// `postgresql://postgres@127.0.0.1:PORT/DATABASE` (for an external server: its URL, other database).
    package func url(database: String) -> String {
        if let external, var components = URLComponents(string: external) {
            components.path = "/" + database
            return components.string ?? external
        }
        return "postgresql://postgres@\(host):\(port)/\(database)"
    }

    /// The same server as a key=value connection string.
    package func conninfo(database: String) -> String {
        "host=\(host) port=\(port) dbname=\(database) user=postgres"
    }

    /// A URL that logs in as `passwordUser` with `password` (the right one unless told otherwise).
    package func passwordURL(database: String, password: String? = nil) -> String {
        let host = external.flatMap { URLComponents(string: $0)?.host } ?? self.host
        return "postgresql://\(passwordUser):\(password ?? self.password)@\(host):\(port)/\(database)"
    }

    // MARK: - Faults

    /// How `stop` ends the server (pg_ctl's shutdown modes).
    package enum StopMode: String, Sendable {
        /// Disconnects the clients, then a clean shutdown with a checkpoint.
        case fast
        /// Kills every server process at once: like a crash, recovery runs at the next start.
        case immediate
    }

    /// Stops the server (when it runs) and starts it again on the same port and folders; the clients'
    /// connections break.
    package func restart(mode: StopMode = .fast) throws {
        guard external == nil else { throw Self.externalRefusal }
        if running.withLock({ $0 }) { try stop(mode: mode) }
        try startServer()
    }

    /// Stops the server (it stays stopped until `restart()`).
    package func stop(mode: StopMode = .fast) throws {
        guard external == nil, let root, let binaries else { throw Self.externalRefusal }
        try Self.run(
            binaries + "/pg_ctl", ["stop", "-D", root + "/data", "-m", mode.rawValue, "-w", "-t", "60"],
            asPostgres: true, timeout: 90, what: "pg_ctl stop")
        running.withLock { $0 = false }
    }

    private static let externalRefusal = Failure(
        "the tests cannot stop or restart an external server (ORDERSYNC_TEST_POSTGRES_URL)")

    /// The last lines of the server's log.
    package func logTail(lines: Int = 30) -> String {
        guard let root, let text = try? String(contentsOfFile: root + "/server.log", encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Runs SQL through psql as the superuser and returns its unaligned output.
    @discardableResult
    package func psql(_ sql: String, database: String = "postgres") throws -> String {
        let client = try binaries.map { $0 + "/psql" } ?? Self.which("psql")
        var arguments = ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql]
        if external != nil {
            arguments += ["-d", url(database: database)]
        } else {
            arguments += ["-h", socketDirectory ?? host, "-p", String(port), "-U", "postgres", "-d", database]
        }
        return try Self.run(client, arguments, asPostgres: false, timeout: 120, what: "psql")
    }

    // MARK: - Life cycle

    private func initialize() throws {
        guard let root, let binaries else { return }
        try Self.run(
            binaries + "/initdb",
            ["-D", root + "/data", "-U", "postgres", "--auth=trust", "--locale=C", "--encoding=UTF8", "--no-sync"],
            asPostgres: true, timeout: 300, what: "initdb")
        // The socket trusts everyone; over TCP, postgres needs no password and every other role gives
        // its own (first matching line wins: https://www.postgresql.org/docs/15/auth-pg-hba-conf.html).
        try write(
            """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all all 127.0.0.1/32 scram-sha-256
            """, to: root + "/data/pg_hba.conf")
        var settings = """

            # ordersync tests (Tests/TestSupport/PostgresCluster.swift)
            listen_addresses = '127.0.0.1'
            port = \(port)
            unix_socket_directories = '\(socketDirectory ?? "")'
            max_connections = 100
            shared_buffers = 32MB
            password_encryption = 'scram-sha-256'

            """
        // Without fsync a crash of the machine can lose or corrupt the cluster: only for tests that do
        // not test durability (https://www.postgresql.org/docs/15/runtime-config-wal.html#GUC-FSYNC).
        if !fsync { settings += "fsync = off\nfull_page_writes = off\n" }
        let configuration = root + "/data/postgresql.conf"
        try write((try String(contentsOfFile: configuration, encoding: .utf8)) + settings, to: configuration)
    }

    private func startServer() throws {
        guard let root, let binaries else { return }
        do {
            try Self.run(
                binaries + "/pg_ctl", ["start", "-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60"],
                asPostgres: true, timeout: 90, what: "pg_ctl start")
        } catch {
            throw Failure("\(error)\nserver log (\(root)/server.log), last lines:\n\(logTail())")
        }
        running.withLock { $0 = true }
    }

    /// Stops the server at once (immediate mode) and deletes its folder: for a private cluster when its
    /// test ends (the exit handler does it for all that remain).
    package func remove() {
        guard let root, let binaries else { return }
        if running.withLock({ $0 }) || FileManager.default.fileExists(atPath: root + "/data/postmaster.pid") {
            _ = try? Self.run(
                binaries + "/pg_ctl", ["stop", "-D", root + "/data", "-m", "immediate", "-w", "-t", "30"],
                asPostgres: true, timeout: 60, what: "pg_ctl stop")
            running.withLock { $0 = false }
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    private func write(_ text: String, to path: String) throws {
        // Written in place (not atomically), so the file keeps its owner, the postgres user.
        guard let handle = FileHandle(forWritingAtPath: path) else { throw Failure("cannot write \(path)") }
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: Data(text.utf8))
    }

    // MARK: - Processes and the machine

    /// Clusters that must stop when the process exits.
    private enum Registry {
        static let clusters = Mutex<[PostgresCluster]>([])
        static let installed = Mutex(false)

        static func add(_ cluster: PostgresCluster) {
            clusters.withLock { $0.append(cluster) }
            let first = installed.withLock { installed in
                defer { installed = true }
                return !installed
            }
            if first { atexit { Registry.stopAll() } }
            cluster.startWatchdog()
        }

        static func stopAll() {
            for cluster in clusters.withLock({ $0 }) { cluster.remove() }
        }
    }

    /// A shell that waits for this process to end, then stops the server and deletes the folder: the
    /// exit handler does not run when the test process crashes or is killed.
    private func startWatchdog() {
        guard let root, let binaries else { return }
        let stop = Self.isRoot ? "\(Self.runuser) -u postgres -- " : ""
        let script = """
            while [ -d /proc/\(getpid()) ]; do sleep 1; done
            \(stop)'\(binaries)/pg_ctl' stop -D '\(root)/data' -m immediate -w -t 30 >/dev/null 2>&1
            rm -rf '\(root)'
            """
        _ = try? Spawned(["/bin/sh", "-c", script], output: nil)
    }

    private static var isRoot: Bool { geteuid() == 0 }
    private static let runuser =
        ["/usr/sbin/runuser", "/sbin/runuser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        } ?? "runuser"

    /// The folder of initdb, pg_ctl and psql: `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin.
    private static func findBinaries() throws -> String {
        var candidates: [String] = []
        if let pgConfig = try? which("pg_config"),
            let bindir = try? run(pgConfig, ["--bindir"], asPostgres: false, timeout: 30, what: "pg_config")
        {
            candidates.append(bindir.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        candidates += versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "/usr/lib/postgresql/\($0)/bin" }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0 + "/initdb") }) {
            return found
        }
        var message = """
            PostgreSQL server binaries not found (looked for initdb in `pg_config --bindir` and \
            /usr/lib/postgresql/*/bin). Install them: apt-get install postgresql libpq-dev \
            (or set ORDERSYNC_TEST_POSTGRES_URL=postgresql://user@host:port/db to use a running server).
            """
        if ProcessInfo.processInfo.environment["CI"] != nil {
            message += " CI is set: .ci/run installs these packages, so this machine's install is broken."
        }
        throw Failure(message)
    }

    private static func which(_ program: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":")
        where FileManager.default.isExecutableFile(atPath: "\(folder)/\(program)") {
            return "\(folder)/\(program)"
        }
        throw Failure("\(program) not found on PATH")
    }

    /// A fresh folder for one cluster, owned by the user the server runs as.
    private static func makeRoot() throws -> String {
        var template = Array((NSTemporaryDirectory() + "ordersync-pg.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("mkdtemp failed: errno \(errno)") }
        let root = String(cString: made)
        try FileManager.default.createDirectory(atPath: root + "/socket", withIntermediateDirectories: false)
        if isRoot {
            guard let user = getpwnam("postgres") else {
                throw Failure(
                    "running as root, but there is no postgres user to run the server as (apt-get install postgresql creates it)"
                )
            }
            for path in [root, root + "/socket"] { chown(path, user.pointee.pw_uid, user.pointee.pw_gid) }
        }
        chmod(root, 0o700)
        return root
    }

    /// A TCP port nothing listens on now (the kernel's pick for port 0).
    private static func freePort() throws -> Int {
        Int(try HeldPort("127.0.0.1").port)
    }

    /// Runs a program (as the postgres user when asked and root), output to a file, killed after
    /// `timeout` seconds; throws unless it exits 0.
    @discardableResult
    private static func run(
        _ executable: String, _ arguments: [String], asPostgres: Bool, timeout: Double, what: String
    ) throws -> String {
        let command = asPostgres && isRoot ? [runuser, "-u", "postgres", "--", executable] : [executable]
        let outputPath =
            NSTemporaryDirectory() + "ordersync-pg-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let child = try Spawned(command + arguments, output: outputPath)
        let status = child.wait(timeout: timeout)
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard let status else {
            throw Failure("\(what) did not finish within \(Int(timeout)) s and was killed: \(text)")
        }
        guard status == 0 else { throw Failure("\(what) failed (exit status \(status)): \(text)") }
        return text
    }

    package struct Failure: Error, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }
}

/// A child process started with posix_spawn, its output to a file and every other descriptor closed.
/// Not Foundation's Process: it learns that a child ended when a socket the child inherited closes,
/// and the server `pg_ctl start` leaves running inherits that socket too, so pg_ctl would never end.
private struct Spawned {
    let pid: pid_t

    init(_ argv: [String], output: String?) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        Self.closeInheritedDescriptors(&actions)
        // The postgres user may not enter the test's working folder.
        if let addchdir = Self.addchdir { _ = addchdir(&actions, "/") }
        // The server's settings come from its files, not from a developer's PG* variables.
        let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }.map {
            "\($0.key)=\($0.value)"
        }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard rc == 0 else { throw PostgresCluster.Failure("cannot start \(argv[0]): errno \(rc)") }
        self.pid = pid
    }

    // glibc's *_np file actions (2.29, 2.34) are declared only for _GNU_SOURCE, which the Glibc
    // module is not built with: found at run time instead.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Chdir =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let closefrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: CloseFrom.self)
    }
    private static let addchdir = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: Chdir.self)
    }

    /// Descriptors 3 and up are closed in the child; without closefrom, those open now (glibc ignores
    /// a close of a descriptor that is no longer open).
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let closefrom {
            _ = closefrom(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// The exit status, or nil when the child was still running after `timeout` seconds (then it is
    /// killed and reaped).
    func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            let rc = waitpid(pid, &status, WNOHANG)
            if rc == pid { return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F) }
            if rc < 0 && errno != EINTR { return -1 }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        return nil
    }
}
