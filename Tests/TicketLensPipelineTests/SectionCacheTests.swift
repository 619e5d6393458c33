import Foundation
import Testing
import TicketLensMetrics
@testable import TicketLensModel
@testable import TicketLensPipeline
import TicketLensReports

struct SectionCacheTests {
  static let section = ReportSection(
    metrics: [
      ReportMetric(
        title: "Tëst <table>", definition: "d",
        table: MetricTable(
          metric: "m", columns: ["a", "b", "c", "d"],
          rows: [
            [.text("x,\"y\"\n"), .int(-3), .real(0.1 + 0.2), .null],
            [.text(""), .int(Int.max), .real(.nan), .real(-.infinity)],
            [.text("😀"), .int(0), .real(-0.0), .real(1e-300)],
          ]), csvName: "t.csv", chart: nil),
      ReportMetric(
        title: "empty", definition: "", table: MetricTable(metric: "e", columns: [], rows: []),
        csvName: "e.csv", chart: "<svg/>"),
    ],
    kpis: [
      KPI(label: "k", value: "1", note: "n", sparkline: "<svg>s</svg>"),
      KPI(label: "", value: "", note: ""),
    ]
  )

  @Test func sectionsReadBackExactlyAndOnlyForTheirKey() throws {
    let cache = SectionCache(warehouse: scratch() + "/w.sqlite")
    cache.write("insights", key: "key 1", Self.section)
    let back = try #require(cache.read("insights", key: "key 1"))
    #expect(back.kpis == Self.section.kpis)
    #expect(back.metrics.count == 2)
    for (a, b) in zip(back.metrics, Self.section.metrics) {
      #expect(a.title == b.title && a.definition == b.definition && a.csvName == b.csvName)
      #expect(a.chart == b.chart && a.table.metric == b.table.metric)
      #expect(a.table.columns == b.table.columns)
      // Reals by their bits (NaN compares unequal to itself as a value).
      #expect(
        a.table.rows.map { $0.map(\.bits) } == b.table.rows.map { $0.map(\.bits) })
    }
    #expect(cache.read("insights", key: "key 2") == nil)
    #expect(cache.read("trends", key: "key 1") == nil)
  }

  @Test func aDamagedOrTruncatedFileIsAMiss() throws {
    let cache = SectionCache(warehouse: scratch() + "/w.sqlite")
    cache.write("metrics", key: "k", Self.section)
    let path = cache.file("metrics")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    for cut in [0, 5, 30, bytes.count / 2, bytes.count - 1] {
      try bytes.prefix(cut).write(to: URL(fileURLWithPath: path))
      #expect(cache.read("metrics", key: "k") == nil, "cut at \(cut)")
    }
    try (bytes + Data([0])).write(to: URL(fileURLWithPath: path))
    #expect(cache.read("metrics", key: "k") == nil)
    var flipped = bytes
    flipped[bytes.count - 40] ^= 0xFF
    try flipped.write(to: URL(fileURLWithPath: path))
    if let r = cache.read("metrics", key: "k") {
      // A flipped byte inside a string reads back as another string, never as a crash.
      #expect(r.metrics.count == 2)
    }
  }

  @Test func settingsDescribeTheSameWhateverTheirSetAndDictionaryOrder() {
    let a: [String: Set<Int>] = ["x": [1, 2, 3], "y": [9, 8]]
    var b: [String: Set<Int>] = [:]
    b["y"] = [8, 9]
    b["x"] = [3, 2, 1]
    #expect(canonicalDescription(a) == canonicalDescription(b))
    #expect(canonicalDescription(a) != canonicalDescription(["x": Set([1, 2])]))
    let berlin = ZoneRules(identifier: "Europe/Berlin")!
    _ = berlin.civilDate(of: Instant(milliseconds: 0))  // fills its cache of computed years
    #expect(
      canonicalDescription(berlin) == canonicalDescription(ZoneRules(identifier: "Europe/Berlin")!))
    #expect(
      canonicalDescription(berlin) != canonicalDescription(ZoneRules(identifier: "Europe/Paris")!))
  }
}

extension Cell {
  fileprivate var bits: String {
    switch self {
    case .real(let d): "r\(d.bitPattern)"
    default: "\(self)"
    }
  }
}
