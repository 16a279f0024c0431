import Gzip
import HTTPServer
import OrderCore
import Storage

/// `POST /`: read a batch in any of its formats, store it atomically, answer once it is durable
/// (docs/contract.md §3).
extension OrderService {
    /// Refuses before the body is read (and before curl's 100-continue): wrong type or coding.
    func ingestPreflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        let (format, refusal) = ContentNegotiation.ingestFormat(head.headers["content-type"])
        if format == nil { return Problem(status: 415, detail: refusal).response }
        if let coding = ContentNegotiation.requestCoding(head), coding != "gzip" {
            var problem = Problem(status: 415, detail: "Content-Encoding \(coding) is not supported; use gzip or none")
            problem.headers = [("Accept-Encoding", "gzip")]
            return problem.response
        }
        return nil
    }

    /// Every body is read as it arrives: NDJSON and CSV parsed line by line, a JSON body held until it is
    /// whole and then parsed; what is held is charged to `memory` (the request's share of the budget).
    func ingestSink(_ head: HTTPRequestHead, memory: RequestMemory?) -> IngestSink? {
        let gzip = ContentNegotiation.requestCoding(head) == "gzip"
        let gzipLimit = gzip ? configuration.maxBodyBytes : nil
        switch ContentNegotiation.ingestFormat(head.headers["content-type"]).format {
        case .ndjson?: return try? IngestSink(reader: NDJSONBatchReader(), gzipLimit: gzipLimit, memory: memory)
        case .csv?: return try? IngestSink(reader: CSVBatchReader(), gzipLimit: gzipLimit, memory: memory)
        case .json?, nil:
            let declared = head.headers["content-length"].flatMap { Int($0) }
            // A JSON body is held whole before it is parsed: declared larger than the whole budget, it can
            // never be, and is refused before it is read (and before 100-continue invites it).
            if let memory, let declared, memory.budget.canNeverHold(declared) {
                memory.refuse()
                return nil
            }
            let reader = IngestSink.jsonReader(expectedBytes: declared, gzip: gzip, memory: memory)
            return try? IngestSink(reader: reader, gzipLimit: gzipLimit, memory: memory)
        }
    }

    func ingest(_ request: HTTPRequest) -> HTTPResponse {
        if let refusal = ingestPreflight(request.head) { return refusal }
        let decoded: Result<[Order], OrderBatch.Failure>
        do throws(GzipError) {
            if let sink = request.bodySink as? IngestSink {
                decoded = try sink.finish()
                if sink.overBudget { return OrderService.overMemoryBudget() }
            } else {
                switch ContentNegotiation.ingestFormat(request.headers["content-type"]).format {
                case .ndjson?:
                    var reader = NDJSONBatchReader()
                    decoded = try read(request, with: &reader)
                case .csv?:
                    var reader = CSVBatchReader()
                    decoded = try read(request, with: &reader)
                case .json?, nil:
                    decoded = try readJSON(request)
                }
            }
        } catch .tooLarge(let limit) {
            return Problem(status: 413, detail: "the decompressed body is larger than \(limit) bytes").response
        } catch .zlib(let code) {
            // zlib itself failed (out of memory): the server's fault, not the body's.
            return Problem(status: 503, detail: "the body could not be decompressed now (zlib \(code))").response
        } catch {
            return Problem(status: 400, detail: "the gzip body cannot be decompressed").response
        }
        let orders: [Order]
        switch decoded {
        case .success(let decoded):
            orders = decoded
        case .failure(let failure):
            return refusal(failure)
        }
        do {
            let result = try store.ingest(orders, source: "api")
            return OrderService.json(200, "{\"inserted\":\(result.inserted),\"unchanged\":\(result.unchanged)}")
        } catch {
            return storeFailure(error)
        }
    }

    /// A JSON body is parsed whole (after inflating, when gzip): its array is visited element by element.
    private func readJSON(_ request: HTTPRequest) throws(GzipError) -> Result<[Order], OrderBatch.Failure> {
        guard ContentNegotiation.requestCoding(request.head) == "gzip" else { return OrderBatch.decode(request.body) }
        return OrderBatch.decode(try Inflater.gunzip(request.body, limit: configuration.maxBodyBytes))
    }

    /// A line-based body that was buffered (no sink: the handler called directly) is read as it is
    /// inflated, so the decompressed body is never held whole.
    private func read<Reader: StreamingBatchReader>(
        _ request: HTTPRequest, with reader: inout Reader
    ) throws(GzipError) -> Result<[Order], OrderBatch.Failure> {
        if ContentNegotiation.requestCoding(request.head) == "gzip" {
            try Inflater.gunzip(request.body, limit: configuration.maxBodyBytes) { reader.feed($0) }
        } else {
            _ = request.body.withUnsafeBufferPointer { reader.feed($0) }
        }
        return reader.finish()
    }

    /// The answer to a body whose orders would pass the request memory budget: 503 with `Retry-After`,
    /// and the connection closes (docs/contract.md §3, Limits).
    static func overMemoryBudget() -> HTTPResponse {
        var problem = Problem(
            status: 503,
            detail: "the server holds as many request bytes as its memory budget allows; nothing was stored, retry shortly")
        problem.headers = [("Retry-After", "1")]
        var response = problem.response
        response.closeConnection = true
        return response
    }

    /// The answer to a batch that may not be stored.
    private func refusal(_ failure: OrderBatch.Failure) -> HTTPResponse {
        switch failure {
        case .malformed(let syntax):
            var problem = Problem(status: 400, detail: "malformed JSON: \(syntax)", type: Problem.malformedJSONType)
            problem.syntax = syntax
            return problem.response
        case .malformedCSV(let syntax):
            var problem = Problem(status: 400, detail: "malformed CSV: \(syntax)", type: Problem.malformedCSVType)
            problem.syntax = syntax
            return problem.response
        case .tooManyOrders(let limit):
            return Problem(status: 413, detail: "a batch holds at most \(limit) orders; split it into smaller ones")
                .response
        case .invalid(let problems):
            var problem = Problem(
                status: 422, detail: "the batch was not stored: some orders are invalid",
                type: Problem.invalidOrdersType)
            problem.errors = problems
            return problem.response
        }
    }

    /// Maps a store failure to a problem; the cause goes to the log, never to the client.
    func storeFailure(_ error: StoreError) -> HTTPResponse {
        switch error {
        case .storageFull(let failure):
            // The errno tells ENOSPC (the disk), EFBIG (a file-size limit) and EDQUOT (a quota) apart.
            logger.error(
                "database write failed: no space",
                metadata: [
                    "code": .string(failure.code), "errno": .stringConvertible(failure.systemErrno ?? 0),
                    "error": .string(failure.message),
                ])
            return Problem(
                status: error.httpStatus,
                detail: "the server ran out of disk space; the batch may not be stored, and retrying later is safe"
            ).response
        case .unrepresentable:
            return Problem(
                status: error.httpStatus,
                detail:
                    "the batch was not stored: a value holds the NUL character (\\u0000), which this server's database cannot store"
            ).response
        case .busy, .closed:
            var problem = Problem(status: error.httpStatus, detail: "the database is busy or shutting down; retry shortly")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        case .timedOut:
            return Problem(status: error.httpStatus, detail: "the query took too long and was stopped").response
        case .unavailable(let failure):
            logger.error(
                "database unavailable", metadata: ["code": .string(failure.code), "error": .string(failure.message)])
            var problem = Problem(status: error.httpStatus, detail: "the database cannot be reached; nothing was stored, retry shortly")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        case .failed(let failure):
            logger.error("database error", metadata: ["code": .string(failure.code), "error": .string(failure.message)])
            return Problem(status: error.httpStatus, detail: "internal error; the batch may not be stored, and retrying is safe")
                .response
        }
    }
}
