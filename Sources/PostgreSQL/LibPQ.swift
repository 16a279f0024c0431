internal import CLibPQ

#if canImport(Glibc)
    import Glibc
#endif

/// libpq, opened on first use (Sources/CLibPQ/shim.h says why it is not linked). `isAvailable` is
/// asked before any connection; a missing library is then a clear error, never a crash.
enum LibPQ {
    /// The soname Debian's libpq5 installs.
    static let name = "libpq.so.5"

    nonisolated(unsafe) static let handle: UnsafeMutableRawPointer? = dlopen(name, RTLD_NOW | RTLD_LOCAL)

    static var isAvailable: Bool { handle != nil }

    /// What to do when it is missing, for the error a connection attempt reports.
    static let problem = "\(name) cannot be loaded; install Debian's libpq5 (apt-get install libpq5)"

    /// A C string libpq returned (never nil in practice; "" if it were).
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    static func symbol<Function>(_ symbol: String, _ type: Function.Type) -> Function {
        guard let handle, let address = dlsym(handle, symbol) else {
            preconditionFailure("\(name) has no \(symbol): isAvailable is checked before any call")
        }
        return unsafeBitCast(address, to: type)
    }
}

// The libpq functions the wrapper calls, under their own names: each a pointer from dlsym, resolved on
// first use (Swift initializes globals once, thread-safely).
nonisolated(unsafe) let PQbackendPID = LibPQ.symbol("PQbackendPID", ordersync_PQbackendPID_fn.self)
nonisolated(unsafe) let PQcancel = LibPQ.symbol("PQcancel", ordersync_PQcancel_fn.self)
nonisolated(unsafe) let PQclear = LibPQ.symbol("PQclear", ordersync_PQclear_fn.self)
nonisolated(unsafe) let PQcmdStatus = LibPQ.symbol("PQcmdStatus", ordersync_PQcmdStatus_fn.self)
nonisolated(unsafe) let PQcmdTuples = LibPQ.symbol("PQcmdTuples", ordersync_PQcmdTuples_fn.self)
nonisolated(unsafe) let PQconnectdbParams = LibPQ.symbol("PQconnectdbParams", ordersync_PQconnectdbParams_fn.self)
nonisolated(unsafe) let PQconninfo = LibPQ.symbol("PQconninfo", ordersync_PQconninfo_fn.self)
nonisolated(unsafe) let PQconninfoFree = LibPQ.symbol("PQconninfoFree", ordersync_PQconninfoFree_fn.self)
nonisolated(unsafe) let PQconninfoParse = LibPQ.symbol("PQconninfoParse", ordersync_PQconninfoParse_fn.self)
nonisolated(unsafe) let PQenterPipelineMode = LibPQ.symbol("PQenterPipelineMode", ordersync_PQenterPipelineMode_fn.self)
nonisolated(unsafe) let PQerrorMessage = LibPQ.symbol("PQerrorMessage", ordersync_PQerrorMessage_fn.self)
nonisolated(unsafe) let PQexec = LibPQ.symbol("PQexec", ordersync_PQexec_fn.self)
nonisolated(unsafe) let PQexecParams = LibPQ.symbol("PQexecParams", ordersync_PQexecParams_fn.self)
nonisolated(unsafe) let PQexecPrepared = LibPQ.symbol("PQexecPrepared", ordersync_PQexecPrepared_fn.self)
nonisolated(unsafe) let PQexitPipelineMode = LibPQ.symbol("PQexitPipelineMode", ordersync_PQexitPipelineMode_fn.self)
nonisolated(unsafe) let PQfinish = LibPQ.symbol("PQfinish", ordersync_PQfinish_fn.self)
nonisolated(unsafe) let PQfname = LibPQ.symbol("PQfname", ordersync_PQfname_fn.self)
nonisolated(unsafe) let PQfnumber = LibPQ.symbol("PQfnumber", ordersync_PQfnumber_fn.self)
nonisolated(unsafe) let PQfreeCancel = LibPQ.symbol("PQfreeCancel", ordersync_PQfreeCancel_fn.self)
nonisolated(unsafe) let PQfreemem = LibPQ.symbol("PQfreemem", ordersync_PQfreemem_fn.self)
nonisolated(unsafe) let PQftype = LibPQ.symbol("PQftype", ordersync_PQftype_fn.self)
nonisolated(unsafe) let PQgetCancel = LibPQ.symbol("PQgetCancel", ordersync_PQgetCancel_fn.self)
nonisolated(unsafe) let PQgetCopyData = LibPQ.symbol("PQgetCopyData", ordersync_PQgetCopyData_fn.self)
nonisolated(unsafe) let PQgetResult = LibPQ.symbol("PQgetResult", ordersync_PQgetResult_fn.self)
nonisolated(unsafe) let PQgetisnull = LibPQ.symbol("PQgetisnull", ordersync_PQgetisnull_fn.self)
nonisolated(unsafe) let PQgetlength = LibPQ.symbol("PQgetlength", ordersync_PQgetlength_fn.self)
nonisolated(unsafe) let PQgetvalue = LibPQ.symbol("PQgetvalue", ordersync_PQgetvalue_fn.self)
nonisolated(unsafe) let PQnfields = LibPQ.symbol("PQnfields", ordersync_PQnfields_fn.self)
nonisolated(unsafe) let PQntuples = LibPQ.symbol("PQntuples", ordersync_PQntuples_fn.self)
nonisolated(unsafe) let PQpipelineSync = LibPQ.symbol("PQpipelineSync", ordersync_PQpipelineSync_fn.self)
nonisolated(unsafe) let PQprepare = LibPQ.symbol("PQprepare", ordersync_PQprepare_fn.self)
nonisolated(unsafe) let PQputCopyData = LibPQ.symbol("PQputCopyData", ordersync_PQputCopyData_fn.self)
nonisolated(unsafe) let PQputCopyEnd = LibPQ.symbol("PQputCopyEnd", ordersync_PQputCopyEnd_fn.self)
nonisolated(unsafe) let PQreset = LibPQ.symbol("PQreset", ordersync_PQreset_fn.self)
nonisolated(unsafe) let PQresultErrorField = LibPQ.symbol("PQresultErrorField", ordersync_PQresultErrorField_fn.self)
nonisolated(unsafe) let PQresultErrorMessage = LibPQ.symbol("PQresultErrorMessage", ordersync_PQresultErrorMessage_fn.self)
nonisolated(unsafe) let PQresultStatus = LibPQ.symbol("PQresultStatus", ordersync_PQresultStatus_fn.self)
nonisolated(unsafe) let PQsendQueryParams = LibPQ.symbol("PQsendQueryParams", ordersync_PQsendQueryParams_fn.self)
nonisolated(unsafe) let PQserverVersion = LibPQ.symbol("PQserverVersion", ordersync_PQserverVersion_fn.self)
nonisolated(unsafe) let PQsetNoticeProcessor = LibPQ.symbol("PQsetNoticeProcessor", ordersync_PQsetNoticeProcessor_fn.self)
nonisolated(unsafe) let PQsetSingleRowMode = LibPQ.symbol("PQsetSingleRowMode", ordersync_PQsetSingleRowMode_fn.self)
nonisolated(unsafe) let PQsocket = LibPQ.symbol("PQsocket", ordersync_PQsocket_fn.self)
nonisolated(unsafe) let PQstatus = LibPQ.symbol("PQstatus", ordersync_PQstatus_fn.self)
nonisolated(unsafe) let PQtransactionStatus = LibPQ.symbol("PQtransactionStatus", ordersync_PQtransactionStatus_fn.self)
nonisolated(unsafe) let PQunescapeBytea = LibPQ.symbol("PQunescapeBytea", ordersync_PQunescapeBytea_fn.self)
