import Foundation
import TicketLensIngest
import TicketLensInsights
import TicketLensMetrics
import TicketLensModel
import TicketLensReports
import TicketLensWarehouse

/// What a report shows and where it goes.
public struct ReportSettings: Sendable {
  public var title: String
  public var producedBy: String
  public var timeZone: String
  public var metrics: [PipelineConfig.ReportMetricConfig]
  public var output: String
  public var threads: Int
  public var schedule: BusinessSchedule?
  public var sla: SLAPolicy?
  public var escalation = EscalationRule()
  public var writeHTML = true
  public var writeCSV = true
  /// The instant the report describes; default the newest ticket update.
  public var asOf: Instant?
  public var writeJSON = true
  /// The run folder's name pattern (`{date}`, `{pipeline}`) and how many run folders to keep.
  public var folderPattern = "{date}"
  public var pipelineName = ""
  public var retention: Int? = nil
  /// Knowledge-gap settings; nil leaves the gap sections out.
  public var gaps: GapSettings? = GapSettings()
  /// Replace requester names and e-mail addresses with stable pseudonyms in every output.
  public var redact = false
  /// Classifier settings; nil leaves the category and urgency sections out.
  public var categories: CategorySettings? = CategorySettings()
  /// Keep the metrics, trends and insights sections beside the warehouse and reuse them when
  /// the data, settings, as-of and program are the ones they were computed from.
  public var reuseSections = false
  /// Users and groups files whose names the page shows for the ids (`people:`); read each time
  /// a report is written.
  public var people: [PipelineConfig.PeopleFile] = []
  /// The metric tables computed by another engine (Spark), in the order of `metrics`; nil
  /// computes them with the embedded engine.
  public var precomputedTables: [MetricTable]? = nil

  /// What the sections are computed from, apart from the data: every setting but the thread
  /// count (results do not depend on it).
  var sectionKey: String {
    var s = self
    s.threads = 0
    s.gaps?.threads = 0
    s.reuseSections = false
    s.people = []  // names are applied when the page is written, not in the sections
    return canonicalDescription(s)
  }

  public init(
    title: String, producedBy: String, timeZone: String,
    metrics: [PipelineConfig.ReportMetricConfig], output: String, threads: Int = 0,
    schedule: BusinessSchedule? = nil, sla: SLAPolicy? = nil
  ) {
    self.schedule = schedule
    self.sla = sla
    self.title = title
    self.producedBy = producedBy
    self.timeZone = timeZone
    self.metrics = metrics
    self.output = output
    self.threads = threads
  }

  /// The settings a pipeline file gives its report: title, zone, tables, schedule, SLA, outputs
  /// and insights (retention is the runner's business: re-rendering prunes nothing).
  public init(pipeline c: PipelineConfig, threads: Int = 0) {
    self.init(
      title: "TicketLens report: \(c.name)", producedBy: "pipeline \(c.name)",
      timeZone: c.timeZone, metrics: c.report.isEmpty ? Self.defaultMetrics : c.report,
      output: c.output, threads: threads, schedule: c.schedules.first, sla: c.sla)
    writeHTML = c.outputs.html
    writeCSV = c.outputs.csv
    writeJSON = c.outputs.json
    folderPattern = c.outputs.folder
    pipelineName = c.name
    gaps = c.gaps ? c.insights : nil
    people = c.people
    categories = c.classify ? c.categories : nil
    escalation = c.escalation
    redact = c.redact
  }

  /// The report tables used when a pipeline names none: the first two metrics of the catalog.
  public static let defaultMetrics: [PipelineConfig.ReportMetricConfig] = [
    .init(
      metric: Catalog.ticketsCreated, by: ["channel"], grain: .day, stats: [.count],
      title: "Tickets created by day and channel"),
    .init(
      metric: Catalog.firstReplyTime, by: ["assignee"], grain: nil, stats: [.count, .median, .p90],
      title: "First reply time by assignee"),
  ]
}

