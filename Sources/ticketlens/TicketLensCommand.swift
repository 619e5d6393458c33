import ArgumentParser
import Foundation
import Logging
import TicketLensIngest
import TicketLensInsights
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensSample
import TicketLensWarehouse

@main
struct TicketLens: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ticketlens",
    abstract: "Turn customer-service exports into support metrics and reports.",
    version: "0.1.0",
    subcommands: [
      RunCommand.self, IngestCommand.self, ExportCommand.self, MetricsCommand.self,
      RunsCommand.self, SampleCommand.self, InspectCommand.self, KBCommand.self,
      TrendsCommand.self, ForecastCommand.self, CustomersCommand.self, PipelineCommand.self,
      ReportCommand.self, OpenCommand.self, GapsCommand.self, FollowUpsCommand.self,
      CategoriesCommand.self, QualityCommand.self,
    ])

  /// Parses and runs; usage errors exit 2, failures 1 (documented in the README).
  static func main() {
    // Everything TicketLens creates (warehouse, cache, lock, reports) is for its owner only.
    umask(0o077)
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let e as ExitCode {
      Foundation.exit(e.rawValue)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
      Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
    }
  }
}

/// Options every command that logs shares.
struct LoggingOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Print only errors.") var quiet = false
  @Flag(name: .shortAndLong, help: "Print debug details.") var verbose = false
  @Option(help: "text, or json (one object per line, for log collectors).") var logFormat = "text"

  func validate() throws {
    guard logFormat == "text" || logFormat == "json" else {
      throw ValidationError("--log-format must be text or json")
    }
  }

  func bootstrap() -> Logger {
    let level: Logger.Level = quiet ? .error : (verbose ? .debug : .info)
    let json = logFormat == "json"
    LoggingSystem.bootstrap { label in
      if json {
        var h = JSONLogHandler(label: label)
        h.logLevel = level
        return h
      }
      var h = StreamLogHandler.standardError(label: label)
      h.logLevel = level
      return h
    }
    return Logger(label: "ticketlens")
  }
}

/// Log lines as JSON objects on stderr: `{"time", "level", "label", "message"}`.
struct JSONLogHandler: LogHandler {
  let label: String
  var logLevel: Logger.Level = .info
  var metadata: Logger.Metadata = [:]

  subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  func log(event: LogEvent) {
    let line =
      "{\"time\": \(JSONText.quote(Clock.nowISO())), \"level\": \(JSONText.quote(event.level.rawValue)), "
      + "\"label\": \(JSONText.quote(label)), \"message\": \(JSONText.quote(event.message.description))}\n"
    FileHandle.standardError.write(Data(line.utf8))
  }
}

/// Prints a failure and exits with the documented code.
func fail(_ error: Error) -> ExitCode {
  let (code, text): (Int32, String) =
    switch error {
    case let e as Cancellation.Cancelled: (e.exitCode, e.description)
    case let e as WriterLock.Busy: (1, e.description)
    case let e as ConfigError: (2, e.description)
    case let e as MetricQueryError: (2, e.description)
    case let e as WarehouseError: (1, e.description)
    case let e as OutputError: (1, e.description)
    case let e as SampleError: (1, e.description)
    default: (1, "\(error)")
    }
  FileHandle.standardError.write(Data(("error: " + text + "\n").utf8))
  return ExitCode(code)
}

func printAccounting(_ files: [FileResult]) {
  for f in files {
    let a = f.accounting
    if a.skipped {
      print("\(a.file): skipped, unchanged since it was loaded (same size, time and content)")
      continue
    }
    var line =
      "\(a.file): read \(a.read) = inserted \(a.inserted) + updated \(a.updated) + unchanged \(a.unchanged) + superseded \(a.superseded) + rejected \(a.rejected)"
    if let failed = a.failed { line += " (file failed: \(failed))" }
    print(line)
  }
  let loaded = files.reduce(0) { $0 + $1.accounting.inserted + $1.accounting.updated }
  if loaded == 0 && !files.isEmpty && files.allSatisfy({ $0.accounting.failed == nil }) {
    print("nothing changed: every record was already in the warehouse (or was rejected)")
  }
}

struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a pipeline: ingest its sources, compute metrics, write reports.")

  @Argument(help: "The pipeline file (YAML).") var pipeline: String
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Flag(
    help:
      "Read files again even when unchanged since their last load, and recompute every report section."
  ) var reload = false
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @Option(
    help: "Run only this stage (ingest, ingest.SOURCE, normalize, quality, metrics, reports).")
  var only: String?
  @Option(help: "Run from this stage on.") var from: String?
  @Option(help: "Read only source files modified since this date or instant.") var since: String?
  @Option(help: "The instant the report describes (default: the newest update).") var asOf: String?
  @Flag(help: "Print what would happen, change nothing.") var dryRun = false
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms in every output.")
  var redact = false
  @OptionGroup var logging: LoggingOptions

  func instant(_ text: String?, _ flag: String) throws -> Instant? {
    guard let text else { return nil }
    if let d = CivilDate(iso8601: text) {
      return Instant(seconds: Int64(d.daysSinceEpoch) * 86_400)
    }
    guard case .success(let i) = TimestampParser().parse(text) else {
      throw ValidationError("\(flag): '\(text)' is not a date or timestamp")
    }
    return i
  }

  func run() throws {
    let logger = logging.bootstrap()
    Cancellation.install()
    do {
      var config = try PipelineConfig.load(path: pipeline)
      if redact { config.redact = true }
      var runner = PipelineRunner(
        config: config, logger: logger, threads: threads, incremental: !reload)
      runner.stages = try PipelineRunner.select(only: only, from: from, config)
      runner.since = try instant(since, "--since")
      runner.asOf = try instant(asOf, "--as-of")
      if !logging.quiet && isatty(STDERR_FILENO) == 1 {
        let bar = ProgressBar()
        runner.progress = bar.update
        runner.stageProgress = { bar.step($0, $1, $2) }
      }
      if dryRun {
        for line in try runner.plan() { print(line) }
        return
      }
      let lock = try WriterLock(warehouse: config.warehouse, wait: wait, command: "run \(pipeline)")
      defer { withExtendedLifetime(lock) {} }
      let outcome = try runner.run()
      if !logging.quiet {
        printAccounting(outcome.files)
        if let r = outcome.report { print("report: \(r.html ?? r.folder)") }
      }
      if let m = outcome.message {
        FileHandle.standardError.write(Data(("error: " + m + "\n").utf8))
      }
      if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    } catch let e as ExitCode {
      throw e
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

struct IngestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ingest", abstract: "Load export files into the warehouse without a pipeline.")

  @Argument(help: "Export files to load.") var files: [String]
  @Option(help: "The input format (default: detected from the content); see the README.")
  var format: String?
  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"
  @Option(help: "Zone of timestamps without an offset (IANA).") var sourceTimezone = "UTC"
  @Option(help: "Source name, half of each ticket's key.") var source = "default"
  @Flag(help: "Print one JSON object per file.") var json = false
  @Flag(help: "Read files again even when unchanged since their last load.") var reload = false
  @Flag(help: "Do not score sentiment while loading (a later run scores what is missing).")
  var noSentiment = false
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @OptionGroup var logging: LoggingOptions

  func validate() throws {
    if let format, InputFormat(rawValue: format) == nil {
      throw ValidationError(
        "unknown format '\(format)'; use one of "
          + InputFormat.allCases.map(\.rawValue).joined(separator: ", "))
    }
    if ZoneRules(identifier: sourceTimezone) == nil {
      throw ValidationError("'\(sourceTimezone)' is not an IANA time zone")
    }
  }

  func run() throws {
    _ = logging.bootstrap()
    Cancellation.install()
    do {
      try FileManager.default.createDirectory(
        atPath: URL(fileURLWithPath: warehouse).deletingLastPathComponent().path,
        withIntermediateDirectories: true)
      let lock = try WriterLock(warehouse: warehouse, wait: wait, command: "ingest")
      defer { withExtendedLifetime(lock) {} }
      let wh = try Warehouse(path: warehouse)
      let runID = try wh.beginRun(command: "ingest", pipeline: nil, startedAt: Clock.nowISO())
      let ingestor = TicketIngestor(workers: threads, scoresSentiment: !noSentiment)
      var results: [FileResult] = []
      do {
        for f in files {
          results.append(
            try ingestor.load(
              path: f, format: format.flatMap(InputFormat.init(rawValue:)), source: source,
              zone: ZoneRules(identifier: sourceTimezone)!, warehouse: wh, runID: runID,
              incremental: !reload))
        }
        if !noSentiment { try SentimentStage.run(wh, threads: threads) }
      } catch {
        try? wh.finishRun(
          runID, status: error is Cancellation.Cancelled ? "cancelled" : "failed",
          endedAt: Clock.nowISO(), files: results.map(\.accounting), message: "\(error)")
        throw error
      }
      try wh.finishRun(
        runID, status: "succeeded", endedAt: Clock.nowISO(), files: results.map(\.accounting),
        message: nil)
      if json {
        for r in results {
          let a = r.accounting
          let errors = (r.errors.isEmpty && a.failed != nil ? [a.failed!] : r.errors)
          print(
            "{\"file\": \(JSONText.quote(a.file)), \"read\": \(a.read), \"inserted\": \(a.inserted), \"updated\": \(a.updated), \"unchanged\": \(a.unchanged), \"superseded\": \(a.superseded), \"rejected\": \(a.rejected), \"errors\": ["
              + errors.map(JSONText.quote).joined(separator: ", ") + "], \"warnings\": ["
              + r.warnings.map(JSONText.quote).joined(separator: ", ") + "]}")
        }
      } else if !logging.quiet {
        printAccounting(results)
        // Warnings name keys and formats, never values.
        for r in results { for w in r.warnings { print("  warning: \(w)") } }
        // Problem messages quote the offending values: only on request (`--verbose`).
        for r in results where !r.errors.isEmpty {
          if logging.verbose {
            for e in r.errors.prefix(5) { print("  \(e)") }
          } else {
            print(
              "  \(r.errors.count) problem(s) in \(r.accounting.file): --verbose prints them; all are in the rejects table"
            )
          }
        }
      }
      if results.contains(where: { $0.accounting.failed != nil }) { throw ExitCode(1) }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export", abstract: "Print one metric as CSV, TSV or JSON from the warehouse.")

  @Argument(help: "Metric id (`ticketlens metrics` lists them).") var metric: String
  @Option(help: "Dimensions, comma-separated.") var by: String?
  @Option(help: "day, week or month.") var grain: String?
  @Option(help: "First cohort date (YYYY-MM-DD), inclusive.") var from: String?
  @Option(help: "Last cohort date (YYYY-MM-DD), inclusive.") var to: String?
  @Option(name: .customLong("where"), help: "DIM=VALUE filter (repeatable).") var filters:
    [String] = []
  @Option(help: "Statistics for durations, comma-separated.") var stats = "count,mean,median,p90"
  @Option(help: "minutes, seconds or hours.") var unit = "minutes"
  @Flag(help: "Emit every period in range.") var fill = false
  @Option(help: "csv, tsv or json.") var format = "csv"
  @Flag(help: "Add a BOM and CRLF line ends for Excel.") var excel = false
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms.") var redact = false
  @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "Take the warehouse and time zone from this pipeline file.") var pipeline: String?
  @Option(help: "Report time zone (IANA).") var timezone: String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Flag(help: "Durations in business hours (the pipeline's first schedule).") var business = false
  @Option(help: "The instant the data describes (default: the newest update).") var asOf: String?
  @Option(help: "First-reply SLA targets in minutes, e.g. urgent=60,high=240.") var sla: String?
  @Option(help: "Resolution SLA targets in minutes, e.g. urgent=480.") var slaResolution: String?

  func run() throws {
    do {
      var whPath = warehouse ?? "reports/ticketlens.sqlite"
      var zone = timezone ?? "UTC"
      var schedule: BusinessSchedule? = nil
      var policy: SLAPolicy? = nil
      var escalation = EscalationRule()
      var redactOutput = redact
      if let pipeline {
        let cfg = try PipelineConfig.load(path: pipeline)
        if warehouse == nil { whPath = cfg.warehouse }
        if timezone == nil { zone = cfg.timeZone }
        schedule = cfg.schedules.first
        policy = cfg.sla
        escalation = cfg.escalation
        redactOutput = redactOutput || cfg.redact
      }
      if sla != nil || slaResolution != nil {
        var p = policy ?? SLAPolicy(name: "command line")
        if let sla { p.firstReply = try MetricDataLoader.targets(sla, flag: "--sla") }
        if let slaResolution {
          p.resolution = try MetricDataLoader.targets(slaResolution, flag: "--sla-resolution")
        }
        policy = p
      }
      var e = MetricExport(metric: metric)
      e.by = by.map { $0.split(separator: ",").map { String($0).trimmingSpaces } } ?? []
      e.grain = grain
      e.from = from
      e.to = to
      e.filters = filters
      e.stats = stats.split(separator: ",").map { String($0).trimmingSpaces }
      e.unit = unit
      e.fill = fill
      guard let f = MetricExport.Format(rawValue: format) else {
        throw MetricQueryError("unknown format '\(format)'; use csv, tsv or json")
      }
      e.format = f
      e.excel = excel
      e.timeZone = zone
      e.threads = threads
      e.business = business
      e.asOf = asOf
      e.schedule = schedule
      e.sla = policy
      e.escalation = escalation
      _ = try e.query()
      try requireWarehouse(whPath)
      let wh = try Warehouse(path: whPath, readOnly: true)
      if redactOutput { e.redactor = try wh.redactor() }
      let text = try e.render(warehouse: wh)
      if let output {
        try AtomicFile.write(text, to: output)
      } else {
        FileHandle.standardOutput.write(Data(text.utf8))
      }
    } catch {
      throw fail(error)
    }
  }
}

struct MetricsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "metrics", abstract: "List the metric catalog with definitions.")

  func run() {
    for m in Catalog.all {
      let kind: String
      switch m.kind {
      case .count: kind = "count"
      case .duration: kind = m.hasBusinessVariant ? "duration, calendar or business" : "duration"
      case .value: kind = "value"
      case .rate: kind = "rate"
      case .backlog: kind = "count at period end"
      case .concurrency: kind = "mean"
      }
      print("\(m.id) (\(m.table.rawValue), \(kind)): \(m.definition)")
    }
    print("dimensions: " + Catalog.dimensions.joined(separator: ", "))
    print("grains: " + Grain.allCases.map(\.rawValue).joined(separator: ", "))
  }
}

struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs", abstract: "Show the run history stored in the warehouse.")

  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"
  @Option(help: "How many runs.") var limit = 20

  func run() throws {
    do {
      let wh = try Warehouse(path: warehouse, readOnly: true)
      print("id\tstarted_at\tended_at\tseconds\tstatus\tcommand\tfiles\tread\trejected\tmessage")
      let parser = TimestampParser()
      for r in try wh.runs(limit: limit) {
        var seconds = ""
        if let end = r.endedAt, case .success(let a) = parser.parse(r.startedAt),
          case .success(let b) = parser.parse(end)
        {
          seconds = String((b.milliseconds - a.milliseconds) / 1000)
        }
        let message = (r.message ?? "").replacingOccurrences(of: "\n", with: " ")
          .replacingOccurrences(of: "\t", with: " ")
        print(
          "\(r.id)\t\(r.startedAt)\t\(r.endedAt ?? "")\t\(seconds)\t\(r.status)\t\(r.command)\t\(r.files)\t\(r.read)\t\(r.rejected)\t\(message)"
        )
      }
    } catch {
      throw fail(error)
    }
  }
}

struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample",
    abstract: "Generate realistic sample exports in every supported format.")

  @Option(help: "Tickets in the generic CSV export; the other files are sized from it.")
  var tickets = 3000
  @Option(help: "Tickets in the Zendesk CSV export (default: a quarter of --tickets).")
  var zendeskTickets: Int?
  @Option(help: "Output folder.") var out = "sample-data"
  @Option(help: "Random seed.") var seed: UInt64 = 42
  @Option(help: "Days covered.") var days = 91
  @Option(help: "Zendesk account time zone (its CSV timestamps are wall-clock in this zone).")
  var zendeskTimezone = "Europe/Berlin"
  @Flag(help: "Write only the generic ticket CSV (for benchmarks).") var ticketsOnly = false

  func run() throws {
    guard let zone = ZoneRules(identifier: zendeskTimezone) else {
      throw ValidationError("'\(zendeskTimezone)' is not an IANA time zone")
    }
    do {
      if ticketsOnly {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var o = SampleOptions(tickets: tickets, seed: seed)
        o.days = days
        let n = try SampleGenerator(options: o).write(.genericCSV, to: out + "/tickets.csv")
        print("\(out)/tickets.csv: \(n) records")
        return
      }
      let files = try SampleDataSet.write(
        to: out, tickets: tickets, zendeskCSVTickets: zendeskTickets, seed: seed, days: days,
        accountZone: zone)
      for (name, n) in files { print("\(out)/\(name): \(n) records") }
    } catch {
      throw fail(error)
    }
  }
}

