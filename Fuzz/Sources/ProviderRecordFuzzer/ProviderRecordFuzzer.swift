import FuzzSupport

@testable import OrderCore
@testable import SyncCore

/// Fuzzes the provider mappings a signed webhook body and a pulled page go through (issue 12, item 8:
/// hostile provider payloads): the first byte picks Shopify's order or customer, WooCommerce's order,
/// customer or deletion, or a Zoho contact (Sources/SyncCore/RecordMapping*.swift); the rest is the
/// body. Checks: nothing traps; the same body maps the same way twice; a mapped record keeps a non-empty
/// id and canonical JSON (parsing and writing it again gives the same bytes); a mapped order's times
/// are UTC text of ordersync's fixed shapes, so text order is time order (docs/contract.md §2).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProviderRecord(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let input = FuzzInput(data, count, controlCount: 1) else { return 0 }
    guard let value = try? JSONParser.parse(input.payload) else { return 0 }
    switch input.control[0] % 6 {
    case 0: checkOrder { () throws(RecordMapping.Problem) in try RecordMapping.shopifyOrder(value) }
    case 1: checkRecord { () throws(RecordMapping.Problem) in try RecordMapping.shopifyCustomer(value) }
    case 2: checkOrder { () throws(RecordMapping.Problem) in try RecordMapping.wooCommerceOrder(value) }
    case 3: checkRecord { () throws(RecordMapping.Problem) in try RecordMapping.wooCommerceCustomer(value) }
    case 4:
        let first = try? RecordMapping.deletedID(value)
        check(first == (try? RecordMapping.deletedID(value)), "a deletion's id differs between two mappings")
        check(first.map { !$0.isEmpty } ?? true, "an empty id for a deletion")
    default: checkRecord { () throws(RecordMapping.Problem) in try RecordMapping.zohoContact(value) }
    }
    return 0
}

private func checkOrder(_ map: () throws(RecordMapping.Problem) -> (SourceRecord, Order)) {
    let first: (SourceRecord, Order)
    do {
        first = try map()
    } catch {
        check(!error.description.isEmpty, "a refusal without a reason")
        return
    }
    let (record, order) = first
    let again = try? map()
    check(again?.0 == record && again?.1 == order, "the same body mapped two ways")
    checkRecord(record)
    check(!order.orderID.isEmpty && !order.status.isEmpty, "an order without an id or a status")
    check(isUTC(order.orderDate, fraction: false), "order_date \(order.orderDate) is not UTC text")
    if let updatedAt = order.updatedAt {
        check(isUTC(updatedAt, fraction: true), "updated_at \(updatedAt) is not UTC text with milliseconds")
    }
}

private func checkRecord(_ map: () throws(RecordMapping.Problem) -> SourceRecord) {
    guard let record = try? map() else { return }
    check((try? map()) == record, "the same body mapped two ways")
    checkRecord(record)
}

private func checkRecord(_ record: SourceRecord) {
    check(!record.sourceID.isEmpty, "a record without an id")
    guard let parsed = try? JSONParser.parse(record.payload) else {
        return check(false, "a record's payload is not JSON: \(describe(record.payload))")
    }
    check(JSONWriter.canonical(parsed) == record.payload, "a record's payload is not canonical JSON")
}

/// `YYYY-MM-DDTHH:MM:SSZ`, or with `.sss` before the Z when `fraction`; order_date may carry
/// milliseconds too when they are not zero.
private func isUTC(_ text: String, fraction: Bool) -> Bool {
    let bytes = Array(text.utf8)
    guard bytes.count == 20 || bytes.count == 24, bytes.last == UInt8(ascii: "Z") else { return false }
    if fraction && bytes.count != 24 { return false }
    return Timestamp(rfc3339: text) != nil
}
