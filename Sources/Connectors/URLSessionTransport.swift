package import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    package import FoundationNetworking
#endif

/// `HTTPTransport` on FoundationNetworking's URLSession (libcurl on Linux): TLS, HTTP/1.1 and 2,
/// connection reuse. Bounded: an idle timeout, a total timeout per request, a response size cap,
/// and redirects refused (so no credential header ever follows a redirect to another host).
package final class URLSessionTransport: NSObject, HTTPTransport, URLSessionDataDelegate, @unchecked Sendable {
    // @unchecked Sendable: `session` is set once in init; per-task state lives in `tasks` behind a Mutex.

    /// Largest response body accepted (a Shopify page of 250 orders is a few MB).
    package let maxResponseBytes: Int
    private var session: URLSession?
    private let tasks = Mutex<[Int: TaskState]>([:])

    private final class TaskState: @unchecked Sendable {
        // @unchecked Sendable: touched only under `tasks`' lock.
        var body: [UInt8] = []
        var overLimit = false
        let continuation: CheckedContinuation<ProviderResponse, any Error>
        init(_ continuation: CheckedContinuation<ProviderResponse, any Error>) { self.continuation = continuation }
    }

    /// `idleTimeout`: seconds without any byte (connecting included) before a request fails.
    package init(idleTimeout: Double = 30, maxResponseBytes: Int = 64 * 1024 * 1024) {
        self.maxResponseBytes = maxResponseBytes
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleTimeout
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }

    package func send(_ request: ProviderRequest, timeout: Double) async throws(TransportError) -> ProviderResponse {
        guard let url = URL(string: request.url), let session else { throw TransportError("invalid URL") }
        var urlRequest = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let task = session.dataTask(with: urlRequest)
                tasks.withLock { $0[task.taskIdentifier] = TaskState(continuation) }
                task.resume()
            }
        } catch let error as TransportError {
            throw error
        } catch {
            throw TransportError(Self.describe(error))
        }
    }

    package func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data
    ) {
        let cancel = tasks.withLock { tasks -> Bool in
            guard let state = tasks[dataTask.taskIdentifier] else { return false }
            if state.body.count + data.count > maxResponseBytes {
                state.overLimit = true
                return true
            }
            state.body.append(contentsOf: data)
            return false
        }
        if cancel { dataTask.cancel() }
    }

    package func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let state = tasks.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        if state.overLimit {
            state.continuation.resume(throwing: TransportError("response larger than \(maxResponseBytes) bytes"))
            return
        }
        if let error {
            state.continuation.resume(throwing: TransportError(Self.describe(error)))
            return
        }
        guard let http = task.response as? HTTPURLResponse else {
            state.continuation.resume(throwing: TransportError("no HTTP response"))
            return
        }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            guard let name = name as? String, let value = value as? String else { continue }
            headers[name.lowercased()] = value
        }
        state.continuation.resume(
            returning: ProviderResponse(status: http.statusCode, headers: headers, body: state.body))
    }

    /// Redirects are refused: the 3xx itself is returned to the caller.
    package func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// The error without the URL (URLSession's messages name it, query string included).
    private static func describe(_ error: any Error) -> String {
        let code = (error as NSError).code
        switch code {
        case NSURLErrorTimedOut: return "timed out"
        case NSURLErrorCannotConnectToHost: return "connection refused"
        case NSURLErrorNetworkConnectionLost: return "connection lost"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "host not found"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted: return "TLS failure"
        case NSURLErrorCancelled: return "cancelled"
        default: return "network error \(code)"
        }
    }

    /// Ends the session (it keeps its delegate, this transport, alive until then).
    package func close() { session?.invalidateAndCancel() }
}