struct InspectCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inspect",
    abstract: "Print the records of a file as the reader parsed them, one JSON object per line.")

  @Argument(help: "The export file.") var file: String
  @Option(help: "The input format (default: detected from the content).") var format: String?
  @Option(help: "Print at most this many records.") var limit: Int?
  @Flag(help: "CSV: print each record as a JSON array of strings, header row included.") var raw =
    false
  @Option(help: "Zone of timestamps without an offset (IANA).") var sourceTimezone = "UTC"

  func run() throws {
    guard let zone = ZoneRules(identifier: sourceTimezone) else {
      throw ValidationError("'\(sourceTimezone)' is not an IANA time zone")
    }
    var fmt: InputFormat? = nil
    if let format {
      guard let f = InputFormat(rawValue: format) else {
        throw ValidationError("unknown format '\(format)'")
      }
      fmt = f
    }
    do {
      try Inspector.inspect(
        path: file, format: fmt, zone: zone, limit: limit, raw: raw, out: { print($0) },
        err: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
    } catch {
      FileHandle.standardError.write(Data(("error: \(error.description)\n").utf8))
      throw ExitCode(1)
    }
  }
}

struct KBCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "kb", abstract: "The knowledge base in the warehouse.",
    subcommands: [KBSearchCommand.self])
}

