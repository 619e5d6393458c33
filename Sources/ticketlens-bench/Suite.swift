import Dispatch
import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse

/// The metric suite of the DuckDB comparison (issue 4), written as one CSV per table.
enum Suite {
  static let sla = SLAPolicy(
    name: "bench", firstReply: [.urgent: 60, .high: 240, .normal: 480, .low: 1440])

  static func queries() -> [(String, MetricQuery)] {
    func q(
      _ m: MetricDefinition, by: [String] = [], grain: Grain? = nil, stats: [Statistic] = [.count]
    ) -> MetricQuery {
      var x = MetricQuery(metric: m)
      x.by = by
      x.grain = grain
      x.stats = stats
      return x
    }
    return [
      ("tickets_created_per_day_channel", q(Catalog.ticketsCreated, by: ["channel"], grain: .day)),
      (
        "first_reply_per_assignee",
        q(Catalog.firstReplyTime, by: ["assignee"], stats: [.count, .median, .p90])
      ),
      (
        "full_resolution_per_priority",
        q(Catalog.fullResolutionTime, by: ["priority"], stats: [.count, .median])
      ),
      ("sla_first_reply_per_priority", q(Catalog.slaFirstReply, by: ["priority"])),
      ("csat_per_assignee_month", q(Catalog.csat, by: ["assignee"], grain: .month)),
      ("backlog_per_day", q(Catalog.backlog, grain: .day)),
      ("reopen_rate_per_group", q(Catalog.reopenRate, by: ["group"])),
      ("chats_per_day", q(Catalog.chats, grain: .day)),
      ("missed_rate_per_day", q(Catalog.missedChatRate, grain: .day)),
      ("chat_wait_median_per_day", q(Catalog.chatWaitTime, grain: .day, stats: [.count, .median])),
    ]
  }

  /// With SUITE_TRACE set: a line with the resident and peak memory so far.
  static func trace(_ what: String) {
    guard ProcessInfo.processInfo.environment["SUITE_TRACE"] != nil else { return }
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let memory = status.split(separator: "\n").filter {
      $0.hasPrefix("VmRSS") || $0.hasPrefix("VmHWM")
    }
    .map { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "" }
    print(what, "rss_kb=\(memory.last ?? "") peak_kb=\(memory.first ?? "")")
  }

  /// Loads the facts, runs the suite, writes the CSVs; returns seconds per phase.
  static func run(warehouse: String, out: String, threads: Int) throws -> (
    load: Double, metrics: Double, write: Double
  ) {
    let t0 = DispatchTime.now().uptimeNanoseconds
    let wh = try Warehouse(path: warehouse, readOnly: true)
    let queries = queries()
    let columns = queries.map { MetricEngine.columns(for: $0.1) }.reduce(ColumnSelection()) {
      $0.union($1)
    }
    let data = try MetricDataLoader.load(wh, sla: sla, columns: columns)
    let t1 = DispatchTime.now().uptimeNanoseconds
    trace("loaded")
    let engine = MetricEngine(threads: threads)
    var tables: [(String, MetricTable)] = []
    for (name, q) in queries {
      let a = DispatchTime.now().uptimeNanoseconds
      tables.append((name, try engine.run(q, data: data)))
      trace("\(name) \(Double(DispatchTime.now().uptimeNanoseconds - a) / 1e9)")
    }
    let t2 = DispatchTime.now().uptimeNanoseconds
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    for (name, t) in tables {
      try AtomicFile.write(CSVWriter().render(t), to: out + "/" + name + ".csv")
    }
    let t3 = DispatchTime.now().uptimeNanoseconds
    return (Double(t1 - t0) / 1e9, Double(t2 - t1) / 1e9, Double(t3 - t2) / 1e9)
  }
}
