import HTTPServer
import OrderStore

/// `/readyz`.
extension OrderService {
    func readiness() -> HTTPResponse {
        if isDraining {
            var problem = Problem(status: 503, detail: "shutting down")
            problem.headers = [("Retry-After", "1")]
            return problem.response
        }
        guard store.writer.isRunning else {
            return Problem(status: 503, detail: "the database writer is not running").response
        }
        return OrderService.json(200, "{\"status\":\"ready\"}")
    }
}