struct KBSearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "The best articles for a query (BM25; title above labels above body).")

  @Argument(help: "Free text.") var query: String
  @Option(help: "How many articles.") var limit = 10
  @Option(help: "The warehouse file.") var warehouse = "reports/ticketlens.sqlite"

  func run() throws {
    do {
      let wh = try Warehouse(path: warehouse, readOnly: true)
      let hits = try wh.searchArticles(query, limit: limit)
      print("score\tsource\tid\ttitle")
      for h in hits {
        print(String(format: "%.3f", h.score) + "\t\(h.source)\t\(h.id)\t\(h.title)")
      }
    } catch {
      throw fail(error)
    }
  }
}

/// Warehouse, time zone and pipeline settings shared by the analysis commands.
/// Fails with a hint when there is no warehouse at `path` yet.
func requireWarehouse(_ path: String) throws {
  guard FileManager.default.fileExists(atPath: path) else {
    throw MetricQueryError("no warehouse at \(path): run `ticketlens ingest` or a pipeline first")
  }
}

struct AnalysisOptions: ParsableArguments {
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "Take the warehouse, time zone, schedule and SLA from this pipeline file.")
  var pipeline: String?
  @Option(help: "Report time zone (IANA).") var timezone: String?
  @Option(help: "csv, tsv or json.") var format = "csv"
  @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms.") var redact = false

  /// The warehouse path (and the pipeline, when given).
  func warehousePath() throws -> (String, PipelineConfig?) {
    let cfg = try pipeline.map { p throws in try PipelineConfig.load(path: p) }
    let path = warehouse ?? cfg?.warehouse ?? "reports/ticketlens.sqlite"
    try requireWarehouse(path)
    return (path, cfg)
  }

  /// Loads the metric data; returns it with the zone name.
  func load() throws -> (MetricData, String) {
    let (path, cfg) = try warehousePath()
    let wh = try Warehouse(path: path, readOnly: true)
    let data = try MetricDataLoader.load(
      wh, schedule: cfg?.schedules.first, sla: cfg?.sla,
      escalation: cfg?.escalation ?? EscalationRule())
    return (data, timezone ?? cfg?.timeZone ?? "UTC")
  }

  func write(_ t: MetricTable) throws {
    var t = t
    // Only `--redact` or a pipeline can ask for pseudonyms; otherwise nothing is read again.
    if redact || pipeline != nil {
      let (path, cfg) = try warehousePath()
      if redact || cfg?.redact == true {
        t = try Warehouse(path: path, readOnly: true).redactor().table(t)
      }
    }
    let text: String
    switch format {
    case "csv": text = CSVWriter().render(t)
    case "tsv": text = CSVWriter(delimiter: "\t").render(t)
    case "json": text = JSONTableWriter.render(t)
    default: throw MetricQueryError("unknown format '\(format)'; use csv, tsv or json")
    }
    if let output {
      try AtomicFile.write(text, to: output)
    } else {
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}

struct TrendsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trends",
    abstract: "A metric by period with change, 7/28-period moving averages and anomaly flags.")

  @Argument(help: "Metric id.") var metric: String
  @Option(help: "day, week or month.") var grain = "day"
  @Option(name: .customLong("where"), help: "DIM=VALUE filter (repeatable).") var filters:
    [String] = []
  @Option(help: "Trailing window for the robust z-score.") var window = 28
  @Option(help: "|z| above which a period is an anomaly.") var threshold = 3.5
  @Flag(help: "Durations in business hours.") var business = false
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, zone) = try options.load()
      var e = MetricExport(metric: metric)
      e.grain = grain
      e.filters = filters
      e.timeZone = zone
      e.business = business
      try options.write(
        try TrendCommands.trends(e, data: data, window: window, threshold: threshold))
    } catch {
      throw fail(error)
    }
  }
}

struct ForecastCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "forecast",
    abstract:
      "Daily ticket or chat volume for the next weeks (Holt-Winters, weekly season), with the backtest MAPE."
  )

  @Flag(help: "Forecast chats instead of tickets.") var chats = false
  @Option(help: "Days to forecast.") var days = 28
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, zone) = try options.load()
      try options.write(
        try TrendCommands.forecast(
          chats: chats, days: days, data: data, zone: ZoneRules(identifier: zone) ?? .utc,
          threads: 0))
    } catch {
      throw fail(error)
    }
  }
}

