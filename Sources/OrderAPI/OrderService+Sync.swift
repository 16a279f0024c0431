import HTTPServer
import OrderCore
import SyncCore

/// `GET /sync` and `POST /sync` (Cloud Scheduler sends either): run the connectors once and answer
/// only after their data is committed. 200 with the run summary; 409 while another run holds the
/// lock; 502 (a provider failed) or 503 (deadline, storage, worker) with the summary, so the
/// scheduler retries.
extension OrderService {
    func sync(_ request: HTTPRequest) -> HTTPResponse {
        guard let runner = configuration.syncRunner else {
            return Problem(status: 503, detail: "sync is not available in this process").response
        }
        let headers = request.head.headers
        let fromScheduler = headers["x-cloudscheduler"]?.lowercased() == "true"
        // Only a well-formed time is kept: it is stored and compared, never trusted blindly.
        let scheduleTime = headers["x-cloudscheduler-scheduletime"].flatMap { text in
            text.utf8.count <= 40 && Timestamp(rfc3339: text) != nil ? text : nil
        }
        let trigger = SyncTrigger(trigger: fromScheduler ? "scheduler" : "http", scheduleTime: scheduleTime)
        switch runner.run(trigger) {
        case .exited(let status, let output):
            return syncResponse(exitStatus: status, output: output)
        case .killed:
            syncMetrics.record(.stopped, summary: nil)
            var problem = Problem(
                status: 503, detail: "the sync run was stopped before it finished; it resumes next time")
            problem.headers = [("Retry-After", "60")]
            return problem.response
        case .notStarted(let reason):
            syncMetrics.record(.error, summary: nil)
            logger.error("sync worker could not start", metadata: ["reason": .string(reason)])
            return Problem(status: 503, detail: "the sync worker could not be started").response
        }
    }

    func syncResponse(exitStatus: Int32, output: [UInt8]) -> HTTPResponse {
        let status = SyncExit(rawValue: exitStatus)
        let parsed = try? JSONParser.parse(output)
        switch status {
        case .succeeded?:
            guard parsed != nil else { break }
            syncMetrics.record(.succeeded, summary: parsed)
            return HTTPResponse(status: 200, contentType: "application/json", body: output)
        case .busy?:
            syncMetrics.record(.busy, summary: nil)
            var detail = "another sync run is running"
            if case .number(let id)? = parsed?["running"]?["run_id"] {
                detail = "sync run \(id) is running"
                if case .string(let started)? = parsed?["running"]?["started_at"] { detail += " (started \(started))" }
            }
            var problem = Problem(status: 409, detail: detail, type: "urn:ordersync:problem:sync-running")
            problem.headers = [("Retry-After", "30")]
            problem.members = [("running", parsed?["running"] ?? .null)]
            return problem.response
        case .providerFailed?, .unavailable?:
            guard let parsed else { break }
            syncMetrics.record(.failed, summary: parsed)
            var detail = "the sync run failed"
            if case .array(let errors)? = parsed["errors"], let first = errors.first,
                case .string(let connector)? = first["connector"], case .string(let message)? = first["message"]
            {
                detail = "\(connector): \(message)"
            }
            let code = status == .providerFailed ? 502 : 503
            var problem = Problem(status: code, detail: detail, type: "urn:ordersync:problem:sync-failed")
            problem.members = [("summary", parsed)]
            if code == 503 { problem.headers = [("Retry-After", "60")] }
            return problem.response
        case .cannotStart?:
            syncMetrics.record(.error, summary: nil)
            return Problem(status: 503, detail: "the sync could not start (its configuration or database: see the log)")
                .response
        case nil:
            break
        }
        syncMetrics.record(.error, summary: nil)
        logger.error("sync worker ended unexpectedly", metadata: ["exit": .stringConvertible(exitStatus)])
        return Problem(status: 503, detail: "the sync worker ended unexpectedly").response
    }
}
