import Foundation
import Logging
import TicketLensIngest
import TicketLensModel
import TicketLensWarehouse

/// How a run ended, and what the CLI should exit with.
public struct RunOutcome: Sendable {
  public var runID: Int64
  public var files: [FileResult]
  /// `succeeded`, `rejected_threshold` or `failed`.
  public var status: String
  /// 0 success, 1 failure, 3 reject threshold exceeded (report still written, marked).
  public var exitCode: Int32
  public var report: ReportOutput?
  public var message: String?

  /// Totals over all files.
  public var total: FileAccounting {
    files.reduce(into: FileAccounting(file: "total")) { t, f in
      t.read += f.accounting.read
      t.inserted += f.accounting.inserted
      t.updated += f.accounting.updated
      t.unchanged += f.accounting.unchanged
      t.superseded += f.accounting.superseded
      t.rejected += f.accounting.rejected
    }
  }
}

/// Runs a pipeline: ingest every source file → compute the report's metrics → write reports.
public struct PipelineRunner {
  public var config: PipelineConfig
  public var logger: Logger
  public var threads: Int
  /// Skip files loaded before unchanged (size, time, content); false reads everything again.
  public var incremental: Bool

  public init(config: PipelineConfig, logger: Logger, threads: Int = 0, incremental: Bool = true) {
    self.config = config
    self.logger = logger
    self.threads = threads
    self.incremental = incremental
  }

  public func run() throws -> RunOutcome {
    try AtomicFile_makeParent(of: config.warehouse)
    let warehouse = try Warehouse(path: config.warehouse)
    let runID = try warehouse.beginRun(
      command: "run", pipeline: config.file, startedAt: Clock.nowISO())
    var results: [FileResult] = []
    do {
      let ingestor = TicketIngestor(workers: threads)
      for source in config.sources {
        guard let zone = ZoneRules(identifier: source.timeZone) else { continue }
        var files: [String] = []
        for p in source.paths {
          let expanded = SourceFiles.expand(p)
          if expanded.isEmpty { logger.warning("source \(source.name): nothing matches \(p)") }
          files += expanded
        }
        for file in files {
          let started = Date()
          let r = try ingestor.load(
            path: file, name: config.displayName(of: file), format: source.format,
            source: source.name, zone: zone, warehouse: warehouse, runID: runID,
            mapping: source.mapping, kind: source.kind, incremental: incremental)
          results.append(r)
          let a = r.accounting
          if a.skipped {
            logger.info("ingest \(a.file): skipped, unchanged since it was loaded")
            continue
          }
          logger.info(
            "ingest \(r.accounting.file): read \(a.read), inserted \(a.inserted), updated \(a.updated), unchanged \(a.unchanged), superseded \(a.superseded), rejected \(a.rejected) in \(Clock.seconds(since: started))"
          )
          if let f = a.failed { logger.error("file failed: \(file): \(f)") }
        }
      }
      let outcome = RunOutcome(
        runID: runID, files: results, status: "succeeded", exitCode: 0, report: nil, message: nil)
      let total = outcome.total
      let exceeded =
        total.read > 0 && Double(total.rejected) / Double(total.read) > config.rejectThreshold
      let started = Date()
      var settings = ReportSettings(
        title: "TicketLens report: \(config.name)", producedBy: "pipeline \(config.name)",
        timeZone: config.timeZone,
        metrics: config.report.isEmpty ? ReportSettings.defaultMetrics : config.report,
        output: config.output, threads: threads, schedule: config.schedules.first,
        sla: config.sla)
      settings.writeHTML = config.outputs.html
      settings.writeCSV = config.outputs.csv
      let report = try ReportBuilder.write(
        warehouse: warehouse, settings: settings, runID: runID, thresholdExceeded: exceeded)
      logger.info("report \(report.html ?? report.folder) in \(Clock.seconds(since: started))")
      var message: String? = nil
      if exceeded {
        message =
          "rejected \(total.rejected) of \(total.read) records (\(percent(total.rejected, total.read))), above the threshold of \(config.rejectThreshold * 100)%"
      }
      let status = exceeded ? "rejected_threshold" : "succeeded"
      try warehouse.finishRun(
        runID, status: status, endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: message)
      return RunOutcome(
        runID: runID, files: results, status: status, exitCode: exceeded ? 3 : 0, report: report,
        message: message)
    } catch {
      let status = error is Cancellation.Cancelled ? "cancelled" : "failed"
      try? warehouse.finishRun(
        runID, status: status, endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: "\(error)")
      throw error
    }
  }

  func percent(_ a: Int, _ b: Int) -> String {
    let p = (Double(a) / Double(max(1, b)) * 1000).rounded() / 10
    return "\(p)%"
  }
}

/// Creates the folder that will hold `path`.
func AtomicFile_makeParent(of path: String) throws {
  let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
}

/// Wall-clock helpers (run history only; reports never depend on the clock).
public enum Clock {
  public static func nowISO() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: Date())
  }

  public static func seconds(since d: Date) -> String {
    let s = Date().timeIntervalSince(d)
    return String(format: "%.2f s", s)
  }
}