struct CustomersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "customers",
    abstract:
      "Top requesters or organizations by volume, with open tickets, CSAT and repeat contacts.")

  @Option(help: "requester or organization.") var by = "requester"
  @Option(help: "How many.") var top = 20
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (data, _) = try options.load()
      try options.write(try TrendCommands.customers(by: by, top: top, data: data))
    } catch {
      throw fail(error)
    }
  }
}

struct PipelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pipeline", abstract: "List, check and draw pipeline files.",
    subcommands: [PipelineListCommand.self, PipelineCheckCommand.self, PipelineGraphCommand.self])
}

struct PipelineListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "The pipelines in a folder with their descriptions.")

  @Argument(help: "The folder.") var folder = "pipelines"

  func run() throws {
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
    for n in names {
      let path = folder + "/" + n
      do {
        let c = try PipelineConfig.load(path: path)
        print("\(path)\t\(c.description.isEmpty ? c.name : c.description)")
      } catch {
        print("\(path)\tinvalid: \(error)")
      }
    }
  }
}

struct PipelineCheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Validate a pipeline file, including that its sources exist, without running it.")

  @Argument(help: "The pipeline file.") var pipeline: String

  func run() throws {
    do {
      let c = try PipelineConfig.load(path: pipeline)
      var problems: [String] = []
      for s in c.sources {
        for p in s.paths where SourceFiles.expand(p).isEmpty {
          problems.append("source '\(s.name)': nothing matches \(c.displayName(of: p))")
        }
      }
      if problems.isEmpty {
        let files = c.sources.reduce(0) {
          $0 + $1.paths.reduce(0) { $0 + SourceFiles.expand($1).count }
        }
        print(
          "\(pipeline): OK (\(c.sources.count) sources, \(files) files, \(c.report.count) report tables)"
        )
      } else {
        for p in problems {
          FileHandle.standardError.write(Data(("\(pipeline): " + p + "\n").utf8))
        }
        throw ExitCode(2)
      }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

struct PipelineGraphCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "graph", abstract: "The stage graph of a pipeline: text, dot or mermaid.")

  @Argument(help: "The pipeline file.") var pipeline: String
  @Option(help: "text, dot or mermaid.") var format = "text"

  func run() throws {
    do {
      let g = StageGraph(try PipelineConfig.load(path: pipeline))
      switch format {
      case "text": print(g.text(), terminator: "")
      case "dot": print(g.dot(), terminator: "")
      case "mermaid": print(g.mermaid(), terminator: "")
      default: throw ValidationError("unknown format '\(format)'; use text, dot or mermaid")
      }
    } catch let e as ValidationError {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

/// A one-line progress bar on stderr for a terminal: file (or normalize step), percent,
/// records, rate and ETA.
final class ProgressBar: @unchecked Sendable {
  private var start = Date()
  private var last = Date.distantPast
  private var file = ""
  private let lock = NSLock()

  /// A normalize step's rows done of all (called from worker threads too).
  func step(_ name: String, _ done: Int, _ total: Int) {
    draw(name, done, total) { _ in String(format: "%d of %d", done, total) }
  }

  /// A file's records so far and bytes parsed of all.
  func update(_ name: String, _ records: Int, _ done: Int, _ total: Int) {
    draw(name, done, total) { elapsed in
      String(
        format: "%d records, %.0f/s, %.1f MB", records, Double(records) / elapsed,
        Double(done) / 1e6)
    }
  }

  /// Redraws the line (at most ten times a second, and when complete): name, bar, percent,
  /// `detail(elapsed seconds)` and ETA.
  private func draw(_ name: String, _ done: Int, _ total: Int, _ detail: (Double) -> String) {
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    if name != file {
      file = name
      last = .distantPast
      start = now
    }
    guard now.timeIntervalSince(last) > 0.1 || done >= total else { return }
    last = now
    let elapsed = max(0.001, now.timeIntervalSince(start))
    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
    let text = String(
      format: "\r%@ [%@] %3.0f%% %@, ETA %.0f s   ", name, bar, fraction * 100, detail(elapsed),
      eta)
    FileHandle.standardError.write(Data(text.utf8))
    if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}

struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Render the report from an existing warehouse, without ingesting.")

  @Option(
    help: "Take the warehouse, output, time zone, tables, schedule and SLA from this pipeline.")
  var pipeline: String?
  @Option(help: "The warehouse file.") var warehouse: String?
  @Option(help: "The output folder.") var out: String?
  @Flag(help: "Replace requester names and e-mail addresses with pseudonyms in every output.")
  var redact = false
  @Option(help: "The instant the report describes (default: the newest update).") var asOf: String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0

  func run() throws {
    do {
      let config = try pipeline.map { p throws in try PipelineConfig.load(path: p) }
      let path = warehouse ?? config?.warehouse ?? "reports/ticketlens.sqlite"
      try requireWarehouse(path)
      var settings =
        config.map { ReportSettings(pipeline: $0, threads: threads) }
        ?? ReportSettings(
          title: "TicketLens report", producedBy: "ticketlens report", timeZone: "UTC",
          metrics: ReportSettings.defaultMetrics, output: "reports", threads: threads)
      if let out { settings.output = out }
      if redact { settings.redact = true }
      settings.asOf = try MetricExport.parseAsOf(asOf)
      let wh = try Warehouse(path: path, readOnly: true)
      let last = try wh.runs(limit: 1).first?.id
      let r = try ReportBuilder.write(
        warehouse: wh, settings: settings, runID: last, thresholdExceeded: false)
      print("report: \(r.html ?? r.folder)")
    } catch {
      throw fail(error)
    }
  }
}

struct OpenCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open", abstract: "Open the latest report in the default browser.")

  @Option(help: "The output folder.") var out = "reports"

  func run() throws {
    let path = out + "/latest.html"
    guard FileManager.default.fileExists(atPath: path) else {
      FileHandle.standardError.write(
        Data("error: no report at \(path): run a pipeline first\n".utf8))
      throw ExitCode(1)
    }
    for opener in ["/usr/bin/xdg-open", "/usr/bin/open"]
    where FileManager.default.isExecutableFile(atPath: opener) {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: opener)
      p.arguments = [path]
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      p.waitUntilExit()
      if p.terminationStatus == 0 { return }
    }
    print("no browser opener found; the report is \(URL(fileURLWithPath: path).standardized.path)")
  }
}

struct GapsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gaps",
    abstract: "Knowledge gaps: ranked topics no article covers, with evidence.")

  @Option(help: "Only the first N gaps.") var top: Int?
  @Option(help: "gaps, topics, searches or stale.") var list = "gaps"
  @Option(help: "Days in the window (ending at the as-of instant).") var windowDays: Int?
  @Option(help: "Minimum contacts for a topic.") var minTickets: Int?
  @Option(help: "Article similarity below which a topic is a gap whatever else holds (0-1).")
  var matchThreshold: Double?
  @Option(help: "Nearest contacts each contact is linked to in the topic graph.")
  var neighbours: Int?
  @Option(help: "Resolution of the topic graph's communities (higher: more, smaller topics).")
  var resolution: Double?
  @Option(help: "Centre similarity from which two topics are merged into one (0-1).")
  var mergeSimilarity: Double?
  @Option(help: "Share of a topic's distinctive terms its best article must use to cover it.")
  var termShare: Double?
  @Option(help: "Centre similarity from which two gaps are one (0-1).")
  var gapMergeSimilarity: Double?
  @Option(help: "How much nearer another topic must be to a topic's best article to make it a gap.")
  var coverMargin: Double?
  @Option(help: "Centre similarity from which a topic beaten to its article is still covered.")
  var fragmentSimilarity: Double?
  @Option(
    help:
      "Read a window with more contacts than this as a sample of about this many (counts scaled; 0 reads all)."
  )
  var maxContacts: Int?
  @Option(help: "The instant the analysis describes (default: the newest update).") var asOf:
    String?
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, config) = try options.warehousePath()
      var settings = config?.insights ?? GapSettings()
      if let windowDays { settings.windowDays = windowDays }
      if let minTickets { settings.minTickets = minTickets }
      if let matchThreshold { settings.matchThreshold = matchThreshold }
      if let neighbours { settings.neighbours = max(1, neighbours) }
      if let resolution { settings.resolution = resolution }
      if let mergeSimilarity { settings.mergeSimilarity = mergeSimilarity }
      if let termShare { settings.termShare = termShare }
      if let gapMergeSimilarity { settings.gapMergeSimilarity = gapMergeSimilarity }
      if let coverMargin { settings.coverMargin = coverMargin }
      if let fragmentSimilarity { settings.fragmentSimilarity = fragmentSimilarity }
      if let maxContacts { settings.maxContacts = max(0, maxContacts) }
      settings.threads = threads
      let wh = try Warehouse(path: path, readOnly: true)
      let instant = try MetricExport.parseAsOf(asOf) ?? MetricDataLoader.dataAsOf(wh)
      let a = try KnowledgeGapFinder.analyze(
        warehouse: wh, asOf: instant.milliseconds, settings: settings)
      if let sampled = a.sampled {
        FileHandle.standardError.write(
          Data(
            "note: the window holds \(a.contacts) tickets and chats; topics come from a sample of \(sampled) and their counts are scaled to the window\n"
              .utf8))
      }
      switch list {
      case "gaps": try options.write(a.gapTable(top: top))
      case "topics": try options.write(a.topicTable())
      case "searches": try options.write(a.searchGapTable())
      case "stale": try options.write(a.staleArticleTable())
      default: throw MetricQueryError("--list: use gaps, topics, searches or stale")
      }
    } catch {
      throw fail(error)
    }
  }
}

