// swift-tools-version:6.1
import PackageDescription

/// Set by `deploy/fuzz.sh`: Latchkey's own modules then carry AddressSanitizer and libFuzzer's
/// coverage counters for the targets in `fuzz/`. Third-party modules stay plain: libFuzzer scans
/// every counter after every input, and instrumenting NIO and Hummingbird too made each run ten
/// times slower.
let fuzzing = Context.environment["LATCHKEY_FUZZ"] != nil

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
] + (fuzzing ? [.unsafeFlags(["-sanitize=address", "-sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp", "-enable-testing"])] : [])

let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioLocks = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")

/// A library module under `Sources/`.
func library(_ name: String, _ dependencies: [Target.Dependency] = []) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

/// A resource plugin: one folder under `Plugins/`, its `openapi.json` embedded at build time,
/// and its rules in `Policy/` as a target of their own that depends on `Policy` alone.
func resourcePlugin(_ name: String, extra: [Target.Dependency] = []) -> [Target] {
    [
        .target(
            name: "\(name)Policy",
            dependencies: ["Policy"],
            path: "Plugins/\(name)/Policy",
            swiftSettings: swiftSettings
        ),
        .target(
            name: name,
            dependencies: [
                "Fixtures", "JSON", "PluginKit", "Postgres", "Policy", .byName(name: "\(name)Policy"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ] + extra,
            path: "Plugins/\(name)",
            exclude: ["openapi.json", "Policy"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedPlugin"]
        ),
    ]
}

/// The resource plugins, by folder of `Plugins/`, with what each needs beyond what every plugin
/// gets: the one place the package names them (`LatchkeyPlugins` lists the plugin values).
let plugins: [(name: String, extra: [Target.Dependency])] = [
    ("Surveys", []), ("Datasets", []), ("Templates", []), ("UsersDirectory", ["Vault"]),
]
/// Every resource plugin's module.
let pluginModules: [Target.Dependency] = plugins.map { .byName(name: $0.name) }
/// The rules targets of every resource plugin, for tests and benchmarks that judge without a server.
let pluginPolicies: [Target.Dependency] = plugins.map { .byName(name: "\($0.name)Policy") }

/// A test target that drives the real router against PostgreSQL (`ServerTestSupport`'s world).
func serverTests(_ name: String) -> Target {
    .testTarget(
        name: name,
        dependencies: [
            "ServerTestSupport", "Server", "Console", "Federation", "PluginKit", "Vault", "Accounts", "Tenancy", "Usage", "Events", "Policy",
            "Postgres", "JSON", "TestSupport", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ] + pluginModules + pluginPolicies,
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "Latchkey",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "latchkey", targets: ["latchkey"]),
        // The request readers, for the libFuzzer targets in `fuzz/` (a package of their own).
        .library(name: "LatchkeyReaders", targets: ["JSON", "Vault", "Federation", "Accounts", "PluginKit", "Console", "Server"] + plugins.map(\.name)),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        library("JSON", [nioCore]),
        library("Postgres", [
            "CLibPQ", "JSON", logging, metrics, nioCore, nioPosix, lifecycle,
            .product(name: "DequeModule", package: "swift-collections"),
        ]),
        library("Policy"),
        library("Vault", ["COpenSSL", "JSON", "Postgres", "Policy", logging, metrics, nioCore, nioLocks, nioPosix, lifecycle]),
        library("Accounts", ["Federation", "Postgres", "Policy", "JSON", "Vault"]),
        library("Tenancy", ["Postgres", "Policy", "JSON", "Vault"]),
        library("Usage", ["Postgres", logging, metrics, nioLocks, lifecycle]),
        library("Events", ["Postgres", "JSON", "Vault", logging, metrics, nioLocks, lifecycle]),
        library("Fixtures", ["JSON", "Postgres", "Vault", "Policy", nioCore]),
        library("Federation", ["COpenSSL", "JSON", "Postgres", "Vault", "Policy", nioLocks]),
        library("PluginKit", ["Fixtures", "JSON", "Postgres", "Vault", "Policy", hummingbird, nioLocks, logging]),
    ] + plugins.flatMap { resourcePlugin($0.name, extra: $0.extra) } + [
        library("LatchkeyPlugins", ["PluginKit"] + pluginModules),
        .target(
            name: "Console",
            dependencies: ["PluginKit", "Accounts", "Federation", "Tenancy", "Usage", "Events", "Vault", "Policy", "JSON", hummingbird],
            exclude: ["Assets"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedPlugin"]
        ),
        .target(
            name: "Server",
            dependencies: ["Console", "Accounts", "Tenancy", "Usage", "Events", "Federation", "JSON", "PluginKit", "Postgres", "Vault", "Policy", hummingbird, nioLocks, nioCore, logging, metrics, lifecycle],
            exclude: ["openapi.json"],
            swiftSettings: swiftSettings,
            plugins: ["EmbedPlugin"]
        ),
        .executableTarget(
            name: "EmbedFiles",
            path: "Tools/EmbedFiles"
        ),
        .plugin(
            name: "MigrationsPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedFiles"],
            path: "Tools/MigrationsPlugin"
        ),
        .plugin(
            name: "EmbedPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedFiles"],
            path: "Tools/EmbedPlugin"
        ),
        .executableTarget(
            name: "latchkey",
            dependencies: [
                "Postgres",
                "Vault",
                "Accounts",
                "Tenancy",
                "Events",
                "Server",
                "PluginKit",
                "LatchkeyPlugins",
                "Fixtures",
                "Federation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                logging,
                lifecycle,
                metrics,
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["MigrationsPlugin"]
        ),
        .executableTarget(
            name: "LatchkeyBench",
            dependencies: [
                "Federation",
                "Postgres",
                "Vault",
                "Policy",
                "Usage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ] + pluginPolicies,
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "Accounts", "Federation", "Vault", logging],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport", nioLocks],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JSONTests",
            dependencies: ["JSON", "TestSupport", nioCore],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PolicyTests",
            dependencies: ["Policy", "TestSupport"] + pluginPolicies,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FixturesTests",
            dependencies: ["Fixtures", "Postgres", "Vault", "TestSupport", "PluginKit"] + pluginModules,
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LatchkeyCLITests",
            dependencies: ["Vault", "Postgres", "Federation", "TestSupport", "latchkey"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServerTestSupport",
            dependencies: [
                "Server", "LatchkeyPlugins", "PluginKit", "Vault", "Policy", "Postgres", "TestSupport", hummingbird, nioLocks, logging, lifecycle,
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ] + pluginModules + pluginPolicies,
            path: "Tests/ServerTestSupport",
            swiftSettings: swiftSettings
        ),
        serverTests("ServerTests"),
    ] + plugins.map { serverTests("\($0.name)Tests") } + [
        serverTests("ConsoleTests"),
        serverTests("FederationTests"),
        .testTarget(
            name: "AccountsTests",
            dependencies: ["Accounts", "Federation", "Vault", "Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VaultTests",
            dependencies: ["Vault", "Accounts", "Tenancy", "Postgres", "Policy", "TestSupport", logging],
            swiftSettings: swiftSettings
        ),
    ]
)
