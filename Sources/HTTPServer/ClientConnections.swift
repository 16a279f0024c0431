/// Open connections per client address, for `ServerConfiguration.maxConnectionsPerClient`: a client
/// holding `limit` connections is refused its next one until one of them closes. A limit of 0 counts
/// nothing and refuses nothing. Not thread-safe: the server keeps it under its state lock.
package struct ClientConnections: Sendable {
    package let limit: Int
    private var held: [String: Int] = [:]

    package init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// Takes a connection for `client`; false (and nothing taken) when it already holds `limit`.
    package mutating func take(_ client: String) -> Bool {
        guard limit > 0 else { return true }
        let count = held[client, default: 0]
        guard count < limit else { return false }
        held[client] = count + 1
        return true
    }

    /// Gives back a connection `take` granted.
    package mutating func release(_ client: String) {
        guard limit > 0, let count = held[client] else { return }
        held[client] = count > 1 ? count - 1 : nil
    }

    /// Connections `client` holds now (0 when the cap is off).
    package func count(_ client: String) -> Int { held[client, default: 0] }

    /// Clients holding at least one connection (0 when the cap is off).
    package var clients: Int { held.count }
}

/// Why a connection was refused with a 503 before any request was read.
package enum ConnectionRefusal: String, CaseIterable, Sendable {
    /// `maxConnections` open connections already.
    case maxConnections = "max_connections"
    /// The client's address holds `maxConnectionsPerClient` open connections already.
    case maxConnectionsPerClient = "max_connections_per_client"
}