struct CategoriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "categories",
    abstract:
      "The category and priority classifiers: held-out quality, the confusion table, each ticket's category, or urgent-looking tickets with a low priority."
  )

  @Option(help: "quality, confusion, tickets, predicted or urgent.") var show = "quality"
  @Option(
    help: "Urgency (probability of high or urgent) from which a ticket is listed by --show urgent.")
  var threshold: Double?
  @Flag(help: "Train again first, with the pipeline's settings (writes to the warehouse).")
  var train = false
  @Option(help: "Worker threads (0 = one per core).") var threads = 0
  @Option(help: "Seconds to wait for another run that is writing to the same warehouse.")
  var wait = 0.0
  @OptionGroup var options: AnalysisOptions

  func validate() throws {
    guard ["quality", "confusion", "tickets", "predicted", "urgent"].contains(show) else {
      throw ValidationError("--show takes quality, confusion, tickets, predicted or urgent")
    }
    if let threshold, !(threshold > 0 && threshold < 1) {
      throw ValidationError("--threshold must be between 0 and 1")
    }
  }

  func run() throws {
    do {
      let (path, cfg) = try options.warehousePath()
      let settings = cfg?.categories ?? CategorySettings()
      if train {
        Cancellation.install()
        let lock = try WriterLock(warehouse: path, wait: wait, command: "categories")
        defer { withExtendedLifetime(lock) {} }
        try CategoryStage.run(
          try Warehouse(path: path), settings: settings, threads: threads, force: true)
      }
      let wh = try Warehouse(path: path, readOnly: true)
      let models = try wh.classifierModels()
      guard !models.isEmpty || show == "tickets" || show == "predicted" else {
        throw MetricQueryError(
          "no classification in \(path) yet; run the pipeline, or 'ticketlens categories --train --pipeline FILE'"
        )
      }
      switch show {
      case "quality": try options.write(ClassifierTables.quality(models))
      case "confusion":
        guard let m = models.first(where: { $0.model == "category" }) ?? models.first else {
          return
        }
        try options.write(ClassifierTables.confusion(m))
      case "urgent":
        try options.write(
          ClassifierTables.urgentLooking(
            try wh.urgentLooking(threshold: threshold ?? settings.urgentThreshold),
            zone: try zone(options.timezone ?? cfg?.timeZone ?? "UTC")))
      default:
        try options.write(
          ClassifierTables.tickets(try wh.ticketCategories(predictedOnly: show == "predicted")))
      }
    } catch {
      throw fail(error)
    }
  }
}

