import HTTPServer
import OrderCore
import Storage

/// `/healthz` and `/readyz`.
extension OrderService {
    /// Alive, the version, and whether the projections answer reads yet (docs/projections.md): while
    /// their backfill runs, `"projections":"backfilling"` with the orders projected so far.
    func health() -> HTTPResponse {
        var projections = ""
        if let progress = store.projections.progress {
            projections =
                progress.complete
                ? ",\"projections\":\"complete\""
                : ",\"projections\":\"backfilling\",\"projected_orders\":\(progress.orders)"
        }
        return OrderService.json(200, "{\"status\":\"ok\",\"version\":\"\(ProductVersion.current)\"\(projections)}")
    }

    func readiness() -> HTTPResponse {
        if isDraining {
            var problem = Problem(status: 503, detail: "shutting down")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        }
        guard store.acceptsWrites else {
            return Problem(status: 503, detail: "the database writer is not running").response
        }
        return OrderService.json(200, "{\"status\":\"ready\",\"engine\":\"\(store.engine)\"}")
    }
}
