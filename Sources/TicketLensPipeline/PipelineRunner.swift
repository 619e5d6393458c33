import CMalloc
import Foundation
import Logging
import TicketLensIngest
import TicketLensInsights
import TicketLensMetrics
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
  /// Stages to run (`ingest`, `ingest.<source>`, `metrics`, `reports`); nil runs all.
  public var stages: Set<String>? = nil
  /// Only source files modified at or after this instant are read (`--since`).
  public var since: Instant? = nil
  /// The instant the report describes (`--as-of`); default the newest update.
  public var asOf: Instant? = nil
  /// Called as a file loads (file, records so far, bytes parsed, bytes in all), for a progress
  /// bar on a terminal.
  public var progress: ((_ file: String, _ records: Int, _ done: Int, _ total: Int) -> Void)? = nil
  /// Called as a normalize step advances (step, rows done, rows in all), for a progress bar on a
  /// terminal; may be called from worker threads.
  public var stageProgress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)? = nil
  /// Which engine computes the report's metric tables (`--engine`).
  public var engine = MetricEngineKind.embedded

  /// Stage ids a pipeline has, in order (for `--only` / `--from`).
  public static func stageIDs(_ c: PipelineConfig) -> [String] {
    c.sources.map { "ingest.\($0.name)" } + ["normalize", "quality"] + reportStages
  }

  /// The stages that make the report from the loaded data; they are computed together (metrics,
  /// trends and insights side by side, then the files), so selecting one selects all four.
  public static let reportStages = ["metrics", "trends", "insights", "reports"]

  /// The stages `--only` or `--from` select; throws for an unknown stage id.
  public static func select(only: String?, from: String?, _ c: PipelineConfig) throws(ConfigError)
    -> Set<String>?
  {
    let ids = stageIDs(c)
    func check(_ s: String) throws(ConfigError) -> String {
      if s == "ingest" || ids.contains(s) { return s }
      var msg = "unknown stage '\(s)'"
      if let sug = Suggest.closest(s, in: ids + ["ingest"]) { msg += " (did you mean '\(sug)'?)" }
      throw ConfigError(file: c.file, msg + "; stages: ingest, " + ids.joined(separator: ", "))
    }
    var chosen: Set<String>
    if let only {
      let s = try check(only)
      chosen = s == "ingest" ? Set(ids.filter { $0.hasPrefix("ingest.") }) : [s]
    } else if let from {
      let s = try check(from)
      chosen = Set(ids[(s == "ingest" ? 0 : ids.firstIndex(of: s)!)...])
    } else {
      return nil
    }
    if !chosen.isDisjoint(with: reportStages) { chosen.formUnion(reportStages) }
    return chosen
  }

  func runs(_ stage: String) -> Bool { stages.map { $0.contains(stage) } ?? true }

  /// What `run` would do, without writing anything (`--dry-run`): each selected stage and each
  /// source file with what would happen to it.
  public func plan() throws -> [String] {
    var lines: [String] = []
    let existing = FileManager.default.fileExists(atPath: config.warehouse)
    let warehouse = existing ? try Warehouse(path: config.warehouse, readOnly: true) : nil
    lines.append("warehouse \(config.warehouse)" + (existing ? "" : " (would be created)"))
    for source in config.sources where runs("ingest.\(source.name)") {
      lines.append("stage ingest.\(source.name)")
      for p in source.paths {
        let files = SourceFiles.expand(p)
        if files.isEmpty { lines.append("  \(config.displayName(of: p)): nothing matches") }
        for file in files {
          let name = config.displayName(of: file)
          guard let st = FileFingerprint.stat(file) else {
            lines.append("  \(name): cannot be read")
            continue
          }
          if let since, st.mtime / 1_000_000 < since.milliseconds {
            lines.append("  \(name): not modified since \(since.iso8601), would not be read")
            continue
          }
          var status = "would be read"
          if incremental, let known = try warehouse?.fingerprint(source: source.name, path: name),
            known.size == st.size, known.mtime == st.mtime,
            let f = try? MappedFile(path: file),
            known.hash == FileFingerprint.hash(f.bytes, release: f.pageRelease)
          {
            status = "unchanged since it was loaded, would be skipped"
          }
          lines.append("  \(name) (\(st.size) bytes): \(status)")
        }
      }
    }
    if runs("normalize") {
      lines.append(
        "stage normalize: sentiment of new and changed rows"
          + (config.classify ? "; categories and priorities when tickets changed" : ""))
    }
    if runs("quality") {
      lines.append(
        "stage quality: \(Warehouse.qualityChecks(config.quality, runID: 0).count) data-quality checks"
      )
    }
    if runs("metrics") {
      lines.append(
        "stage metrics: \((config.report.isEmpty ? ReportSettings.defaultMetrics : config.report).count) tables"
      )
      var outputs: [String] = []
      if config.outputs.html { outputs.append("report.html") }
      if config.outputs.csv { outputs.append("CSV tables") }
      lines.append("stage reports: \(outputs.joined(separator: " and ")) under \(config.output)")
    }
    return lines
  }

  public init(config: PipelineConfig, logger: Logger, threads: Int = 0, incremental: Bool = true) {
    self.config = config
    self.logger = logger
    self.threads = threads
    self.incremental = incremental
  }

  public func run() throws -> RunOutcome {
    Memory.returnLargeBlocks()
    try AtomicFile_makeParent(of: config.warehouse)
    let warehouse = try Warehouse(path: config.warehouse)
    let runID = try warehouse.beginRun(
      command: "run", pipeline: config.file, startedAt: Clock.nowISO())
    var results: [FileResult] = []
    do {
      // Sentiment is scored as rows are read; the stage below scores what is left (rows of an
      // older scorer, or loaded without it).
      let ingestor = TicketIngestor(workers: threads, scoresSentiment: config.sentiment)
      for source in config.sources where runs("ingest.\(source.name)") {
        guard let zone = ZoneRules(identifier: source.timeZone) else { continue }
        var files: [String] = []
        for p in source.paths {
          let expanded = SourceFiles.expand(p)
          if expanded.isEmpty { logger.warning("source \(source.name): nothing matches \(p)") }
          files += expanded
        }
        for file in files {
          if let since, let st = FileFingerprint.stat(file),
            st.mtime / 1_000_000 < since.milliseconds
          {
            logger.info(
              "ingest \(config.displayName(of: file)): not modified since \(since.iso8601), not read"
            )
            continue
          }
          try Cancellation.check()
          let started = Date()
          let r = try ingestor.load(
            path: file, name: config.displayName(of: file), format: source.format,
            source: source.name, zone: zone, warehouse: warehouse, runID: runID,
            mapping: source.mapping, kind: source.kind, incremental: incremental,
            progress: progress.map { p in
              let name = config.displayName(of: file)
              return { records, done, total in p(name, records, done, total) }
            })
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
          for w in r.warnings { logger.warning("\(w)") }
        }
      }
      try Cancellation.check()
      let scoredAt = Date()
      let normalize = runs("normalize")
      let scored =
        normalize && config.sentiment
        ? try SentimentStage.run(
          warehouse, threads: threads, progress: stepProgress("normalize: sentiment")) : 0
      if scored > 0 {
        logger.info(
          "normalize: sentiment of \(scored) tickets and chats in \(Clock.seconds(since: scoredAt))"
        )
      }
      let classifiedAt = Date()
      if normalize, config.classify,
        let classified = try CategoryStage.run(
          warehouse, settings: config.categories, threads: threads,
          progress: stepProgress("normalize: categories"))
      {
        let how =
          classified.trained
          ? "\(classified.tickets) tickets (models trained)"
          : "\(classified.tickets) new or changed tickets (kept models)"
        let training = classified.trainingSeconds.map {
          String(format: " (training %.2f s)", $0)
        }
        logger.info(
          "normalize: categories and priorities of \(how) in \(Clock.seconds(since: classifiedAt))\(training ?? "")"
        )
      }
      // What ingest and the classifiers freed goes back to the system before the report stages
      // load their columns (the allocator keeps it otherwise: 300 MB at 1M tickets).
      Memory.returnFreed()
      let outcome = RunOutcome(
        runID: runID, files: results, status: "succeeded", exitCode: 0, report: nil, message: nil)
      let total = outcome.total
      let exceeded =
        total.read > 0 && Double(total.rejected) / Double(total.read) > config.rejectThreshold
      // The data-quality gate: checks after loading; an error fails the run after the report.
      var qualityErrors: [String] = []
      // The report reads every metric column: when it follows, the column cache is brought up
      // to date with all of them before it, so that a rebuild after a change does not run
      // beside the report's insights (a lower peak). The quality checks are SQL and read no
      // columns: the rebuild runs beside them, on a connection of its own (at 1M tickets the
      // rebuild is half serial, and the checks take 0.8 s of one core).
      let columns: Background<Double?>? =
        runs("quality") && runs("metrics")
        ? Background { [path = config.warehouse] in
          let started = Date()
          let rebuilt = try Warehouse(path: path, readOnly: true).prepareColumnCache()
          return rebuilt ? Date().timeIntervalSince(started) : nil
        } : nil
      do {
        if runs("quality") {
          // Each file's accounting was stored with its load (`run_files`), which one check reads.
          let checkedAt = Date()
          // The checks of stored data are reused when the data and the settings are unchanged.
          let cache = SectionCache(warehouse: config.warehouse)
          let key = [
            try warehouse.contentKey(), SectionCache.programKey,
            canonicalDescription(config.quality),
          ].joined(separator: "\n")
          let reuse =
            incremental
            ? cache.readQuality(
              key: key, checks: Warehouse.qualityChecks(config.quality, runID: runID)) : [:]
          let quality = try warehouse.runQualityChecks(config.quality, runID: runID, reuse: reuse)
          if reuse.isEmpty { cache.writeQuality(key: key, quality) }
          try warehouse.storeQualityResults(quality, runID: runID)
          for q in quality where q.status != "pass" {
            let line =
              "quality \(q.check.name): \(q.failed) of \(q.checked) rows fail (\(q.check.description)), e.g. \(q.examples.prefix(3).map { "\($0.source)/\($0.id)" }.joined(separator: ", "))"
            if q.status == "error" {
              logger.error("\(line)")
              qualityErrors.append(q.check.name)
            } else {
              logger.warning("\(line)")
            }
          }
          let reused = reuse.isEmpty ? "" : " (\(reuse.count) reused: data and settings unchanged)"
          logger.info(
            "quality: \(quality.count) checks, \(quality.count { $0.status == "pass" }) pass in \(Clock.seconds(since: checkedAt))\(reused)"
          )
        }
      } catch {
        // The rebuild reads the warehouse: it ends before the run does.
        _ = try? columns?.value()
        throw error
      }
      if let seconds = try columns?.value() {
        logger.info("columns: the report's metric columns cached in \(Clock.seconds(seconds))")
      }
      let failedGate = !qualityErrors.isEmpty
      let (status, exitCode): (String, Int32) =
        exceeded ? ("rejected_threshold", 3) : failedGate ? ("quality_failed", 4) : ("succeeded", 0)
      var message: String? = nil
      if exceeded {
        message =
          "rejected \(total.rejected) of \(total.read) records (\(percent(total.rejected, total.read))), above the threshold of \(config.rejectThreshold * 100)%"
      } else if failedGate {
        message = "data-quality checks failed: " + qualityErrors.joined(separator: ", ")
      }
      var report: ReportOutput? = nil
      if runs("reports") {
        try Cancellation.check()
        let started = Date()
        var settings = ReportSettings(pipeline: config, threads: threads)
        settings.asOf = asOf
        settings.retention = config.outputs.retention
        settings.reuseSections = incremental
        if engine == .spark {
          settings.precomputedTables = try sparkTables(warehouse, settings)
        }
        let written = try ReportBuilder.write(
          warehouse: warehouse, settings: settings, runID: runID, thresholdExceeded: exceeded)
        for (stage, seconds) in written.stageSeconds {
          let how =
            written.reusedStages.contains(stage)
            ? " (reused: data and settings unchanged)"
            : written.stageNotes[stage].map { " (\($0))" } ?? ""
          logger.info("\(stage): \(String(format: "%.2f", seconds)) s\(how)")
        }
        for w in written.warnings { logger.warning("\(w)") }
        logger.info(
          "report \(written.html ?? written.folder) in \(Clock.seconds(since: started))")
        report = written
      }
      try warehouse.finishRun(
        runID, status: status, endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: message)
      return RunOutcome(
        runID: runID, files: results, status: status, exitCode: exitCode, report: report,
        message: message)
    } catch {
      let status = error is Cancellation.Cancelled ? "cancelled" : "failed"
      try? warehouse.finishRun(
        runID, status: status, endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: "\(error)")
      throw error
    }
  }

  /// Writes the facts and has Spark compute the report's metric tables from them.
  func sparkTables(_ warehouse: Warehouse, _ settings: ReportSettings) throws -> [MetricTable] {
    let started = Date()
    let summary = try writeFacts(warehouse)
    logger.info(
      "facts: \(summary.tickets) tickets, \(summary.chats) chats in \(summary.partitions) partitions (\(summary.written) written, \(summary.unchanged) unchanged, \(summary.removed) removed) in \(Clock.seconds(since: started))"
    )
    let asOf = FactsManifest.read(summary.directory)?.asOfMilliseconds ?? 0
    let script = try SparkEngine.script(
      settings: settings, asOf: Instant(milliseconds: asOf), factsDirectory: summary.directory,
      format: config.spark.format)
    let submitted = Date()
    // The same script over the same facts gives the same tables: Spark's last results are
    // reused unless --reload.
    let manifest =
      FileManager.default.contents(atPath: summary.directory + "/" + FactsExport.manifestName)
      ?? Data()
    let (tables, reused) = try SparkEngine.submit(
      script, spark: config.spark, workDirectory: summary.directory + "/_spark_run",
      reuseKey: incremental ? script.text + "\n" + String(decoding: manifest, as: UTF8.self) : nil)
    logger.info(
      reused
        ? "spark: \(tables.count) tables reused (the same script over the same facts) in \(Clock.seconds(since: submitted))"
        : "spark: \(tables.count) tables from \(config.spark.master ?? "spark-submit's default master") in \(Clock.seconds(since: submitted))"
    )
    return tables
  }

  /// Writes the per-record facts of the warehouse's data to the pipeline's facts folder
  /// (`ticketlens facts`, and before a Spark run), rewriting only partitions that changed.
  public func writeFacts(
    _ warehouse: Warehouse, to directory: String? = nil,
    rowGroup: Int = FactsExport.defaultRowGroup
  ) throws -> FactsSummary {
    let settings = ReportSettings(pipeline: config, threads: threads)
    guard let zone = ZoneRules(identifier: settings.timeZone) else {
      throw MetricQueryError("unknown time zone '\(settings.timeZone)'")
    }
    let dir = directory ?? config.factsDirectory
    // Nothing new since the last export (same data, settings and program): nothing to write.
    let key = [
      try warehouse.contentKey(), "as_of=\(asOf.map { "\($0.milliseconds)" } ?? "data")",
      "facts=\(FactSchema.version) \(config.spark.format.rawValue) \(rowGroup)",
      SectionCache.programKey,
      // Structures, not their descriptions: a dictionary's description changes order from
      // process to process.
      canonicalDescription(
        (settings.timeZone, settings.schedule, settings.sla, settings.escalation)),
    ].joined(separator: "\n")
    if incremental, let done = FactsExport.current(dir, key: key) { return done }
    let data = try MetricDataLoader.load(
      warehouse, asOf: asOf, schedule: settings.schedule, sla: settings.sla,
      escalation: settings.escalation)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let ids = (
      tickets: try warehouse.recordIDs(chats: false), chats: try warehouse.recordIDs(chats: true)
    )
    return try FactsExport.write(
      data, ids: ids, zone: zone, zoneName: settings.timeZone, to: dir,
      format: config.spark.format, key: key, rowGroup: rowGroup)
  }

  /// `stageProgress` for one step, or nil without it.
  func stepProgress(_ step: String) -> (@Sendable (_ done: Int, _ total: Int) -> Void)? {
    guard let p = stageProgress else { return nil }
    return { done, total in p(step, done, total) }
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
    seconds(Date().timeIntervalSince(d))
  }

  public static func seconds(_ s: Double) -> String {
    String(format: "%.2f s", s)
  }
}

/// The allocator's free memory.
enum Memory {
  /// Large blocks (1 MiB and up: column arrays, text blocks, vector chunks) get pages of their
  /// own that go back to the system when freed; glibc would otherwise raise that threshold after
  /// the first such block is freed and keep the later ones in its heap, where a freed block
  /// stays resident.
  static func returnLargeBlocks() {
    #if os(Linux)
      _ = mallopt(M_MMAP_THRESHOLD, 1 << 20)
    #endif
  }

  /// Returns freed heap memory to the system (glibc keeps it in its arenas otherwise); nothing
  /// elsewhere.
  static func returnFreed() {
    #if os(Linux)
      _ = malloc_trim(0)
    #endif
  }
}
