// swift-tools-version: 6.0
import PackageDescription

/// Warnings are errors in our own code: a warning-free build is part of the contract.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .unsafeFlags(["-warnings-as-errors"]),
]

let package = Package(
    name: "ordersync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ordersync", targets: ["ordersync"]),
        // Libraries only so that the fuzzers in Fuzz/ (a package of their own) can link these targets.
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Gzip", targets: ["Gzip"]),
        .library(name: "OrderCore", targets: ["OrderCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // C libraries, each imported by exactly one wrapper target.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: strict),
        .target(name: "Threads", swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["Threads"], swiftSettings: strict),
        .target(name: "OrderCore", swiftSettings: strict),
        .target(name: "OrderStore", dependencies: ["SQLite", "OrderCore", "Threads"], swiftSettings: strict),
        .target(
            name: "OrderAPI",
            dependencies: [
                "HTTPServer", "Gzip", "OrderCore", "OrderStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ordersync",
            dependencies: [
                "OrderAPI", "OrderStore", "OrderCore", "HTTPServer", "SQLite", "Threads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),

        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "OrderCoreTests", dependencies: ["OrderCore"]),
        .testTarget(name: "OrderStoreTests", dependencies: ["OrderStore", "SQLite", "Gzip"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ordersync", "OrderAPI", "Gzip", "SQLite"]
        ),
    ]
)
