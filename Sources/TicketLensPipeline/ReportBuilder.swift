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
  /// What went wrong reading the `people:` files (the report is written without those names).
  public var warnings: [String] = []
}

/// Tables and headline numbers one report stage contributes.
struct ReportSection: Sendable {
  var metrics: [ReportMetric] = []
  var kpis: [KPI] = []
}

/// Each concurrent stage's result and duration, filled from the worker threads.
final class StageResults: @unchecked Sendable {
  private let lock = NSLock()
  private var slots: [(Result<ReportSection, any Error>, Double, reused: Bool)?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(
    _ k: Int, _ r: Result<ReportSection, any Error>, seconds: Double, reused: Bool = false
  ) {
    lock.lock()
    slots[k] = (r, seconds, reused)
    lock.unlock()
  }

  func get(_ k: Int) -> (Result<ReportSection, any Error>, Double, reused: Bool) {
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
    let stages: [(name: String, work: @Sendable () throws -> ReportSection)] = [
      ("metrics", { try metricTables(settings, facts: facts, zone: zone, engine: engine) }),
      (
        "trends",
        {
          var part = ReportData(title: "", producedBy: "", asOf: "", timeZone: "")
          try addStandardSections(&part, facts: facts, zone: zone, engine: engine, asOf: asOf)
          try addDurationDistribution(&part, facts: facts, zone: zone, engine: engine)
          let agreement = VendorAgreement.table(facts)
          if !agreement.rows.isEmpty {
            part.metrics.append(
              ReportMetric(
                title: "Where our times disagree with the helpdesk's",
                definition:
                  "Tickets whose export also gives the helpdesk's own minutes: our first reply (created to first public agent reply) and full resolution (created to last solve) against the export's calendar minutes; disagree: more than 1 minute apart (the helpdesk's minutes are whole).",
                table: agreement, csvName: "vendor_agreement.csv", chart: nil))
          }
          return ReportSection(metrics: part.metrics, kpis: part.kpis)
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
    // A section computed before from the same data, settings, as-of and program is reused.
    let cache = settings.reuseSections ? SectionCache(warehouse: warehouse.path) : nil
    let key =
      try cache.map { _ in
        [
          try warehouse.contentKey(), "as_of=\(asOf.milliseconds)", SectionCache.programKey,
          settings.sectionKey,
        ].joined(separator: "\n")
      } ?? ""
    let results = StageResults(count: stages.count)
    DispatchQueue.concurrentPerform(iterations: stages.count) { k in
      let started = Date()
      if let hit = cache?.read(stages[k].name, key: key) {
        results.set(k, .success(hit), seconds: Date().timeIntervalSince(started), reused: true)
        return
      }
      let r = Result { try stages[k].work() }
      if case .success(let section) = r { cache?.write(stages[k].name, key: key, section) }
      results.set(k, r, seconds: Date().timeIntervalSince(started))
    }
    var timings: [(stage: String, seconds: Double)] = []
    var reusedStages: [String] = []
    for (k, stage) in stages.enumerated() {
      let (result, seconds, reused) = results.get(k)
      let section = try result.get()
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
        label: "Tickets", value: count(cols.count), note: "stored in the warehouse"))
    data.kpis.append(
      KPI(
        label: "First reply, median", value: fr.map { minutes($0[1]) } ?? "–",
        note: "over \(fr.map { $0[0].formatted } ?? "0") replied tickets"))
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
          label: "Records rejected", value: count(rejected),
          note: "of \(count(read)) read in this run")
      )
      let rejects = rejectsTable(try warehouse.rejects(runID: runID))
      runFiles = [
        ("accounting.csv", accountingCSV(data.files)),
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
            table: qualityTable(quality), csvName: "quality_checks.csv", chart: nil))
        let failures = qualityFailures(quality)
        runFiles.append(
          ("quality_failures.csv", CSVWriter().render(redactor?.table(failures) ?? failures)))
      }
    }
    if !facts.spellingMerges.isEmpty {
      let merged = spellingMergesTable(facts.spellingMerges)
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
      try AtomicFile.write(summaryJSON(data, runID: runID), to: folder + "/summary.json")
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
    if settings.writeHTML { try writeIndex(settings.output) }
    timings.append(("reports", Date().timeIntervalSince(writeStarted)))
    return ReportOutput(
      folder: folder, html: settings.writeHTML ? folder + "/report.html" : nil, csvFiles: written,
      stageSeconds: timings, reusedStages: reusedStages, warnings: warnings)
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
    var usedNames = Set<String>()
    for m in settings.metrics {
      var q = MetricQuery(metric: m.metric)
      q.by = m.by
      q.grain = m.grain
      q.stats = m.stats
      q.zone = zone
      let table = try engine.run(q, data: facts)
      var name =
        ([m.metric.id] + (m.grain.map { ["by", $0.rawValue] } ?? [])
        + (m.by.isEmpty ? [] : (m.grain == nil ? ["by"] : []) + m.by)).joined(separator: "_")
      while usedNames.contains(name) { name += "_2" }
      usedNames.insert(name)
      let partial = partialPeriods(table, asOf: facts.asOf, zone: zone)
      out.metrics.append(
        ReportMetric(
          title: m.title, definition: m.metric.definition + (partial.note.map { " " + $0 } ?? ""),
          table: table, csvName: name + ".csv",
          chart: chart(for: table, title: m.title, partial: partial.rows)))
    }
    return out
  }

  /// Follow-ups, the classifiers, escalations and routing, and the knowledge gaps (the insights
  /// stage).
  static func insightSections(
    warehouse: Warehouse, settings: ReportSettings, facts: MetricData, zone: ZoneRules
  ) throws -> ReportSection {
    var data = ReportData(title: "", producedBy: "", asOf: "", timeZone: "")
    let asOf = facts.asOf
    let followUps = try FollowUpList.table(warehouse: warehouse, asOf: asOf.milliseconds)
    data.metrics.append(
      ReportMetric(
        title: "Follow-ups",
        definition:
          "Tickets to look at again, most urgent first (priority × 10 + days since the last update): waiting on the customer more than 3 days, unresolved with a negative customer, or solved in the last 14 days, rated bad and not touched since.",
        table: followUps, csvName: "follow_ups.csv", chart: nil))
    if let c = settings.categories {
      try addCategorySections(&data, warehouse: warehouse, zone: zone, settings: c)
    }
    try addEscalationSections(
      &data, facts: facts, zone: zone, threads: settings.threads,
      minGroupTickets: settings.categories?.routingMinTickets ?? 10)
    if var g = settings.gaps {
      g.threads = settings.threads
      try addGapSections(&data, warehouse: warehouse, asOf: asOf, settings: g)
    }
    return ReportSection(metrics: data.metrics, kpis: data.kpis)
  }

  /// Sections every report has: volume with its forecast, arrival heatmap, agents, customers,
  /// and headline changes against the previous 7 days.
  static func addStandardSections(
    _ data: inout ReportData, facts: MetricData, zone: ZoneRules,
    engine: MetricEngine, asOf: Instant
  ) throws {
    let asOfDay = zone.civilDate(of: asOf)
    func number(_ c: Cell) -> Double? {
      switch c {
      case .int(let i): Double(i)
      case .real(let d): d
      default: nil
      }
    }
    func window(
      _ m: MetricDefinition, _ stats: [Statistic], daysBack: Int,
      filters: [(dimension: String, value: String)] = []
    ) throws -> [Cell]? {
      var q = MetricQuery(metric: m)
      q.zone = zone
      q.stats = stats
      q.filters = filters
      q.from = asOfDay.adding(days: -daysBack - 6)
      q.to = asOfDay.adding(days: -daysBack)
      return try engine.run(q, data: facts).rows.first
    }
    // The last 28 days, day by day, for the KPI sparklines.
    func daily(
      _ m: MetricDefinition, _ stat: Statistic, filters: [(dimension: String, value: String)] = []
    ) throws -> [Double?] {
      var q = MetricQuery(metric: m)
      q.zone = zone
      q.grain = .day
      q.stats = [stat]
      q.filters = filters
      q.from = asOfDay.adding(days: -27)
      q.to = asOfDay
      var byDay: [String: Double] = [:]
      for row in try engine.run(q, data: facts).rows { byDay[row[0].formatted] = number(row[1]) }
      return (0..<28).map { k -> Double? in
        let v = byDay[asOfDay.adding(days: k - 27).iso8601]
        return m.kind == .count ? (v ?? 0) : v
      }
    }
    // Headline changes: the last 7 days against the 7 before.
    if facts.tickets.count > 0 {
      let createdDaily = try daily(Catalog.ticketsCreated, .count)
      let now =
        try window(Catalog.ticketsCreated, [.count], daysBack: 0).flatMap { number($0[0]) } ?? 0
      let before =
        try window(Catalog.ticketsCreated, [.count], daysBack: 7).flatMap { number($0[0]) } ?? 0
      data.kpis.append(
        KPI(
          label: "Tickets created, last 7 days", value: count(Int(now)),
          note: "vs \(count(Int(before))) the 7 days before" + change(now, before),
          sparkline: SVGChart.sparkline(
            title: "Tickets created per day, last 28 days", values: createdDaily)))
      let frNow = try window(Catalog.firstReplyTime, [.median], daysBack: 0).flatMap {
        number($0[0])
      }
      let frBefore = try window(Catalog.firstReplyTime, [.median], daysBack: 7).flatMap {
        number($0[0])
      }
      if let frNow {
        data.kpis.append(
          KPI(
            label: "First reply median, last 7 days", value: Presentation.duration(minutes: frNow),
            note: frBefore.map {
              "vs \(Presentation.duration(minutes: $0)) the 7 days before" + change(frNow, $0)
            } ?? "",
            sparkline: SVGChart.sparkline(
              title: "First reply median per day, last 28 days",
              values: try daily(Catalog.firstReplyTime, .median))))
      }
      // Share of new tickets whose customer sounds negative.
      func negativeShare(daysBack: Int) throws -> Double? {
        let all =
          try window(Catalog.ticketsCreated, [.count], daysBack: daysBack).flatMap {
            number($0[0])
          } ?? 0
        let negative =
          try window(
            Catalog.ticketsCreated, [.count], daysBack: daysBack,
            filters: [(dimension: "sentiment", value: "negative")]
          ).flatMap { number($0[0]) } ?? 0
        return all > 0 ? negative / all : nil
      }
      if let negNow = try negativeShare(daysBack: 0) {
        let negBefore = try negativeShare(daysBack: 7)
        let negativeDaily = try daily(
          Catalog.ticketsCreated, .count, filters: [(dimension: "sentiment", value: "negative")])
        let shareDaily = zip(negativeDaily, createdDaily).map { n, all -> Double? in
          guard let n, let all, all > 0 else { return nil }
          return n / all
        }
        data.kpis.append(
          KPI(
            label: "Negative customers, last 7 days",
            value: String(format: "%.0f%%", negNow * 100),
            note: negBefore.map {
              String(format: "of new tickets; vs %.0f%% the 7 days before", $0 * 100)
            }
              ?? "of new tickets",
            sparkline: SVGChart.sparkline(
              title: "Share of new tickets with a negative customer per day, last 28 days",
              values: shareDaily)))
      }
    }
    // Daily volume, its 7-day average, and the 4-week forecast.
    var daily = MetricQuery(metric: Catalog.ticketsCreated)
    daily.grain = .day
    daily.fill = true
    daily.zone = zone
    let days = try engine.run(daily, data: facts).rows
    if days.count >= 14 {
      let forecast = try TrendCommands.forecast(
        chats: false, days: 28, data: facts, zone: zone, threads: engine.threads)
      let history = days.suffix(56)
      let values = history.map { number($0[1]) }
      let ma = values.indices.map { i -> Double? in
        guard i >= 6 else { return nil }
        let w = values[(i - 6)...i].compactMap { $0 }
        return w.count == 7 ? w.reduce(0, +) / 7 : nil
      }
      let labels = history.map { $0[0].formatted } + forecast.rows.map { $0[0].formatted }
      let pad = Array(repeating: Double?.none, count: forecast.rows.count)
      let predicted =
        Array(repeating: Double?.none, count: history.count) + forecast.rows.map { number($0[1]) }
      let band =
        Array(repeating: (Double, Double)?.none, count: history.count)
        + forecast.rows.map { r -> (Double, Double)? in (number(r[2]) ?? 0, number(r[3]) ?? 0) }
      let mape = forecast.rows.first.flatMap { number($0[4]) }
      let chart = SVGChart.lines(
        title: "Tickets created per day, 7-day average and forecast",
        x: labels,
        series: [
          ("tickets per day", values + pad, false), ("7-day average", ma + pad, false),
          ("forecast", predicted, true),
        ], band: band)
      data.metrics.append(
        ReportMetric(
          title: "Ticket volume and forecast",
          definition:
            "Tickets created per day (last 8 weeks), their 7-day moving average, and a 4-week "
            + "Holt-Winters forecast (additive, weekly season) with a ±1.96σ band. Backtest: fitted "
            + "without the last 4 weeks, the forecast of those weeks was off by "
            + (mape.map { String(format: "%.1f%%", $0 * 100) } ?? "—") + " (MAPE).",
          table: forecast, csvName: "ticket_volume_forecast.csv", chart: chart))
    }
    // When tickets arrive.
    var how = MetricQuery(metric: Catalog.ticketsCreated)
    how.grain = .hourOfWeek
    how.fill = true
    how.zone = zone
    let heat = try engine.run(how, data: facts)
    if !heat.rows.isEmpty {
      var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
      for (i, r) in heat.rows.enumerated() where i < 168 {
        if case .int(let n) = r[1] { grid[i / 24][i % 24] = n }
      }
      data.metrics.append(
        ReportMetric(
          title: "When tickets arrive",
          definition: "Tickets created by weekday and hour (report time zone), all time.",
          table: heat, csvName: "tickets_by_hour_of_week.csv",
          chart: SVGChart.heatmap(title: "Tickets by weekday and hour", values: grid)))
    }
    // Agents and groups: volume, first reply, resolution, SLA and CSAT per assignee and group.
    func people(_ dimension: String) throws -> MetricTable {
      func by(_ m: MetricDefinition, _ stats: [Statistic]) throws -> [String: [Cell]] {
        var q = MetricQuery(metric: m)
        q.by = [dimension]
        q.stats = stats
        q.zone = zone
        var out: [String: [Cell]] = [:]
        for r in try engine.run(q, data: facts).rows { out[r[0].formatted] = Array(r.dropFirst()) }
        return out
      }
      let created = try by(Catalog.ticketsCreated, [.count])
      let reply = try by(Catalog.firstReplyTime, [.median])
      let resolution = try by(Catalog.fullResolutionTime, [.median])
      let csat = try by(Catalog.csat, [.count])
      let sla = facts.sla == nil ? [:] : try by(Catalog.slaFirstReply, [.count])
      let keys = created.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      var rows: [[Cell]] = []
      for a in keys {
        var row: [Cell] = [.text(a), created[a]?[0] ?? .int(0)]
        row.append(reply[a]?[0] ?? .null)
        row.append(resolution[a]?[0] ?? .null)
        if facts.sla != nil { row.append(sla[a]?[2] ?? .null) }
        row.append(csat[a]?[0] ?? .int(0))
        row.append(csat[a]?[2] ?? .null)
        rows.append(row)
      }
      return MetricTable(
        metric: dimension == "assignee" ? "agents" : "groups",
        columns: [
          dimension, "tickets", "first_reply_median_minutes", "full_resolution_median_minutes",
        ] + (facts.sla == nil ? [] : ["first_reply_breach_rate"]) + ["rated", "csat"],
        rows: rows)
    }
    let what =
      "tickets, median first reply and full resolution (calendar minutes)"
      + (facts.sla == nil ? "" : ", first-reply SLA breach rate") + ", CSAT."
    data.metrics.append(
      ReportMetric(
        title: "Agents", definition: "Per assignee: " + what, table: try people("assignee"),
        csvName: "agents.csv", chart: nil))
    data.metrics.append(
      ReportMetric(
        title: "Groups", definition: "Per group: " + what, table: try people("group"),
        csvName: "groups.csv", chart: nil))
    // Customers.
    let customers = try TrendCommands.customers(by: "requester", top: 15, data: facts)
    data.metrics.append(
      ReportMetric(
        title: "Busiest customers",
        definition:
          "Requesters with the most tickets: open tickets, CSAT, and tickets opened within 7 days of a previous one.",
        table: customers, csvName: "customers.csv", chart: nil))
  }

  /// Knowledge gaps (ranked topics no article covers), unanswered search terms and stale
  /// articles; the full lists go to `gaps.csv`, `search_gaps.csv` and `stale_articles.csv`.
  static func addGapSections(
    _ data: inout ReportData, warehouse: Warehouse,
    asOf: Instant, settings: GapSettings
  ) throws {
    let a = try KnowledgeGapFinder.analyze(
      warehouse: warehouse, asOf: asOf.milliseconds, settings: settings)
    let gaps = a.gapTable()
    data.kpis.append(
      KPI(
        label: "Knowledge gaps", value: String(a.gaps.count),
        note: "of \(a.topics.count) topics in the last \(settings.windowDays) days"
          + (a.sampled.map { " (from a sample of \($0) of \(a.contacts) contacts)" } ?? "")))
    data.metrics.append(
      ReportMetric(
        title: "Knowledge gaps",
        definition:
          "Topics of tickets and chats in the last \(settings.windowDays) days (at least \(settings.minTickets) contacts, grouped by meaning) that no article answers: their nearest article answers another topic better, or is far (similarity below \(settings.matchThreshold)). Ranked by contacts × (1 − similarity) × relative resolution time. Trend: change of the topic's share against the \(settings.windowDays) days before."
          + (a.sampled.map {
            " Read from an even sample of \($0) of the window's \(a.contacts) contacts: counts are the sample's, scaled to the window."
          } ?? ""),
        table: gaps, csvName: "gaps.csv", chart: nil))
    let topics = a.topicTable()
    data.metrics.append(
      ReportMetric(
        title: "Topics and their best article",
        definition:
          "Every topic with its contacts, trend, its nearest article and their similarity, whether it is a gap, and its most typical tickets.",
        table: topics, csvName: "topics.csv", chart: nil))
    let searches = a.searchGapTable()
    if !searches.rows.isEmpty {
      data.metrics.append(
        ReportMetric(
          title: "Searches without an answer",
          definition:
            "Help-center searches (at least \(settings.minSearches) in the window) that found no article, or found some that nobody opened.",
          table: searches, csvName: "search_gaps.csv", chart: nil))
    }
    let stale = a.staleArticleTable()
    if !stale.rows.isEmpty {
      data.metrics.append(
        ReportMetric(
          title: "Stale articles of growing topics",
          definition:
            "Articles that cover a topic whose share grew more than 10 % while the article has not been updated for \(settings.staleDays) days.",
          table: stale, csvName: "stale_articles.csv", chart: nil))
    }
  }

  /// Buckets of the duration distribution: (CSV column, chart label, upper bound in minutes).
  static let durationBuckets: [(column: String, label: String, upTo: Double?)] = [
    ("up_to_1h", "≤ 1 h", 60), ("1h_to_4h", "1–4 h", 240), ("4h_to_8h", "4–8 h", 480),
    ("8h_to_24h", "8–24 h", 1440), ("1d_to_3d", "1–3 d", 4320), ("3d_to_7d", "3–7 d", 10_080),
    ("over_7d", "> 7 d", nil),
  ]

  /// How first reply and full resolution times are distributed, in calendar time and (with a
  /// schedule) business time: tickets per bucket, from the engine's `leN` counts.
  static func addDurationDistribution(
    _ data: inout ReportData, facts: MetricData, zone: ZoneRules, engine: MetricEngine
  ) throws {
    var rows: [[Cell]] = []
    var series: [(name: String, counts: [Int])] = []
    let bounds = durationBuckets.compactMap(\.upTo)
    for metric in [Catalog.firstReplyTime, Catalog.fullResolutionTime] {
      for business in facts.schedule == nil ? [false] : [false, true] {
        var q = MetricQuery(metric: metric)
        q.zone = zone
        q.business = business
        q.stats = [.count, .median] + bounds.map { Statistic.atMost($0) }
        guard let row = try engine.run(q, data: facts).rows.first,
          case .int(let total) = row[0], total > 0
        else { continue }
        var cumulative = row[2...].map { cell -> Int in
          if case .int(let n) = cell { return n }
          return 0
        }
        cumulative.append(total)
        let counts = cumulative.indices.map {
          $0 == 0 ? cumulative[0] : cumulative[$0] - cumulative[$0 - 1]
        }
        rows.append(
          [.text(metric.id), .text(business ? "business" : "calendar"), .int(total), row[1]]
            + counts.map { Cell.int($0) })
        series.append(
          (
            metric.id.replacingOccurrences(of: "_", with: " ") + (business ? " (business)" : ""),
            counts
          ))
      }
    }
    guard !rows.isEmpty else { return }
    let title = "Distribution of first reply and resolution times"
    data.metrics.append(
      ReportMetric(
        title: title,
        definition:
          "Tickets by how long the first reply and the full resolution took, in calendar time"
          + (facts.schedule == nil ? "" : " and in the business hours of the first schedule")
          + ". Buckets include their upper bound; the chart shows each row's shares.",
        table: MetricTable(
          metric: "duration_distribution",
          columns: ["metric", "time", "tickets", "median_minutes"]
            + durationBuckets.map(\.column), rows: rows),
        csvName: "duration_distribution.csv",
        chart: SVGChart.histogram(
          title: title, buckets: durationBuckets.map(\.label), series: series)))
  }

  /// The classifiers' held-out quality, the category confusion table and the urgent-looking
  /// tickets (`classifier_quality.csv`, `category_confusion.csv`, `urgent_looking.csv`).
  static func addCategorySections(
    _ data: inout ReportData, warehouse: Warehouse, zone: ZoneRules, settings: CategorySettings
  ) throws {
    let models = try warehouse.classifierModels()
    guard !models.isEmpty else { return }
    let holdout = Int((settings.holdoutShare * 100).rounded())
    let category = models.first { $0.model == "category" }
    if let category {
      let e = ClassifierEvaluation(category)
      if e.total > 0 {
        data.kpis.append(
          KPI(
            label: "Category accuracy", value: percent(e.accuracy),
            note: "on \(e.total) held-out tickets; macro-F1 \(percent(e.macroF1))"))
      }
    }
    data.metrics.append(
      ReportMetric(
        title: "Category and priority classifiers",
        definition:
          "Multinomial naive Bayes over TF-IDF words and word pairs of subject and description. Trained on the tickets that record a category (or a priority), measured on a fixed \(holdout) % of them held out; majority_baseline is the accuracy of always answering the commonest class. Tickets without a category get the predicted one (category dimension).",
        table: ClassifierTables.quality(models), csvName: "classifier_quality.csv", chart: nil))
    if let category, category.holdout > 0 {
      data.metrics.append(
        ReportMetric(
          title: "Category confusion on held-out tickets",
          definition:
            "Rows: the category recorded on a held-out ticket; columns: the category predicted from its text. Recorded categories can themselves be wrong.",
          table: ClassifierTables.confusion(category), csvName: "category_confusion.csv",
          chart: nil))
    }
    if models.contains(where: { $0.model == "priority" }) {
      let urgent = try warehouse.urgentLooking(threshold: settings.urgentThreshold)
      data.kpis.append(
        KPI(
          label: "Urgent-looking, low priority",
          value: String(urgent.count { !["solved", "closed"].contains($0.status ?? "") }),
          note: "unresolved (\(urgent.count) in all)"))
      data.metrics.append(
        ReportMetric(
          title: "Urgent-looking tickets with a low priority",
          definition:
            "Tickets with priority low, normal or none whose text gives high or urgent a probability of at least \(percent(settings.urgentThreshold)) under the priority model, unresolved ones first; why: the words that raised it most.",
          table: ClassifierTables.urgentLooking(urgent, zone: zone), csvName: "urgent_looking.csv",
          chart: nil))
    }
  }

  /// Escalation rates and times by category, channel and priority, and the routing suggestion
  /// table (`escalations.csv`, `routing.csv`).
  static func addEscalationSections(
    _ data: inout ReportData, facts: MetricData, zone: ZoneRules, threads: Int,
    minGroupTickets: Int
  ) throws {
    let analysis = EscalationAnalysis(
      zone: zone, threads: threads, minGroupTickets: minGroupTickets)
    var overall = MetricQuery(metric: Catalog.escalationRate)
    overall.zone = zone
    if let row = try MetricEngine(threads: threads).run(overall, data: facts).rows.first,
      case .real(let rate) = row[2]
    {
      data.kpis.append(
        KPI(label: "Escalation rate", value: percent(rate), note: "\(row[1].formatted) escalated"))
    }
    data.metrics.append(
      ReportMetric(
        title: "Escalations by category, channel and priority",
        definition: Catalog.escalationRate.definition
          + " timed: escalated tickets whose export says when; median_minutes_to_escalation: created to first escalation.",
        table: try analysis.escalationTable(facts), csvName: "escalations.csv", chart: nil))
    data.metrics.append(
      ReportMetric(
        title: "Routing: which group resolves each category fastest",
        definition:
          "Median full resolution time of each category's solved tickets per group; the fastest group among those that resolved at least \(minGroupTickets) of them, next to the group that resolves the most. median_minutes_saved: main minus fastest; evidence: clear when the two medians' 95 % confidence intervals do not overlap (only then is rerouting worth trying).",
        table: try analysis.routingTable(facts), csvName: "routing.csv", chart: nil))
  }

  static func percent(_ x: Double) -> String {
    let tenths = (x * 1000).rounded()
    return "\(Int(tenths) / 10).\(Int(tenths) % 10) %"
  }

  static func change(_ now: Double, _ before: Double) -> String {
    guard before > 0 else { return "" }
    return String(format: " (%@%.0f%%)", now >= before ? "+" : "", (now - before) / before * 100)
  }

  /// `summary.json`: headline numbers, run metadata and file accounting, for other tools.
  static func summaryJSON(_ d: ReportData, runID: Int64?) -> String {
    func q(_ s: String) -> String { JSONText.quote(s) }
    let kpis = d.kpis.map {
      "    {\"label\": \(q($0.label)), \"value\": \(q($0.value)), \"note\": \(q($0.note))}"
    }
    let files = d.files.map { f in
      "    {\"file\": \(q(f.file)), \"read\": \(f.read), \"inserted\": \(f.inserted), \"updated\": \(f.updated), "
        + "\"unchanged\": \(f.unchanged), \"superseded\": \(f.superseded), \"rejected\": \(f.rejected), "
        + "\"skipped\": \(f.skipped), \"failed\": \(f.failed.map(q) ?? "null")}"
    }
    let tables = d.metrics.map {
      "    {\"title\": \(q($0.title)), \"metric\": \(q($0.table.metric)), \"csv\": \(q($0.csvName)), \"rows\": \($0.table.rows.count)}"
    }
    return
      "{\n  \"title\": \(q(d.title)),\n  \"produced_by\": \(q(d.producedBy)),\n  \"as_of\": \(q(d.asOf)),\n"
      + "  \"time_zone\": \(q(d.timeZone)),\n  \"run_id\": \(runID.map(String.init) ?? "null"),\n"
      + "  \"reject_threshold_exceeded\": \(d.rejectThresholdExceeded),\n"
      + "  \"quality_failed\": \(d.qualityFailed),\n"
      + "  \"headline\": [\n" + kpis.joined(separator: ",\n") + "\n  ],\n"
      + "  \"tables\": [\n" + tables.joined(separator: ",\n") + "\n  ],\n"
      + "  \"files\": [\n" + files.joined(separator: ",\n") + "\n  ]\n}\n"
  }

  /// `index.html` in the output folder: every run folder that has a report, newest first.
  static func writeIndex(_ output: String) throws {
    let fm = FileManager.default
    let names = ((try? fm.contentsOfDirectory(atPath: output)) ?? []).filter {
      fm.fileExists(atPath: output + "/" + $0 + "/report.html")
    }.sorted(by: >)
    var rows = ""
    for n in names {
      let e = HTMLText.escape(n)
      var when = ""
      if let json = fm.contents(atPath: output + "/" + n + "/summary.json"),
        let obj = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
        let asOf = obj["as_of"] as? String
      {
        when = HTMLText.escape(asOf)
      }
      rows += "<tr><td><a href=\"\(e)/report.html\">\(e)</a></td><td>\(when)</td></tr>\n"
    }
    let html = """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
      <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
      <title>TicketLens reports</title>
      <style>body{font:15px/1.45 system-ui,sans-serif;max-width:720px;margin:24px auto;padding:0 16px}
      table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 10px;border-bottom:1px solid #d0d7de}</style>
      </head><body><h1>TicketLens reports</h1>
      <p><a href="latest.html">Latest report</a></p>
      <table><thead><tr><th scope="col">Run</th><th scope="col">Data as of</th></tr></thead><tbody>
      \(rows)</tbody></table></body></html>

      """
    try AtomicFile.write(html, to: output + "/index.html")
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

  /// A count for a headline tile, with thousands separators.
  static func count(_ n: Int) -> String { Presentation.grouped(Double(n), decimals: 0) }

  /// The periods of a table by day, week or month (its first column) that the as-of instant
  /// cuts short — the one it falls in, unless it falls at that period's last second — and what
  /// the page says about them.
  static func partialPeriods(_ t: MetricTable, asOf: Instant, zone: ZoneRules) -> (
    rows: Set<String>, note: String?
  ) {
    guard let grain = t.columns.first, ["day", "week", "month"].contains(grain) else {
      return ([], nil)
    }
    let local = zone.localSecond(fromUTC: asOf.milliseconds.floorDiv(1000))
    let today = CivilDate(daysSinceEpoch: Int(local.floorDiv(86_400)))
    let dayIsOver = local - local.floorDiv(86_400) * 86_400 >= 86_399
    var partial = Set<String>()
    for row in t.rows {
      let label = row[0].formatted
      guard let start = CivilDate(iso8601: grain == "month" ? label + "-01" : label) else {
        continue
      }
      let end: CivilDate  // the period's first day after it
      switch grain {
      case "day": end = start.adding(days: 1)
      case "week": end = start.adding(days: 7)
      default:
        end =
          start.month == 12
          ? CivilDate(year: start.year + 1, month: 1, day: 1)
          : CivilDate(year: start.year, month: start.month + 1, day: 1)
      }
      let tomorrow = today.adding(days: 1)
      if tomorrow < end || (tomorrow == end && !dayIsOver) { partial.insert(label) }
    }
    guard let last = partial.sorted().last else { return ([], nil) }
    let time = Instant(milliseconds: asOf.milliseconds).iso8601
    return (
      partial,
      "The \(grain) of \(last) is partial (data to \(time)): it is drawn lighter and marked *, "
        + "and its counts are not comparable with full \(grain)s."
    )
  }

  /// A stacked bar chart for a count table with a day/week/month column and one dimension;
  /// `partial` periods are drawn lighter and marked.
  static func chart(for t: MetricTable, title: String, partial: Set<String> = []) -> String? {
    guard t.columns.count == 3, ["day", "week", "month"].contains(t.columns[0]),
      t.columns[2] == "count", !t.rows.isEmpty
    else { return nil }
    var periods: [String] = []
    var seriesNames: [String] = []
    var values: [String: [String: Int]] = [:]
    for r in t.rows {
      let p = r[0].formatted
      let s = r[1].formatted
      if periods.last != p { periods.append(p) }
      if !seriesNames.contains(s) { seriesNames.append(s) }
      if case .int(let c) = r[2] { values[s, default: [:]][p] = c }
    }
    seriesNames.sort()
    let series = seriesNames.map { s in (s, periods.map { values[s]?[$0] ?? 0 }) }
    return SVGChart.stackedBars(
      title: title, x: periods, series: series,
      partial: Set(periods.indices.filter { partial.contains(periods[$0]) }))
  }

  /// One row per data-quality check (`quality_checks.csv`).
  public static func qualityTable(_ results: [StoredQualityResult]) -> MetricTable {
    MetricTable(
      metric: "quality_checks",
      columns: [
        "check", "table", "checked", "failed", "failed_share", "status", "examples", "asserts",
      ],
      rows: results.map { q in
        [
          .text(q.check), .text(q.table), .int(q.checked), .int(q.failed),
          q.checked > 0 ? .real(Double(q.failed) / Double(q.checked)) : .null, .text(q.status),
          .text(
            q.failures.prefix(3).map { "\($0.source)/\($0.id): \($0.detail)" }.joined(
              separator: "; ")),
          .text(q.description),
        ]
      })
  }

  /// The names merged because they differ only in case or spacing (`names_merged.csv`).
  static func spellingMergesTable(_ merges: [SpellingMerge]) -> MetricTable {
    MetricTable(
      metric: "names_merged", columns: ["table", "dimension", "shown_as", "spellings", "rows"],
      rows: merges.map { m in
        [
          .text(m.table), .text(m.dimension), .text(m.display),
          .text(m.spellings.map { "'\($0.value)' (\($0.rows))" }.joined(separator: ", ")),
          .int(m.spellings.reduce(0) { $0 + $1.rows }),
        ]
      })
  }

  /// Every stored failing row (`quality_failures.csv`).
  public static func qualityFailures(_ results: [StoredQualityResult]) -> MetricTable {
    MetricTable(
      metric: "quality_failures", columns: ["check", "table", "record", "detail"],
      rows: results.flatMap { q in
        q.failures.map { f -> [Cell] in
          [.text(q.check), .text(q.table), .text(f.source + "/" + f.id), .text(f.detail)]
        }
      })
  }

  static func accountingCSV(_ files: [FileAccounting]) -> String {
    let rows: [[Cell]] = files.map {
      [
        .text($0.file), .int($0.read), .int($0.inserted), .int($0.updated), .int($0.unchanged),
        .int($0.superseded), .int($0.rejected), .text($0.failed ?? ""),
      ]
    }
    return CSVWriter().render(
      header: [
        "file", "read", "inserted", "updated", "unchanged", "superseded", "rejected", "failed",
      ],
      rows: rows)
  }

  static func rejectsTable(_ rejects: [RejectRow]) -> MetricTable {
    MetricTable(
      metric: "rejects", columns: ["file", "line", "field", "code", "message", "raw"],
      rows: rejects.map {
        [
          .text($0.file), $0.line.map(Cell.int) ?? .null, .text($0.field ?? ""), .text($0.code),
          .text($0.message), .text($0.raw ?? ""),
        ]
      })
  }
}
