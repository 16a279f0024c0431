import HTTPServer

/// A fake CRM's answer and what the request log keeps of it.
struct CRMAnswer: Sendable {
    var response: HTTPResponse
    /// Records in the body when it could be read.
    var recordCount = 0
    /// The records the CRM processed, in body order.
    var records: [CRMRequestLog.Record] = []

    init(_ response: HTTPResponse, recordCount: Int = 0, records: [CRMRequestLog.Record] = []) {
        self.response = response
        self.recordCount = recordCount
        self.records = records
    }

    init(_ refusal: Refusal, recordCount: Int = 0) {
        self.init(refusal.response, recordCount: recordCount)
    }
}
