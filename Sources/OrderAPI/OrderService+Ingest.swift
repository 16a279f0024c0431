import Gzip
import HTTPServer
import OrderCore
import OrderStore

/// `POST /`: validate a batch, store it atomically, answer once it is durable (docs/contract.md §3).
extension OrderService {
    /// Refuses before the body is read (and before curl's 100-continue): wrong type or coding.
    func ingestPreflight(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard ContentNegotiation.isJSON(head.headers["content-type"]) else {
            return Problem(status: 415, detail: "Content-Type must be application/json").response
        }
        if let coding = ContentNegotiation.requestCoding(head), coding != "gzip" {
            var problem = Problem(status: 415, detail: "Content-Encoding \(coding) is not supported; use gzip or none")
            problem.headers = [("Accept-Encoding", "gzip")]
            return problem.response
        }
        return nil
    }

    func ingest(_ request: HTTPRequest) -> HTTPResponse {
        var body = request.body
        if ContentNegotiation.requestCoding(request.head) == "gzip" {
            do {
                body = try Inflater.gunzip(body, limit: configuration.maxBodyBytes)
            } catch .tooLarge(let limit) {
                return Problem(status: 413, detail: "the decompressed body is larger than \(limit) bytes").response
            } catch {
                return Problem(status: 400, detail: "the gzip body cannot be decompressed").response
            }
        }
        let orders: [Order]
        switch OrderBatch.decode(body) {
        case .success(let decoded):
            orders = decoded
        case .failure(.malformed(let syntax)):
            var problem = Problem(status: 400, detail: "malformed JSON: \(syntax)", type: Problem.malformedJSONType)
            problem.syntax = syntax
            return problem.response
        case .failure(.tooManyOrders(let limit)):
            return Problem(status: 413, detail: "a batch holds at most \(limit) orders; split it into smaller ones")
                .response
        case .failure(.invalid(let problems)):
            var problem = Problem(
                status: 422, detail: "the batch was not stored: some orders are invalid",
                type: Problem.invalidOrdersType)
            problem.errors = problems
            return problem.response
        }
        do {
            let result = try store.writer.ingest(orders)
            return OrderService.json(200, "{\"inserted\":\(result.inserted),\"unchanged\":\(result.unchanged)}")
        } catch {
            return storeFailure(error)
        }
    }

    /// Maps a store failure to a problem; the cause goes to the log, never to the client.
    func storeFailure(_ error: StoreError) -> HTTPResponse {
        switch error {
        case .storageFull(let sqliteError):
            // The errno tells ENOSPC (the disk), EFBIG (a file-size limit) and EDQUOT (a quota) apart.
            logger.error(
                "database write failed: no space",
                metadata: [
                    "code": .stringConvertible(sqliteError.extendedCode),
                    "errno": .stringConvertible(sqliteError.systemErrno), "error": .string(sqliteError.explanation),
                ])
            return Problem(
                status: 507,
                detail: "the server ran out of disk space; the batch may not be stored, and retrying later is safe"
            ).response
        case .busy, .closed:
            var problem = Problem(status: 503, detail: "the database is busy or shutting down; retry shortly")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        case .timedOut:
            return Problem(status: 503, detail: "the query took too long and was stopped").response
        case .sqlite(let sqliteError):
            logger.error(
                "database error",
                metadata: [
                    "code": .stringConvertible(sqliteError.extendedCode), "error": .string(sqliteError.explanation),
                ])
            return Problem(status: 500, detail: "internal error; the batch may not be stored, and retrying is safe")
                .response
        }
    }
}
