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
        .executable(name: "ordersync-sync", targets: ["ordersync-sync"]),
        .executable(name: "ordersync-fake-providers", targets: ["ordersync-fake-providers"]),
        // Libraries only so that the fuzzers in Fuzz/ (a package of their own) can link these targets.
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "Gzip", targets: ["Gzip"]),
        .library(name: "OrderCore", targets: ["OrderCore"]),
        .library(name: "SyncCore", targets: ["SyncCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries, each imported by exactly one wrapper target.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        // Headers only: libpq itself is opened at run time (Sources/CLibPQ/shim.h says why).
        .systemLibrary(name: "CLibPQ", path: "Sources/CLibPQ", providers: [.apt(["libpq-dev"])]),

        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),
        .target(name: "Gzip", dependencies: ["CZlib"], swiftSettings: strict),
        // PostgreSQL through libpq, blocking and thread-confined like SQLite (no SwiftNIO).
        .target(name: "PostgreSQL", dependencies: ["CLibPQ"], swiftSettings: strict),
        .target(name: "Threads", swiftSettings: strict),
        .target(name: "HTTPServer", dependencies: ["Threads", "CEpoll"], swiftSettings: strict),
        .target(name: "OrderCore", swiftSettings: strict),
        // The storage boundary (docs/storage.md): protocols and domain types only, no SQL, no C handle.
        .target(
            name: "Storage",
            dependencies: ["OrderCore", "Threads", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: strict),
        .target(
            name: "OrderStore",
            dependencies: [
                "SQLite", "Storage", "OrderCore", "Threads", .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedSQL"]
        ),
        // The PostgreSQL engine behind the same boundary (docs/postgresql.md); its SQL is sql/postgresql/.
        .target(
            name: "PostgresStore",
            dependencies: [
                "PostgreSQL", "Storage", "OrderCore", "Threads",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict,
            plugins: ["EmbedSQL"]
        ),
        // sql/**/*.sql built into OrderStore as string literals, so the programs run from any folder.
        // Plugins/EmbedSQLTool/sql is a link to sql/: it makes a file added to or removed from sql/ plan
        // the build anew (see Plugins/EmbedSQL/plugin.swift); excluded, it is no source of the tool.
        .executableTarget(
            name: "EmbedSQLTool", path: "Plugins/EmbedSQLTool", exclude: ["sql"], swiftSettings: strict),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["EmbedSQLTool"]),
        // The Prometheus registry behind swift-metrics, and process statistics from /proc. The only
        // target that imports Prometheus; everything else records through CoreMetrics handles.
        .target(
            name: "Telemetry",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ServiceSupport",
            dependencies: ["OrderCore", "Threads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        // The sync domain without I/O: record mapping, paging and rate-limit headers, the run summary.
        .target(name: "SyncCore", dependencies: ["OrderCore"], swiftSettings: strict),
        // Pushing customer changes to HubSpot and Salesforce (docs/customers.md): mapping, clients behind
        // a transport protocol of their own, rate limiter, retry schedule, circuit breaker. No Foundation.
        .target(name: "CRMPush", dependencies: ["OrderCore", "SyncCore"], swiftSettings: strict),
        // Inbound webhooks (issue 12): signatures through swift-crypto, deliveries decoded and mapped.
        .target(
            name: "Webhooks",
            dependencies: [
                "CRMPush", "OrderCore", "Storage", "SyncCore", .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The provider connectors on URLSession. Only the sync worker links them (and so Foundation).
        .target(
            name: "Connectors",
            dependencies: [
                "SyncCore", "OrderCore", "Storage", "ServiceSupport", "Threads",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The CRM outbox workers (issue 13): one per configured CRM, pushing through CRMPush on the
        // connectors' URLSession transport.
        .target(
            name: "CRMOutbox",
            dependencies: [
                "CRMPush", "Connectors", "OrderCore", "Storage", "Threads",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "OrderAPI",
            dependencies: [
                "CRMOutbox", "HTTPServer", "Gzip", "OrderCore", "Storage", "SyncCore", "Telemetry", "Threads", "Webhooks",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ordersync",
            dependencies: [
                "OrderAPI", "OrderStore", "PostgresStore", "Storage", "OrderCore", "HTTPServer", "Threads",
                "ServiceSupport", "CRMOutbox", "CRMPush",
                "SyncCore", "Webhooks",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "ordersync-sync",
            dependencies: [
                "Connectors", "SyncCore", "OrderStore", "PostgresStore", "Storage", "OrderCore", "ServiceSupport",
                "Threads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Local emulation of Shopify, Zoho CRM and a reqres-style source, for connector tests and benchmarks.
        // HubSpot and Salesforce too (issue 13); Crypto signs Salesforce's token answers.
        .target(
            name: "FakeProviders",
            dependencies: ["HTTPServer", "OrderCore", "Threads", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // The fake sender (`ordersync-fake-providers send`): signed webhooks and a Debezium stream.
        .target(
            name: "FakeSender",
            dependencies: ["FakeProviders", "HTTPServer", "OrderCore", "SyncCore", "Threads", "Webhooks"],
            swiftSettings: strict),
        .executableTarget(
            name: "ordersync-fake-providers",
            dependencies: [
                "FakeProviders", "FakeSender", "HTTPServer", "ServiceSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),

        // Test helpers shared by test targets (never linked into a program).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(
            name: "FakeProvidersTests",
            dependencies: ["FakeProviders", "HTTPServer", "OrderCore", "ordersync-fake-providers", "TestSupport"]
        ),
        .testTarget(name: "OrderCoreTests", dependencies: ["OrderCore", "TestSupport"]),
        .testTarget(
            name: "CRMOutboxTests",
            dependencies: [
                "CRMOutbox", "CRMPush", "OrderCore", "OrderStore", "Storage", "TestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "CoreMetrics", package: "swift-metrics"),
            ]),
        .testTarget(name: "CRMPushTests", dependencies: ["CRMPush", "OrderCore", "SyncCore", "TestSupport"]),
        .testTarget(name: "WebhooksTests", dependencies: ["Webhooks", "OrderCore", "Storage", "SyncCore", "TestSupport"]),
        .testTarget(name: "PostgreSQLTests", dependencies: ["PostgreSQL", "TestSupport"]),
        .testTarget(
            name: "OrderStoreTests",
            dependencies: [
                "OrderStore", "PostgresStore", "PostgreSQL", "Storage", "SQLite", "Gzip", "Telemetry", "TestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "OrderAPI", "HTTPServer", "OrderCore",
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "SyncCore", "Connectors", "OrderStore", "Storage", "OrderCore", "SQLite", "TestSupport",
                // The WooCommerce connector's tests run the fake in-process, over a real socket.
                "FakeProviders", "HTTPServer", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "ordersync", "OrderAPI", "OrderStore", "PostgresStore", "PostgreSQL", "Storage", "Gzip", "SQLite",
                "TestSupport", "Telemetry", "Webhooks", "SyncCore", "OrderCore", "FakeSender", "CRMOutbox", "CRMPush",
                "FakeProviders", "HTTPServer",
            ]
        ),
    ]
)
