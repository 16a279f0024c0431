import Gzip
import HTTPServer

/// Compresses response bodies with gzip when the client accepts it (RFC 9110 §8.4).
enum GzipResponse {
    /// Every answer of a compressible type says `Vary: Accept-Encoding`, compressed or not: the choice
    /// depends on that field, and a shared cache that stored the identity answer without it could
    /// hand it on as if no other existed, or the gzip one to a client that did not ask for it
    /// (RFC 9110 §12.5.5, docs/contract.md §3 Caching).
    static func compress(_ response: HTTPResponse, for head: HTTPRequestHead, minimumBytes: Int) -> HTTPResponse {
        guard response.headers["content-encoding"] == nil,
            ContentNegotiation.isCompressible(response.headers["content-type"])
        else { return response }
        var response = response
        response.headers.addVary("Accept-Encoding")
        guard ContentNegotiation.acceptsGzip(head) else { return response }
        var compressed = response
        switch response.body {
        case .bytes(let bytes):
            guard bytes.count >= minimumBytes, let gzipped = try? Deflater.gzip(bytes) else { return response }
            compressed.body = .bytes(gzipped)
        case .stream(let produce):
            compressed.body = .stream { sink in
                let gzip = try GzipSink(wrapping: sink)
                try produce(gzip)
                try gzip.finish()
            }
        }
        compressed.headers.set("Content-Encoding", "gzip")
        return compressed
    }
}

/// A body sink that gzips what it is given into another sink.
final class GzipSink: BodySink {
    private let target: BodySink
    private let deflater: Deflater

    init(wrapping target: BodySink) throws {
        self.target = target
        self.deflater = try Deflater()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try deflater.compress(bytes) { try target.write($0) }
    }

    func finish() throws {
        try deflater.finish { try target.write($0) }
    }
}
