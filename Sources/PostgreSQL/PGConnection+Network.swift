internal import CLibPQ

/// What keeps a connection from waiting forever on a dead network: libpq's TCP options
/// (https://www.postgresql.org/docs/15/libpq-connect.html#LIBPQ-PARAMKEYWORDS), given to every
/// connection unless its connection string sets them itself.
///
/// Without them a partition in the middle of a commit leaves the writer thread blocked on TCP for as
/// long as the kernel keeps trying: libpq leaves `SO_KEEPALIVE` on but with the system's timings
/// (Linux: 2 hours idle, then 9 probes 75 s apart), and retransmissions of unacknowledged data go on
/// for about 15 minutes (`net.ipv4.tcp_retries2`).
///
/// - `keepalives=1`, `keepalives_idle=10`, `keepalives_interval=5`, `keepalives_count=3` (seconds,
///   probes): a connection waiting for an answer, its own data acknowledged, sends a keepalive probe
///   after 10 s of silence, then every 5 s, and is dead when 3 go unanswered. An alive server's
///   kernel answers the probes, so a long query is never cut by them.
/// - `tcp_user_timeout=30000` (milliseconds; libpq 12 and later, Debian 12's libpq is 15): data this
///   side sent that stays unacknowledged for 30 s closes the connection (Linux's TCP_USER_TIMEOUT,
///   tcp(7)). On Linux it also takes over from `keepalives_count` once probes go unanswered (the
///   connection ends about 30 s after the server was last heard from), and it ends a connection whose
///   peer stopped reading (a zero window) for that long: Tests/PostgreSQLTests/KeepaliveTests.swift.
///
/// libpq ignores all of them for a unix-domain socket (`host=/cloudsql/…`), which has no TCP.
/// `connect_timeout` (10 s) is `PGConnection.defaultConnectTimeoutSeconds`.
extension PGConnection {
    /// The TCP options given unless the connection string sets them, by libpq keyword, in the order
    /// they are passed.
    package static let networkDefaults: [(keyword: String, value: String)] = [
        ("keepalives", "1"),
        ("keepalives_idle", "10"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ]

    /// The options the connection was made with, as libpq holds them (PQconninfo): the connection
    /// string's, then the defaults given by `init` and libpq's own for what neither set. Options
    /// without a value are absent; `password` and `sslpassword` never appear.
    package var options: [String: String] {
        guard let list = PQconninfo(handle) else { return [:] }
        defer { PQconninfoFree(list) }
        var options: [String: String] = [:]
        var option = list
        while let keyword = option.pointee.keyword {
            let name = String(cString: keyword)
            if let value = option.pointee.val, name != "password", name != "sslpassword" {
                options[name] = String(cString: value)
            }
            option += 1
        }
        return options
    }

    /// The connection's socket (PQsocket), -1 when there is none: to inspect its options, never to
    /// read or write on it.
    package var socketDescriptor: Int32 { PQsocket(handle) }
}