struct QualityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quality",
    abstract:
      "Run the data-quality checks on the warehouse now (the pipeline's `quality:` settings) and print one row per check, or the failing rows; exits 4 when a check fails."
  )

  @Flag(help: "Print the failing rows instead of the checks.") var failures = false
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, cfg) = try options.warehousePath()
      let wh = try Warehouse(path: path, readOnly: true)
      let results = try wh.runQualityChecks(
        cfg?.quality ?? QualitySettings(), runID: try wh.runs(limit: 1).first?.id
      ).map(\.stored)
      try options.write(
        failures ? ReportBuilder.qualityFailures(results) : ReportBuilder.qualityTable(results))
      if results.contains(where: { $0.status == "error" }) { throw ExitCode(4) }
    } catch let e as ExitCode {
      throw e
    } catch {
      throw fail(error)
    }
  }
}

/// The zone named `id`, or a usage error.
func zone(_ id: String) throws -> ZoneRules {
  guard let z = ZoneRules(identifier: id) else {
    throw ValidationError("'\(id)' is not an IANA time zone")
  }
  return z
}

struct FollowUpsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "followups",
    abstract:
      "Tickets to look at again: long pending, unresolved with a negative customer, or rated bad with no reply since; most urgent first."
  )

  @Option(help: "Days waiting on the customer before a pending ticket is listed.") var pendingDays =
    3.0
  @Option(help: "The instant the list describes (default: the newest update).") var asOf: String?
  @OptionGroup var options: AnalysisOptions

  func run() throws {
    do {
      let (path, _) = try options.warehousePath()
      let wh = try Warehouse(path: path, readOnly: true)
      let instant = try MetricExport.parseAsOf(asOf) ?? MetricDataLoader.dataAsOf(wh)
      try options.write(
        try FollowUpList.table(
          warehouse: wh, asOf: instant.milliseconds, pendingDays: pendingDays))
    } catch {
      throw fail(error)
    }
  }
}