/// The files a report run wrote, and how long its stages took.
public struct ReportOutput: Sendable {
  public var folder: String
  public var html: String?
  public var csvFiles: [String]
  /// (stage, seconds) for metrics, trends, insights (run side by side) and reports (writing).
  public var stageSeconds: [(stage: String, seconds: Double)] = []
  /// The stages whose sections were reused from a run over the same data.
  public var reusedStages: [String] = []
  /// What a stage reports beside its time, by stage (the insights: how many sentence-model
  /// vectors were embedded and how many a run before had kept).
  public var stageNotes: [String: String] = [:]
  /// What went wrong reading the `people:` files (the report is written without those names).
  public var warnings: [String] = []
}

/// What a concurrent stage made: its section, and what it reports beside its time (the
/// insights: how many sentence-model vectors were embedded and how many a run before had kept).
typealias StageOutput = (section: ReportSection, note: String?)

/// Each concurrent stage's result and duration, filled from the worker threads.
final class StageResults: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [(Result<StageOutput, any Error>, Double, reused: Bool)?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(
    _ k: Int, _ r: Result<StageOutput, any Error>, seconds: Double, reused: Bool = false
  ) {
    lock.lock()
    slots[k] = (r, seconds, reused)
    lock.unlock()
  }

  func get(_ k: Int) -> (Result<StageOutput, any Error>, Double, reused: Bool) {
    lock.lock()
    defer { lock.unlock() }
    return slots[k]!
  }
}

