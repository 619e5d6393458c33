// swift-tools-version: 6.0
// TicketLens: customer-service exports in, decisions out.
// Targets are the stages data flows through; none reaches upward:
//   model <- ingest / warehouse <- metrics <- insights <- reports <- pipeline <- CLI
import PackageDescription

let package = Package(
  name: "TicketLens",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "ticketlens", targets: ["ticketlens"]),
    .executable(name: "ticketlens-bench", targets: ["ticketlens-bench"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
  ],
  targets: [
    // The system SQLite (with FTS5), reached through pkg-config.
    .systemLibrary(
      name: "CSQLite", pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
    // The system libxml2 (streaming reader), reached through pkg-config.
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]),
    // The system zlib, for gzip-compressed inputs.
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),
    // The C library's allocator controls (malloc_trim, mallopt), to hand freed memory back.
    .systemLibrary(name: "CMalloc"),
    // OpenBLAS (CBLAS), for the sentence model's matrix products (cores picked at run time).
    .systemLibrary(
      name: "COpenBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    // Domain types only: tickets, instants, calendars, diagnostics. No I/O.
    .target(name: "TicketLensModel", exclude: ["README.md"]),
    // Format readers (CSV, later JSON and XML) and vendor mappings -> records + diagnostics.
    .target(
      name: "TicketLensIngest", dependencies: ["TicketLensModel", "CLibXML2", "CZlib"],
      exclude: ["README.md"]),
    // The SQLite warehouse: migrations, upserts, runs, rejects. The only target that touches SQLite.
    .target(
      name: "TicketLensWarehouse", dependencies: ["TicketLensModel", "CSQLite"],
      exclude: ["README.md"]),
    // The metric catalog, the parallel group-by engine, quantiles.
    .target(
      name: "TicketLensMetrics", dependencies: ["TicketLensModel", "TicketLensWarehouse"],
      exclude: ["README.md"]),
    // Text insights: tokenizer, static embedding, sentiment, classifiers, topics, knowledge gaps.
    .target(
      name: "TicketLensInsights",
      dependencies: [
        "TicketLensModel", "TicketLensWarehouse", "TicketLensMetrics", "COpenBLAS",
      ],
      exclude: ["README.md", "Resources/README.md"],
      // all-MiniLM-L6-v2 (Apache-2.0, NOTICE): the sentence model, int8, and the static
      // embedding distilled from it.
      resources: [
        .copy("Resources/static-embedding.bin"), .copy("Resources/vocab.txt"),
        .copy("Resources/sentence-model.bin"), .copy("Resources/NOTICE"),
      ],
      // Optimized in debug builds too: the embedding, nearest-neighbour and clustering loops
      // run 100x slower unoptimized, which made the tests on public text sets take minutes.
      swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
    // Report writers: HTML (mustache templates, escaped), CSV, atomic file output.
    .target(
      name: "TicketLensReports",
      dependencies: [
        "TicketLensModel", "TicketLensWarehouse", "TicketLensMetrics", "TicketLensInsights",
        .product(name: "Mustache", package: "swift-mustache"),
      ], exclude: ["README.md"]),
    // Realistic synthetic exports for the sample data, tests and benchmarks.
    .target(name: "TicketLensSample", dependencies: ["TicketLensModel"], exclude: ["README.md"]),
    // Pipeline files, the stage runner, run accounting.
    .target(
      name: "TicketLensPipeline",
      dependencies: [
        "TicketLensModel", "TicketLensIngest", "TicketLensWarehouse", "TicketLensMetrics",
        "TicketLensInsights", "TicketLensReports", "CZlib", "CMalloc",
        .product(name: "Yams", package: "Yams"),
        .product(name: "Logging", package: "swift-log"),
      ], exclude: ["README.md"]),
    // The executable: argument parsing and printing only.
    .executableTarget(
      name: "ticketlens",
      dependencies: [
        "TicketLensPipeline", "TicketLensInsights", "TicketLensSample",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
      ], exclude: ["README.md"]),
    // The fuzzed entry points (shared by Fuzz/run.sh's libFuzzer build and the corpus tests).
    .target(
      name: "TicketLensFuzzTargets",
      dependencies: ["TicketLensIngest", "TicketLensModel", "TicketLensPipeline"],
      exclude: ["README.md"]),
    // The benchmark command (release build): parse, ingest, metric suite and classifier.
    .executableTarget(
      name: "ticketlens-bench",
      dependencies: [
        "TicketLensIngest", "TicketLensWarehouse", "TicketLensMetrics", "TicketLensReports",
        "TicketLensPipeline", "TicketLensSample", "TicketLensInsights",
      ]),
    // Where tests write their files (one folder per test process, removed at exit).
    .target(name: "TicketLensTestSupport", path: "Tests/TicketLensTestSupport"),
    .testTarget(
      name: "TicketLensInsightsTests",
      dependencies: ["TicketLensInsights", "TicketLensTestSupport"]
    ),
    .testTarget(name: "TicketLensModelTests", dependencies: ["TicketLensModel"]),
    .testTarget(
      name: "TicketLensIngestTests", dependencies: ["TicketLensIngest", "TicketLensTestSupport"],
      // Vendor API payloads written by others (VendorPayloadTests reads them from the tree).
      exclude: ["VendorPayloads"]),
    .testTarget(
      name: "TicketLensWarehouseTests",
      dependencies: ["TicketLensWarehouse", "TicketLensTestSupport"]
    ),
    .testTarget(
      name: "TicketLensMetricsTests", dependencies: ["TicketLensMetrics", "TicketLensWarehouse"]),
    .testTarget(
      name: "TicketLensReportsTests", dependencies: ["TicketLensReports", "TicketLensTestSupport"]),
    .testTarget(name: "TicketLensFuzzTargetsTests", dependencies: ["TicketLensFuzzTargets"]),
    .testTarget(
      name: "TicketLensPipelineTests",
      dependencies: ["TicketLensPipeline", "TicketLensSample", "TicketLensTestSupport"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "ticketlens", "TicketLensIngest", "TicketLensModel", "TicketLensPipeline",
        "TicketLensWarehouse", "TicketLensSample", "TicketLensInsights", "TicketLensReports",
        "TicketLensMetrics", "TicketLensTestSupport",
        .product(name: "Logging", package: "swift-log"),
      ],
      // The pinned CSVs of the sample run (GoldenTests reads them from the source tree).
      exclude: ["Golden", "TextEval"]),
  ],
  swiftLanguageModes: [.v6]
)

// libFuzzer executables exist only for Fuzz/run.sh (TICKETLENS_FUZZ=1, built with
// -sanitize=fuzzer): libFuzzer supplies their `main`.
if Context.environment["TICKETLENS_FUZZ"] == "1" {
  package.targets.append(
    .executableTarget(
      name: "ticketlens-fuzz", dependencies: ["TicketLensFuzzTargets"],
      path: "Fuzz/Sources/ticketlens-fuzz",
      swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
  package.products.append(.executable(name: "ticketlens-fuzz", targets: ["ticketlens-fuzz"]))
}
