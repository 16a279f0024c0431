import CoreMetrics
import Telemetry
import Testing

@Suite struct MetricsRegistryTests {
    private let descriptions = [
        MetricDescription("test_events_total", .counter, "Events seen.", labels: ["kind"]),
        MetricDescription("test_level", .gauge, "A level."),
        MetricDescription("test_size", .histogram, "Sizes.", buckets: [1, 10]),
        MetricDescription("test_wait_seconds", .histogram, "Waits.", buckets: [0.001, 0.5]),
    ]

    @Test func handlesFromTheFactoryCarryTheirDescription() {
        let registry = MetricsRegistry(descriptions: descriptions)
        Counter(label: "test_events_total", dimensions: [("kind", "a")], factory: registry.factory).increment(by: 3)
        Gauge(label: "test_level", factory: registry.factory).record(7)
        let text = Exposition(registry.exposition())
        #expect(text.type("test_events_total") == "counter")
        #expect(text.help("test_events_total") == "Events seen.")
        #expect(text.value(#"test_events_total{kind="a"}"#) == 3)
        #expect(text.type("test_level") == "gauge")
        #expect(text.value("test_level") == 7)
    }

    @Test func recordersAndTimersBecomeHistogramsWithTheDescribedBuckets() {
        let registry = MetricsRegistry(descriptions: descriptions)
        let sizes = Recorder(label: "test_size", dimensions: [], aggregate: true, factory: registry.factory)
        sizes.record(1)
        sizes.record(5)
        sizes.record(50)
        let waits = Timer(label: "test_wait_seconds", dimensions: [], factory: registry.factory)
        waits.recordNanoseconds(200_000)  // 0.2 ms
        waits.recordNanoseconds(2_000_000_000)  // 2 s
        let text = Exposition(registry.exposition())
        #expect(text.type("test_size") == "histogram")
        #expect(text.value(#"test_size_bucket{le="1.0"}"#) == 1)
        #expect(text.value(#"test_size_bucket{le="10.0"}"#) == 2)
        #expect(text.value(#"test_size_bucket{le="+Inf"}"#) == 3)
        #expect(text.value("test_size_sum") == 56)
        // Durations are rendered in seconds.
        #expect(text.value(#"test_wait_seconds_bucket{le="0.001"}"#) == 1)
        #expect(text.value(#"test_wait_seconds_bucket{le="0.5"}"#) == 1)
        #expect(text.value("test_wait_seconds_count") == 2)
        #expect(text.value("test_wait_seconds_sum") == 2.0002)
    }

    @Test func anUndescribedMetricStillWorksWithoutHelp() {
        let registry = MetricsRegistry(descriptions: descriptions)
        Counter(label: "library_calls_total", factory: registry.factory).increment()
        let text = Exposition(registry.exposition())
        #expect(text.type("library_calls_total") == "counter")
        #expect(text.help("library_calls_total") == nil)
        #expect(text.value("library_calls_total") == 1)
    }

    @Test func registriesAreIndependent() {
        let first = MetricsRegistry(descriptions: descriptions)
        let second = MetricsRegistry(descriptions: descriptions)
        Counter(label: "test_events_total", dimensions: [("kind", "a")], factory: first.factory).increment()
        Counter(label: "test_events_total", dimensions: [("kind", "a")], factory: first.factory).increment()
        Counter(label: "test_events_total", dimensions: [("kind", "a")], factory: second.factory).increment()
        #expect(Exposition(first.exposition()).value(#"test_events_total{kind="a"}"#) == 2)
        #expect(Exposition(second.exposition()).value(#"test_events_total{kind="a"}"#) == 1)
    }
}
