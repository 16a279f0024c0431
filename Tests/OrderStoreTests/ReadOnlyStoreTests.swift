import Foundation
import OrderStore
import Storage
import Testing

/// The tools' read-only store (`ordersync query`, `export`): the same answers as the server's store,
/// from the twins while the projections' backfill has not completed, and clear errors for a file
/// that is missing or was never migrated.
struct ReadOnlyStoreTests {
    @Test func readsTheProjectionsOrTheirTwinsWithTheSameAnswers() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open()
        try ProjectionBackfillTests.ingest(0..<200, prefix: "q", into: store)
        var served: [LatestOrder] = []
        _ = try store.latest(LatestFilter(), limit: 10_000) { served.append(LatestOrder($0)) }
        let catalog = try store.viewCatalog()
        let view = try #require(catalog.view(named: "order_status_daily_v"))
        let servedView = try rows(of: view, in: store)
        store.close()
        #expect(served.count > 200)
        #expect(!servedView.isEmpty)

        for complete in [1, 0] {
            // 0: as if a backfill were under way; the tool must not read the half-filled projections.
            try fixture.connection().execute("UPDATE projection_progress SET complete = \(complete)")
            let reader = try ReadOnlyStore(path: fixture.dbPath)
            var read: [LatestOrder] = []
            _ = try reader.latest(LatestFilter(), limit: 10_000) { read.append(LatestOrder($0)) }
            #expect(read == served, "complete = \(complete)")
            #expect(try rows(of: view, in: reader) == servedView, "complete = \(complete)")
        }
    }

    @Test func aMissingOrUnmigratedFileIsRefusedWithAdvice() throws {
        let fixture = try StoreFixture()
        #expect(throws: ReadOnlyStore.OpenError.self) { try ReadOnlyStore(path: fixture.dbPath) }
        do {
            _ = try ReadOnlyStore(path: fixture.dbPath)
        } catch {
            #expect(error.description.contains("does not exist"))
            #expect(error.description.contains("ordersync migrate"))
        }
        try FileManager.default.createDirectory(atPath: fixture.root + "/db", withIntermediateDirectories: true)
        try fixture.connection().execute("CREATE TABLE unrelated (x)")
        do {
            _ = try ReadOnlyStore(path: fixture.dbPath)
            Issue.record("a database without the ordersync schema was opened")
        } catch {
            #expect(error.description.contains("has no ordersync schema"))
        }
    }

    @Test func everyStoreErrorChoosesItsStatus() {
        let failure = EngineFailure(code: "x", message: "y")
        #expect(StoreError.storageFull(failure).httpStatus == 507)
        for error in [StoreError.busy, .closed, .timedOut, .unavailable(failure)] { #expect(error.httpStatus == 503) }
        #expect(StoreError.failed(failure).httpStatus == 500)
        #expect(StoreError.unrepresentable(failure).httpStatus == 422)
    }

    private func rows(of view: ViewCatalog.View, in reader: any OrderReading) throws -> [[String?]] {
        let cursor = try reader.openView(ViewQuery(view: view), extraRow: false, deadline: nil)
        defer { cursor.finish() }
        var rows: [[String?]] = []
        while try cursor.step() { rows.append(view.columns.indices.map { cursor.string($0) }) }
        return rows
    }
}
