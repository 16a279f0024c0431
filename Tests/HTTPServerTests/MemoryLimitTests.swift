import Foundation
import HTTPServer
import Testing

/// What `REQUEST_MEMORY_MB` defaults from: the cgroup v2 or v1 memory limit, read from fixture trees
/// (Tests/fixtures/cgroup, one folder per case, its README says which), else the physical memory.
@Suite struct MemoryLimitTests {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/cgroup").path
    private static let mebibyte = 1 << 20

    private func limit(_ fixture: String) -> Int? {
        MemoryLimit.cgroupLimitBytes(root: MemoryLimitTests.fixtures + "/" + fixture)
    }

    @Test func cgroupV2LimitsAreReadAlongThePath() {
        #expect(limit("v2-service") == 1_024 * MemoryLimitTests.mebibyte)
        #expect(limit("v2-parent-tighter") == 512 * MemoryLimitTests.mebibyte)
        #expect(limit("v2-container") == 256 * MemoryLimitTests.mebibyte)
        #expect(limit("v2-max") == nil)
        #expect(limit("no-proc") == 128 * MemoryLimitTests.mebibyte)
    }

    @Test func cgroupV1LimitsAndItsUnlimitedValue() {
        #expect(limit("v1-container") == 768 * MemoryLimitTests.mebibyte)
        #expect(limit("v1-joined") == 2_048 * MemoryLimitTests.mebibyte)
        #expect(limit("v1-unlimited") == nil)
    }

    @Test func withoutACgroupLimitThePhysicalMemoryCounts() {
        let physical = 16 * 1_024 * MemoryLimitTests.mebibyte
        let root = MemoryLimitTests.fixtures
        #expect(MemoryLimit.processLimitBytes(root: root + "/v2-max", physicalBytes: physical) == physical)
        #expect(MemoryLimit.processLimitBytes(root: root + "/v1-unlimited", physicalBytes: physical) == physical)
        #expect(MemoryLimit.processLimitBytes(root: root + "/missing", physicalBytes: physical) == physical)
        #expect(MemoryLimit.processLimitBytes(root: root + "/missing", physicalBytes: nil) == nil)
        // A limit above the machine's memory is no limit.
        #expect(MemoryLimit.processLimitBytes(root: root + "/v1-joined", physicalBytes: 1 << 30) == 1 << 30)
        #expect(
            MemoryLimit.processLimitBytes(root: root + "/v2-container", physicalBytes: physical)
                == 256 * MemoryLimitTests.mebibyte)
        // And this machine: some figure, never more than its memory.
        let here = MemoryLimit.processLimitBytes()
        #expect(here != nil && here! <= (MemoryLimit.physicalMemoryBytes() ?? .max))
    }

    @Test func fileContentsAreParsedStrictly() {
        #expect(MemoryLimit.parseV2("max\n") == nil)
        #expect(MemoryLimit.parseV2(" 1073741824\n") == 1 << 30)
        #expect(MemoryLimit.parseV2("") == nil)
        #expect(MemoryLimit.parseV2("0\n") == nil)
        #expect(MemoryLimit.parseV2("lots") == nil)
        #expect(MemoryLimit.parseV1("9223372036854771712\n") == nil)
        #expect(MemoryLimit.parseV1("536870912\n") == 512 * MemoryLimitTests.mebibyte)
        #expect(MemoryLimit.parseV1("-1") == nil)
    }
}
