// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for ordersync, kept out of the main package so that its `swift build` and
// `swift test` never build them (they only link with `--sanitize=fuzzer`, which provides `main`).
// Build and run them with `.ci/fuzz` at the repository root; README.md here says more.
//
// The fuzzers reach the main package's `package` declarations with `@testable import`, so the
// main package's modules must be compiled with `-enable-testing` (debug builds are; `.ci/fuzz`
// passes `-Xswiftc -enable-testing` for its release build).

/// Like the main package: warnings are errors. `-parse-as-library` because a fuzzer has no
/// `main.swift`: libFuzzer's runtime provides `main` and calls `LLVMFuzzerTestOneInput`.
let fuzzer: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-warnings-as-errors", "-parse-as-library"]),
]
let library: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "ordersync-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "ordersync", path: "..")],
    targets: [
        .target(name: "FuzzSupport", swiftSettings: library),
        .target(
            name: "HTTPFuzzSupport",
            dependencies: ["FuzzSupport", .product(name: "HTTPServer", package: "ordersync")],
            swiftSettings: library
        ),
        .executableTarget(
            name: "HTTPRequestFuzzer",
            dependencies: ["FuzzSupport", "HTTPFuzzSupport", .product(name: "HTTPServer", package: "ordersync")],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "ChunkedBodyFuzzer",
            dependencies: ["FuzzSupport", "HTTPFuzzSupport", .product(name: "HTTPServer", package: "ordersync")],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "GzipFuzzer",
            dependencies: ["FuzzSupport", .product(name: "Gzip", package: "ordersync")],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "LineBatchFuzzer",
            dependencies: ["FuzzSupport", .product(name: "OrderCore", package: "ordersync")],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "ChangeEventFuzzer",
            dependencies: ["FuzzSupport", .product(name: "OrderCore", package: "ordersync")],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "ProviderRecordFuzzer",
            dependencies: [
                "FuzzSupport", .product(name: "OrderCore", package: "ordersync"),
                .product(name: "SyncCore", package: "ordersync"),
            ],
            swiftSettings: fuzzer
        ),
        .executableTarget(
            name: "OrderBatchFuzzer",
            dependencies: ["FuzzSupport", .product(name: "OrderCore", package: "ordersync")],
            swiftSettings: fuzzer
        ),
    ]
)
