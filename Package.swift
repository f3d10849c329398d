// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Mizan",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PBEngine", targets: ["PBEngine"]),
        .executable(name: "mizan", targets: ["mizan"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        /// Pure ranking engine: no I/O, clock, randomness or database. BigInt gives the exact
        /// rationals the equal-shares and Phragmén rules need.
        .target(name: "PBEngine", dependencies: [.product(name: "BigInt", package: "BigInt")]),
        .target(
            name: "MizanCore",
            dependencies: [
                "PBEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        /// The libpq driver: connection, pool, bound SQL, COPY, pipeline. The only importer of CLibPQ.
        .target(
            name: "PostgresDriver",
            dependencies: [
                "CLibPQ",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// The stores behind MizanCore's storage protocols, the migrator and the ballot committer:
        /// all of Mizan's SQL lives here.
        .target(
            name: "MizanPostgres",
            dependencies: [
                "PostgresDriver",
                "MizanCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// A private PostgreSQL cluster for `mizan serve` with nothing configured and for the tests.
        .target(
            name: "MizanDevCluster",
            dependencies: [
                "PostgresDriver",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The demo communes `mizan serve --demo` seeds.
        .target(
            name: "MizanDemo",
            dependencies: ["MizanCore", "MizanPostgres"]
        ),
        .target(
            name: "MizanWeb",
            dependencies: [
                "MizanCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Templates"), .copy("Static"), .copy("Catalogs"), .copy("OpenAPI")]
        ),
        .executableTarget(
            name: "mizan",
            dependencies: [
                "PBEngine",
                "MizanCore",
                "MizanPostgres",
                "PostgresDriver",
                "MizanDevCluster",
                "MizanDemo",
                "MizanWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        /// Shared test fixtures: the throwaway PostgreSQL cluster and per-suite databases.
        .target(
            name: "MizanTestSupport",
            dependencies: ["MizanPostgres", "PostgresDriver", "MizanDevCluster"],
            path: "Tests/Support"
        ),
        .testTarget(name: "PBEngineTests", dependencies: ["PBEngine"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MizanCoreTests", dependencies: ["MizanCore"]),
        .testTarget(name: "MizanPostgresTests", dependencies: ["MizanPostgres", "PostgresDriver", "MizanDevCluster", "MizanTestSupport"]),
        .testTarget(
            name: "MizanWebTests",
            dependencies: [
                "MizanWeb", "MizanDemo", "MizanTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .testTarget(name: "mizanTests", dependencies: ["mizan", "MizanTestSupport"]),
    ]
)
