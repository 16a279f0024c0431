import Telemetry
import Testing

@Suite struct ProcessStatisticsTests {
    @Test func parsesStatFieldsAfterACommandNameWithSpacesAndParentheses() {
        // Fields 3… of proc(5); starttime (22) = 500 ticks, rss (24) = 1,000 pages.
        let rest = (3...52).map { number -> String in
            switch number {
            case 3: "S"
            case 22: "500"
            case 24: "1000"
            default: "0"
            }
        }
        let stat = "4242 (odd) name (x)) " + rest.joined(separator: " ") + "\n"
        let statistics = ProcessStatistics.parse(
            stat: stat, bootTimeSeconds: 1_700_000_000, ticksPerSecond: 100, pageSize: 4_096)
        #expect(statistics.startTimeSeconds == 1_700_000_005)
        #expect(statistics.residentMemoryBytes == 4_096_000)
    }

    @Test func aTruncatedStatGivesNothing() {
        let statistics = ProcessStatistics.parse(
            stat: "1 (x) S 0 0", bootTimeSeconds: 1, ticksPerSecond: 100, pageSize: 4_096)
        #expect(statistics == ProcessStatistics())
        #expect(
            ProcessStatistics.parse(stat: "garbage", bootTimeSeconds: 1, ticksPerSecond: 100, pageSize: 1)
                == ProcessStatistics())
    }

    @Test func bootTimeComesFromTheBtimeLine() {
        let procStat = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5\nctxt 6\nbtime 1700000123\nprocesses 7\n"
        #expect(ProcessStatistics.bootTimeSeconds(procStat: procStat) == 1_700_000_123)
        #expect(ProcessStatistics.bootTimeSeconds(procStat: "cpu 1\n") == nil)
    }

    #if os(Linux)
        @Test func readsThisProcess() throws {
            let statistics = ProcessStatistics.read()
            #expect(try #require(statistics.residentMemoryBytes) > 0)
            #expect(try #require(statistics.openFileDescriptors) > 0)
            #expect(try #require(statistics.startTimeSeconds) > 1_600_000_000)
        }
    #endif
}