/// Computes the report's tables from the warehouse and writes the HTML and CSV files, each to a
/// temporary name and renamed into place.
public enum ReportBuilder {
  public static func write(
    warehouse: Warehouse, settings: ReportSettings, runID: Int64?, thresholdExceeded: Bool
  ) throws -> ReportOutput {
    guard let zone = ZoneRules(identifier: settings.timeZone) else {
      throw MetricQueryError("unknown time zone '\(settings.timeZone)'")
    }
    let facts = try MetricDataLoader.load(
      warehouse, asOf: settings.asOf, schedule: settings.schedule, sla: settings.sla,
      escalation: settings.escalation)
    let asOf = facts.asOf
    let cols = facts.tickets
    let engine = MetricEngine(threads: settings.threads)
    var data = ReportData(
      title: settings.title, producedBy: settings.producedBy, asOf: asOf.iso8601,
      timeZone: settings.timeZone)
    data.rejectThresholdExceeded = thresholdExceeded
    // The metrics, trends and insights stages read the same loaded columns and are independent,
    // so they run side by side (only insights reads the warehouse); their sections are put
    // together in a fixed order, so the report does not depend on which finishes first.
    // The connection is used by the insights stage alone.
    nonisolated(unsafe) let insightsWarehouse = warehouse
    let stages: [(name: String, work: @Sendable () throws -> StageOutput)] = [
      ("metrics", { (try metricTables(settings, facts: facts, zone: zone, engine: engine), nil) }),
      (
        "trends",
        {
          var part = try StandardSections.make(
            facts: facts, zone: zone, engine: engine, asOf: asOf,
            forecast: {
              try TrendCommands.forecast(
                chats: false, days: 28, data: facts, zone: zone, threads: engine.threads)
            },
            customers: try TrendCommands.customers(by: "requester", top: 15, data: facts))
          part.append(try DurationSection.make(facts: facts, zone: zone, engine: engine))
          part.append(VendorAgreementSection.make(facts))
          return (part, nil)
        }
      ),
      (
        "insights",
        {
          try insightSections(
            warehouse: insightsWarehouse, settings: settings, facts: facts, zone: zone)
        }
      ),
    ]
    let results = StageResults(count: stages.count)
    // A section computed before from the same data, settings, as-of and program is reused.
    let cache = settings.reuseSections ? SectionCache(warehouse: warehouse.path) : nil
    let key =
      try cache.map { _ in
        [
          try warehouse.contentKey(), "as_of=\(asOf.milliseconds)", SectionCache.programKey,
          settings.sectionKey,
        ].joined(separator: "\n")
      } ?? ""
    DispatchQueue.concurrentPerform(iterations: stages.count) { k in
      let started = Date()
      if let hit = cache?.read(stages[k].name, key: key) {
        results.set(
          k, .success((hit, nil)), seconds: Date().timeIntervalSince(started), reused: true)
        return
      }
      let r = Result { try stages[k].work() }
      if case .success(let made) = r { cache?.write(stages[k].name, key: key, made.section) }
      results.set(k, r, seconds: Date().timeIntervalSince(started))
    }
    var timings: [(stage: String, seconds: Double)] = []
    var reusedStages: [String] = []
    var stageNotes: [String: String] = [:]
    for (k, stage) in stages.enumerated() {
      let (result, seconds, reused) = results.get(k)
      let (section, note) = try result.get()
      stageNotes[stage.name] = note
      data.metrics += section.metrics
      data.kpis += section.kpis
      timings.append((stage.name, seconds))
      if reused { reusedStages.append(stage.name) }
    }
    let writeStarted = Date()
    // Headline numbers.
    var overall = MetricQuery(metric: Catalog.firstReplyTime)
    overall.zone = zone
    overall.stats = [.count, .median, .p90]
    let fr = try engine.run(overall, data: facts).rows.first
    data.kpis.append(
      KPI(
        label: "Tickets", value: Presentation.count(cols.count), note: "stored in the warehouse"))
    data.kpis.append(
      KPI(
        label: "First reply, median", value: fr.map { minutes($0[1]) } ?? "–",
        note:
          "over \(fr.map { Presentation.display($0[0], column: "count") } ?? "0") replied tickets"))
    data.kpis.append(
      KPI(
        label: "First reply, p90", value: fr.map { minutes($0[2]) } ?? "–",
        note: "90% replied within"))
    // Every report table has its CSV; a run adds its accounting and rejects.
    var runFiles: [(String, String)] = []
    let redactor = settings.redact ? try warehouse.redactor() : nil
    if let runID {
      data.files = try warehouse.fileAccounting(runID: runID)
      data.rejectReasons = try warehouse.rejectReasons(runID: runID).map {
        RejectReason(code: $0.code, field: $0.field, count: $0.count, example: $0.example)
      }
      let rejected = data.files.reduce(0) { $0 + $1.rejected }
      let read = data.files.reduce(0) { $0 + $1.read }
      data.kpis.append(
        KPI(
          label: "Records rejected", value: Presentation.count(rejected),
          note: "of \(Presentation.count(read)) read in this run")
      )
      let rejects = DataQualityTables.rejectsTable(try warehouse.rejects(runID: runID))
      runFiles = [
        ("accounting.csv", DataQualityTables.accountingCSV(data.files)),
        ("rejects.csv", CSVWriter().render(redactor?.table(rejects) ?? rejects)),
      ]
      let quality = try warehouse.qualityResults(runID: runID)
      if !quality.isEmpty {
        data.qualityFailed = quality.contains { $0.status == "error" }
        data.metrics.append(
          ReportMetric(
            title: "Data-quality checks",
            definition:
              "Checks run after loading, in the spirit of dbt's tests: keys unique, required fields present, values in their accepted sets, timestamps in order, chats pointing at stored tickets, every file's records accounted for. A check warns or fails the run (exit 4) when the share of failing rows is above the pipeline's thresholds; a broken invariant always fails. All failing rows (up to 1000 per check) are in quality_failures.csv and the warehouse's dq_failures table.",
            table: DataQualityTables.qualityTable(quality), csvName: "quality_checks.csv",
            chart: nil))
        let failures = DataQualityTables.qualityFailures(quality)
        runFiles.append(
          ("quality_failures.csv", CSVWriter().render(redactor?.table(failures) ?? failures)))
      }
    }
    if !facts.spellingMerges.isEmpty {
      let merged = DataQualityTables.spellingMergesTable(facts.spellingMerges)
      data.metrics.append(
        ReportMetric(
          title: "Names merged",
          definition:
            "Groups, assignees, organizations and requesters whose names differ only in case or spacing (\"Accounts\", \"accounts\", \"Accounts \") are one entity in every table: counted together and shown in their commonest spelling. The spellings merged, with their rows:",
          table: redactor?.table(merged) ?? merged, csvName: "names_merged.csv", chart: nil))
    }
    if let redactor {
      for i in data.metrics.indices {
        data.metrics[i].table = redactor.table(data.metrics[i].table)
      }
      for i in data.rejectReasons.indices {
        data.rejectReasons[i].example = redactor.text(data.rejectReasons[i].example)
      }
    }
    let day = zone.civilDate(of: asOf)
    let runFolder = settings.folderPattern.replacingOccurrences(of: "{date}", with: day.iso8601)
      .replacingOccurrences(of: "{pipeline}", with: settings.pipelineName)
    let folder = settings.output + "/" + runFolder
    try AtomicFile.makeDirectories(folder)
    var written: [String] = []
    if settings.writeCSV {
      let csvs = data.metrics.map { ($0.csvName, CSVWriter().render($0.table)) } + runFiles
      for (name, text) in csvs {
        try AtomicFile.write(text, to: folder + "/" + name)
        written.append(folder + "/" + name)
      }
    }
    if settings.writeJSON {
      try AtomicFile.write(RunFiles.summaryJSON(data, runID: runID), to: folder + "/summary.json")
      written.append(folder + "/summary.json")
    }
    var warnings: [String] = []
    if settings.writeHTML {
      (data.names, warnings) = names(settings.people)
      data.names.namesRequesters = !settings.redact
      try AtomicFile.write(HTMLReport.render(data), to: folder + "/report.html")
      // The same page one folder up: its links to the CSVs go into the run's folder.
      var latest = data
      latest.csvLinkPrefix =
        runFolder.split(separator: "/").map {
          $0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0)
        }.joined(separator: "/") + "/"
      try AtomicFile.write(HTMLReport.render(latest), to: settings.output + "/latest.html")
    }
    if let keep = settings.retention { prune(settings, keep: keep) }
    if settings.writeHTML { try RunFiles.writeIndex(settings.output) }
    timings.append(("reports", Date().timeIntervalSince(writeStarted)))
    return ReportOutput(
      folder: folder, html: settings.writeHTML ? folder + "/report.html" : nil, csvFiles: written,
      stageSeconds: timings, reusedStages: reusedStages, stageNotes: stageNotes,
      warnings: warnings)
  }

  /// The names of the `people:` files, later files winning; a file that cannot be read is left
  /// out with a warning (the page then shows its ids), as are entries without an id or name.
  static func names(_ files: [PipelineConfig.PeopleFile]) -> (NameDirectory, [String]) {
    var directory = NameDirectory()
    var warnings: [String] = []
    for f in files {
      do {
        let r = try PeopleReader.read(path: f.path, kind: f.kind, into: &directory)
        if let first = r.skipped.first {
          warnings.append(
            "people: \(f.path): \(r.skipped.count) of \(r.read) entries left out; first: \(first)")
        }
      } catch {
        warnings.append("people: \(error) (its ids are shown without names)")
      }
    }
    return (directory, warnings)
  }

  /// The pipeline's configured metric tables (the metrics stage).
  static func metricTables(
    _ settings: ReportSettings, facts: MetricData, zone: ZoneRules, engine: MetricEngine
  ) throws -> ReportSection {
    var out = ReportSection()
    for (k, (m, name)) in zip(settings.metrics, SparkEngine.tableNames(settings.metrics))
      .enumerated()
    {
      let table: MetricTable
      if let tables = settings.precomputedTables {
        table = tables[k]
      } else {
        table = try engine.run(m.query(zone: zone), data: facts)
      }
      let partial = PeriodChart.partialPeriods(table, asOf: facts.asOf, zone: zone)
      out.metrics.append(
        ReportMetric(
          title: m.title, definition: m.metric.definition + (partial.note.map { " " + $0 } ?? ""),
          table: table, csvName: name,
          chart: PeriodChart.chart(for: table, title: m.title, partial: partial.rows)))
    }
    return out
  }

  /// The insights stage: follow-ups, the classifiers, escalations and routing, and the
  /// knowledge gaps, in that order (each section made by its type in TicketLensReports from what
  /// is read here).
  static func insightSections(
    warehouse: Warehouse, settings: ReportSettings, facts: MetricData, zone: ZoneRules
  ) throws -> StageOutput {
    let asOf = facts.asOf
    // The gap finder reads on a connection of its own (no memory map: it visits pages all over
    // the file), on a thread of its own started first: beside metrics and trends on every core
    // a Dispatch worker may not be free until this stage's other work is done (at 1M tickets the
    // finder waited 0.86 s for it). The other insights go on here, on the run's connection; the
    // sections go in a fixed order.
    let path = warehouse.path
    // The window's size from the loaded columns (the finder would scan both tables for it).
    let tickets = facts.tickets
    let chats = facts.chats
    let counted =
      facts.loaded.tickets.contains(.createdAt) && facts.loaded.chats.contains(.startedAt)
    let count: @Sendable (Int64, Int64) -> Int = { from, to in
      tickets.count(createdFrom: from, to: to) + chats.count(startedFrom: from, to: to)
    }
    let windowCount = counted ? count : nil
    let gaps = settings.gaps.map { gapSettings in
      Background { () throws -> StageOutput in
        var g = gapSettings
        g.threads = settings.threads
        let reader = try Warehouse(path: path, readOnly: true, memoryMapped: false)
        let a = try KnowledgeGapFinder.analyze(
          warehouse: reader, asOf: asOf.milliseconds, settings: g, windowCount: windowCount)
        return (
          GapSection.make(a, settings: g),
          a.textModel == .sentence
            ? "sentence vectors: \(a.vectorsComputed) embedded, "
              + "\(a.vectorsReused) kept from the last run" : nil
        )
      }
    }
    let others = Result { () throws -> ReportSection in
      var out = FollowUpSection.make(
        try FollowUpList.table(warehouse: warehouse, asOf: asOf.milliseconds))
      if let c = settings.categories {
        let models = try warehouse.classifierModels()
        let urgent =
          models.contains { $0.model == "priority" }
          ? try warehouse.urgentLooking(threshold: c.urgentThreshold) : nil
        out.append(
          ClassifierSection.make(models: models, urgent: urgent, zone: zone, settings: c))
      }
      out.append(
        try EscalationSection.make(
          facts: facts, zone: zone, threads: settings.threads,
          minGroupTickets: settings.categories?.routingMinTickets ?? 10))
      return out
    }
    // The finder is waited for whatever the others gave.
    let found = gaps.map { g in Result { try g.value() } }
    var out = try others.get()
    guard let found else { return (out, nil) }
    let (section, note) = try found.get()
    out.append(section)
    return (out, note)
  }

  /// Removes the oldest run folders beyond `keep` (only folders whose names fit the pattern).
  static func prune(_ settings: ReportSettings, keep: Int) {
    let fm = FileManager.default
    let names = (try? fm.contentsOfDirectory(atPath: settings.output)) ?? []
    let prefix = settings.folderPattern.components(separatedBy: "{date}")[0]
      .replacingOccurrences(of: "{pipeline}", with: settings.pipelineName)
    let suffix = settings.folderPattern.components(separatedBy: "{date}").dropFirst().joined()
      .replacingOccurrences(of: "{pipeline}", with: settings.pipelineName)
    guard !settings.folderPattern.contains("/") else { return }
    let runs = names.filter { n in
      guard n.hasPrefix(prefix), n.hasSuffix(suffix), n.count == prefix.count + 10 + suffix.count
      else {
        return false
      }
      let date = String(n.dropFirst(prefix.count).prefix(10))
      return CivilDate(iso8601: date) != nil
    }.sorted()
    for old in runs.dropLast(keep) { try? fm.removeItem(atPath: settings.output + "/" + old) }
  }

  /// A duration for a headline tile, in the unit a person reads (the tables keep minutes).
  static func minutes(_ c: Cell) -> String {
    guard case .real(let m) = c else { return "–" }
    return Presentation.duration(minutes: m)
  }

}
