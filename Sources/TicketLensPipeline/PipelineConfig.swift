import Foundation
import TicketLensIngest
import TicketLensInsights
import TicketLensWarehouse
import TicketLensMetrics
import TicketLensModel
import Yams

/// A pipeline file (`pipelines/*.yml`): where the exports are, where the warehouse and reports
/// go, the report time zone, and which metric tables the report shows.
public struct PipelineConfig: Sendable {
  /// The pipeline file's path as given.
  public var file: String
  public var name: String
  public var description: String
  /// Warehouse path, resolved against the pipeline file's folder.
  public var warehouse: String
  /// Output folder, resolved likewise.
  public var output: String
  /// Report time zone (IANA).
  public var timeZone: String
  /// Fraction of records read that may be rejected before the run fails (exit 3).
  public var rejectThreshold: Double
  public var sources: [SourceConfig]
  public var report: [ReportMetricConfig]
  /// Business-hours schedules by name (the first is used by `--business`).
  public var schedules: [BusinessSchedule] = []
  /// The SLA policy, when the pipeline has one.
  public var sla: SLAPolicy?
  /// Which outputs a run writes.
  public var outputs = Outputs()
  /// Knowledge-gap settings (`insights:`).
  public var insights = GapSettings()
  /// Whether runs compute the knowledge gaps (`insights: {gaps: false}` turns them off).
  public var gaps = true
  /// Whether runs score sentiment at load time (`insights: {sentiment: false}` turns it off).
  public var sentiment = true
  /// Whether runs classify tickets (category and priority; `insights: {classify: false}`).
  public var classify = true
  /// Where tickets record their category and how the classifiers train (`insights:`).
  public var categories = CategorySettings()
  /// What marks a ticket as escalated (`escalation: {tags: [...], groups: [...]}`).
  public var escalation = EscalationRule()
  /// Who the ids in the exports are (`people:`): users and groups exports or id,name CSVs,
  /// read when a report is written; the report shows names, the CSVs keep ids.
  public var people: [PeopleFile] = []
  /// Where `run --engine spark` submits the metric SQL (`spark:`).
  public var spark = SparkSettings()

  /// One `people:` entry: a path (relative to the pipeline file) and, for a list that does not
  /// say, whether it holds people or groups.
  public struct PeopleFile: Sendable, Equatable {
    public var path: String
    public var kind: PeopleReader.Kind?
    public init(path: String, kind: PeopleReader.Kind? = nil) {
      self.path = path
      self.kind = kind
    }
  }
  /// Replace requester names and e-mail addresses with pseudonyms in every output
  /// (`privacy: {redact: true}`).
  public var redact = false
  /// The data-quality gate (`quality: {required: [...], channels: [...], warn: 0, error: 0.05}`).
  public var quality = QualitySettings()

  /// `outputs: {html: true, csv: true, json: true, folder: "{date}", retention: 30}`.
  public struct Outputs: Sendable {
    public var html = true
    public var csv = true
    /// `summary.json` with the headline numbers, run metadata and file accounting.
    public var json = true
    /// The run folder's name under `output`: `{date}` (the as-of date) and `{pipeline}`.
    public var folder = "{date}"
    /// Keep only this many run folders (the newest); nil keeps all.
    public var retention: Int? = nil
  }

  /// One source: a set of files in one format and zone.
  public struct SourceConfig: Sendable {
    public var name: String
    /// Forced format; nil detects it per file from the content.
    public var format: InputFormat?
    /// For generic exports: which column or key feeds which field, and value maps.
    public var mapping: FieldMapping?
    /// What a mapped export holds.
    public var kind: RecordKind
    /// Files, folders or globs, resolved against the pipeline file's folder.
    public var paths: [String]
    /// Zone of zoneless timestamps in these files.
    public var timeZone: String
  }

  /// A metric table in the report.
  public struct ReportMetricConfig: Sendable {
    public var metric: MetricDefinition
    public var by: [String]
    public var grain: Grain?
    public var stats: [Statistic]
    public var title: String

    /// The metric query this table runs.
    public func query(zone: ZoneRules) -> MetricQuery {
      var q = MetricQuery(metric: metric)
      q.by = by
      q.grain = grain
      q.stats = stats
      q.zone = zone
      return q
    }
  }

  /// Where `ticketlens facts` and `run --engine spark` write the per-record facts.
  public var factsDirectory: String {
    spark.facts
      ?? URL(fileURLWithPath: warehouse).deletingLastPathComponent().appendingPathComponent("facts")
      .path
  }

  /// How an input file is named in messages and reports: its path relative to the pipeline
  /// file's folder, so that reports do not depend on where the project is checked out.
  public func displayName(of path: String) -> String {
    let base = URL(fileURLWithPath: file).deletingLastPathComponent().standardized.pathComponents
    let target = URL(fileURLWithPath: path).standardized.pathComponents
    var common = 0
    while common < base.count, common < target.count, base[common] == target[common] { common += 1 }
    guard common > 1 else { return path }  // nothing shared but "/": keep the absolute path
    let ups = Array(repeating: "..", count: base.count - common)
    return (ups + target[common...]).joined(separator: "/")
  }

  /// Reads and validates a pipeline file.
  /// - Throws: `ConfigError` with file:line:column for syntax errors, unknown keys (with a
  ///   suggestion), wrong types, unknown formats, zones, metrics and dimensions.
  public static func load(path: String) throws(ConfigError) -> PipelineConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(file: path, "cannot read the pipeline file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(file: path, "the pipeline file is not UTF-8 text")
    }
    return try parse(text, path: path)
  }

  public static func parse(_ text: String, path: String) throws(ConfigError) -> PipelineConfig {
    let root: Node
    do {
      guard let n = try Yams.compose(yaml: text) else {
        throw ConfigError(file: path, line: 1, "the pipeline file is empty")
      }
      root = n
    } catch let e as ConfigError {
      throw e
    } catch let e as YamlError {
      throw YAMLPlace.error(e, file: path)
    } catch {
      throw ConfigError(file: path, "\(error)")
    }
    let r = NodeReader(file: path)
    let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
    func resolve(_ p: String) -> String {
      p.hasPrefix("/") ? p : URL(fileURLWithPath: base).appendingPathComponent(p).standardized.path
    }
    let top = try r.mapping(
      root,
      keys: [
        "name", "description", "warehouse", "output", "timezone", "reject_threshold", "sources",
        "report", "schedules", "sla", "outputs", "insights", "escalation", "quality", "privacy",
        "people", "spark",
      ], what: "the pipeline")
    let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    let name =
      try top["name"].map { n throws(ConfigError) in try r.string(n, "name") } ?? fallbackName
    let description =
      try top["description"].map { n throws(ConfigError) in try r.string(n, "description") } ?? ""
    let warehouse = resolve(
      try top["warehouse"].map { n throws(ConfigError) in try r.string(n, "warehouse") }
        ?? "../reports/ticketlens.sqlite")
    let output = resolve(
      try top["output"].map { n throws(ConfigError) in try r.string(n, "output") } ?? "../reports")
    let tz = try top["timezone"].map { n throws(ConfigError) in try r.zone(n, "timezone") } ?? "UTC"
    var threshold = 0.05
    if let n = top["reject_threshold"] {
      threshold = try r.double(n, "reject_threshold")
      guard (0...1).contains(threshold) else {
        throw r.error(n, "reject_threshold must be a fraction between 0 and 1, got \(threshold)")
      }
    }
    guard let sourcesNode = top["sources"] else {
      throw ConfigError(file: path, line: root.mark?.line, "the pipeline has no 'sources'")
    }
    var sources: [SourceConfig] = []
    for (k, s) in try r.sequence(sourcesNode, "sources").enumerated() {
      let m = try r.mapping(
        s, keys: ["name", "format", "paths", "path", "timezone", "kind", "columns", "values"],
        what: "a source")
      let sname =
        try m["name"].map { n throws(ConfigError) in try r.string(n, "name") } ?? "source\(k + 1)"
      var format: InputFormat? = nil
      if let f = m["format"] {
        let v = try r.string(f, "format")
        if v != "auto" {
          guard let fmt = InputFormat(rawValue: v) else {
            let known = InputFormat.allCases.map(\.rawValue)
            var msg = "unknown format '\(v)'"
            if let s = Suggest.closest(v, in: known) { msg += " (did you mean '\(s)'?)" }
            throw r.error(f, msg + "; known: auto, " + known.joined(separator: ", "))
          }
          format = fmt
        }
      }
      guard let pathsNode = m["paths"] ?? m["path"] else {
        throw r.error(s, "source '\(sname)' has no 'paths'")
      }
      let paths = try r.stringList(pathsNode, "paths").map(resolve)
      let stz =
        try m["timezone"].map { n throws(ConfigError) in try r.zone(n, "timezone") } ?? "UTC"
      var kind = RecordKind.tickets
      if let k = m["kind"] {
        let v = try r.string(k, "kind")
        guard v == "tickets" || v == "chats" else {
          throw r.error(k, "kind must be tickets or chats (for mapped exports), got '\(v)'")
        }
        kind = v == "chats" ? .chats : .tickets
      }
      var mapping: FieldMapping? = nil
      if let c = m["columns"] {
        let targets = kind == .chats ? FieldMapping.chatFields : FieldMapping.ticketFields
        var columns: [String: String] = [:]
        guard case .mapping(let pairs) = c else {
          throw r.error(c, "'columns' must map source columns to fields")
        }
        for (k, v) in pairs {
          let from = try r.string(k, "columns")
          let to = try r.string(v, "columns")
          guard targets.contains(to) else {
            var msg = "unknown \(kind == .chats ? "chat" : "ticket") field '\(to)'"
            if let sug = Suggest.closest(to, in: targets) { msg += " (did you mean '\(sug)'?)" }
            throw r.error(v, msg + "; fields: " + targets.joined(separator: ", "))
          }
          columns[from] = to
        }
        var values: [String: [String: String]] = [:]
        if let vnode = m["values"] {
          guard case .mapping(let fields) = vnode else {
            throw r.error(vnode, "'values' must be a mapping")
          }
          for (fk, fv) in fields {
            let field = try r.string(fk, "values")
            guard case .mapping(let maps) = fv else {
              throw r.error(fv, "values.\(field) must map source values to TicketLens values")
            }
            var map: [String: String] = [:]
            for (a, b) in maps { map[try r.string(a, "values")] = try r.string(b, "values") }
            values[field] = map
          }
        }
        mapping = FieldMapping(columns: columns, values: values)
        if format == nil {
          // Mapped exports are CSV or NDJSON; the content decides which.
          format = nil
        }
      } else if let vnode = m["values"] {
        throw r.error(vnode, "'values' needs 'columns' (it maps values of mapped columns)")
      }
      sources.append(
        SourceConfig(
          name: sname, format: format, mapping: mapping, kind: kind, paths: paths, timeZone: stz))
    }
    var report: [ReportMetricConfig] = []
    if let rep = top["report"] {
      let rm = try r.mapping(rep, keys: ["metrics"], what: "the report")
      for item in try rm["metrics"].map({ n throws(ConfigError) in try r.sequence(n, "metrics") })
        ?? []
      {
        let m = try r.mapping(
          item, keys: ["metric", "by", "grain", "stats", "title"], what: "a report metric")
        guard let idNode = m["metric"] else {
          throw r.error(item, "a report metric needs 'metric'")
        }
        let id = try r.string(idNode, "metric")
        guard let def = Catalog.metric(id) else {
          var msg = "unknown metric '\(id)'"
          if let s = Suggest.closest(id, in: Catalog.all.map(\.id)) {
            msg += " (did you mean '\(s)'?)"
          }
          throw r.error(idNode, msg + "; known: " + Catalog.all.map(\.id).joined(separator: ", "))
        }
        var by: [String] = []
        if let b = m["by"] {
          by = try r.stringList(b, "by")
          for d in by where !Catalog.dimensions.contains(d) {
            throw r.error(b, Catalog.unknownDimension(d))
          }
        }
        var grain: Grain? = nil
        if let g = m["grain"] {
          let v = try r.string(g, "grain")
          guard let gr = Grain(rawValue: v) else {
            throw r.error(g, "unknown grain '\(v)'; known: day, week, month")
          }
          grain = gr
        }
        var stats: [Statistic] = [.count, .median, .p90]
        if let s = m["stats"] {
          stats = try r.stringList(s, "stats").map { v throws(ConfigError) in
            guard let st = Statistic(v) else {
              throw r.error(s, "unknown statistic '\(v)'; use count, mean, median, pNN or leN")
            }
            return st
          }
        }
        let title =
          try m["title"].map { n throws(ConfigError) in try r.string(n, "title") }
          ?? ReportTitles.defaultTitle(def, by: by, grain: grain)
        report.append(
          ReportMetricConfig(metric: def, by: by, grain: grain, stats: stats, title: title))
      }
    }
    var config = PipelineConfig(
      file: path, name: name, description: description, warehouse: warehouse, output: output,
      timeZone: tz, rejectThreshold: threshold, sources: sources, report: report)
    if let node = top["schedules"] {
      guard case .mapping(let entries) = node else {
        throw r.error(node, "'schedules' must map names to schedules")
      }
      for (k, v) in entries {
        config.schedules.append(
          try ScheduleParser.schedule(name: try r.string(k, "schedules"), v, r))
      }
    }
    if let node = top["sla"] {
      config.sla = try ScheduleParser.sla(node, r, schedules: config.schedules)
    }
    if let node = top["outputs"] {
      let m = try r.mapping(
        node, keys: ["html", "csv", "json", "folder", "retention"], what: "outputs")
      func flag(_ k: String) throws(ConfigError) -> Bool? {
        guard let n = m[k] else { return nil }
        guard case .scalar(let sc) = n, let b = Bool(sc.string) else {
          throw r.error(n, "'\(k)' must be true or false")
        }
        return b
      }
      config.outputs.html = try flag("html") ?? true
      config.outputs.csv = try flag("csv") ?? true
      config.outputs.json = try flag("json") ?? true
      if let f = m["folder"] {
        let pattern = try r.string(f, "folder")
        guard pattern.contains("{date}") else {
          throw r.error(
            f, "the run folder name must contain {date}, so that runs do not overwrite each other")
        }
        guard !pattern.hasPrefix("/"),
          !pattern.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }),
          !pattern.contains("\\")
        else {
          throw r.error(
            f, "the run folder must stay inside the output folder (no absolute path, no '..')")
        }
        config.outputs.folder = pattern
      }
      if let n = m["retention"] {
        guard case .scalar(let sc) = n, let v = Int(sc.string), v >= 1 else {
          throw r.error(n, "'retention' must be a whole number of runs, at least 1")
        }
        config.outputs.retention = v
      }
      guard config.outputs.html || config.outputs.csv else {
        throw r.error(node, "outputs: at least one of html and csv must be true")
      }
    }
    if let node = top["privacy"] {
      let m = try r.mapping(node, keys: ["redact"], what: "privacy")
      if let n = m["redact"] {
        guard case .scalar(let sc) = n, let b = Bool(sc.string) else {
          throw r.error(n, "'redact' must be true or false")
        }
        config.redact = b
      }
    }
    if let node = top["quality"] {
      let m = try r.mapping(node, keys: ["required", "channels", "warn", "error"], what: "quality")
      if let n = m["required"] {
        let fields = try r.stringList(n, "required")
        for f in fields where !QualitySettings.ticketFields.contains(f) {
          var msg = "unknown ticket field '\(f)'"
          if let s = Suggest.closest(f, in: QualitySettings.ticketFields) {
            msg += " (did you mean '\(s)'?)"
          }
          throw r.error(
            n, msg + "; fields: " + QualitySettings.ticketFields.joined(separator: ", "))
        }
        config.quality.requiredTicketFields = fields
      }
      if let n = m["channels"] { config.quality.channels = try r.stringList(n, "channels") }
      for (key, path) in [
        ("warn", \QualitySettings.warnShare), ("error", \QualitySettings.errorShare),
      ] {
        guard let n = m[key] else { continue }
        let v = try r.double(n, key)
        guard v >= 0, v <= 1 else {
          throw r.error(n, "'\(key)' is a share of the checked rows, between 0 and 1")
        }
        config.quality[keyPath: path] = v
      }
      guard config.quality.warnShare <= config.quality.errorShare else {
        throw r.error(node, "quality: 'warn' must not be above 'error'")
      }
    }
    if let node = top["people"] {
      for item in try r.sequence(node, "people") {
        if case .scalar = item {
          config.people.append(PeopleFile(path: resolve(try r.string(item, "people"))))
          continue
        }
        let m = try r.mapping(item, keys: ["path", "kind"], what: "a people entry")
        guard let p = m["path"] else { throw r.error(item, "a people entry needs 'path'") }
        var entry = PeopleFile(path: resolve(try r.string(p, "path")))
        if let k = m["kind"] {
          let text = try r.string(k, "kind")
          guard let kind = PeopleReader.Kind(rawValue: text) else {
            throw r.error(k, "'kind' is 'people' or 'groups', not '\(text)'")
          }
          entry.kind = kind
        }
        config.people.append(entry)
      }
    }
    if let node = top["spark"] {
      let m = try r.mapping(
        node, keys: ["master", "submit", "conf", "facts", "arguments", "format"], what: "spark")
      if let n = m["format"] {
        let name = try r.string(n, "format")
        guard let f = FactsFormat(rawValue: name) else {
          throw r.error(n, "'format' is 'parquet' or 'csv', not '\(name)'")
        }
        config.spark.format = f
      }
      if let n = m["master"] { config.spark.master = try r.string(n, "master") }
      if let n = m["submit"] { config.spark.submit = resolve(try r.string(n, "submit")) }
      if let n = m["facts"] { config.spark.facts = resolve(try r.string(n, "facts")) }
      if let n = m["arguments"] { config.spark.arguments = try r.stringList(n, "arguments") }
      if let n = m["conf"] {
        guard case .mapping(let pairs) = n else {
          throw r.error(n, "'conf' maps Spark settings to values (spark.executor.memory: 2g)")
        }
        for (k, v) in pairs {
          config.spark.conf.append([try r.string(k, "conf"), try r.string(v, "conf")])
        }
      }
    }
    if let node = top["escalation"] {
      let m = try r.mapping(node, keys: ["tags", "groups"], what: "escalation")
      if let n = m["tags"] { config.escalation.tags = try r.stringList(n, "tags") }
      if let n = m["groups"] { config.escalation.groups = try r.stringList(n, "groups") }
    }
    if let node = top["insights"] {
      let m = try r.mapping(
        node,
        keys: [
          "gaps", "sentiment", "min_tickets", "window_days", "match_threshold", "stale_days",
          "min_searches", "classify", "category_field", "category_tag_prefix", "holdout",
          "urgent_threshold", "routing_min_tickets", "classifier", "retrain_share",
          "max_contacts", "text_model", "sentence_limit", "cover_mass",
        ],
        what: "insights")
      if let n = m["text_model"] {
        let name = try r.string(n, "text_model")
        guard let model = GapSettings.TextModel(rawValue: name) else {
          throw r.error(n, "'text_model' is 'auto', 'static' or 'sentence', not '\(name)'")
        }
        config.insights.textModel = model
      }
      if let n = m["cover_mass"] {
        let v = try r.double(n, "cover_mass")
        guard v >= 0, v <= 1 else { throw r.error(n, "'cover_mass' is a share, between 0 and 1") }
        config.insights.coverMass = v
      }
      func whole(_ k: String, min: Int) throws(ConfigError) -> Int? {
        guard let n = m[k] else { return nil }
        guard case .scalar(let sc) = n, let v = Int(sc.string), v >= min else {
          throw r.error(n, "'\(k)' must be a whole number, at least \(min)")
        }
        return v
      }
      for key in ["gaps", "sentiment", "classify"] {
        guard let n = m[key] else { continue }
        guard case .scalar(let sc) = n, let b = Bool(sc.string) else {
          throw r.error(n, "'\(key)' must be true or false")
        }
        switch key {
        case "gaps": config.gaps = b
        case "sentiment": config.sentiment = b
        default: config.classify = b
        }
      }
      if let n = m["category_field"] {
        config.categories.fields = try r.stringList(n, "category_field")
        guard !config.categories.fields.contains(where: \.isEmpty) else {
          throw r.error(n, "'category_field' names a custom field and may not be empty")
        }
      }
      if let n = m["classifier"] {
        let name = try r.string(n, "classifier")
        guard let kind = ClassifierKind(rawValue: name) else {
          throw r.error(
            n,
            "'classifier' must be one of "
              + ClassifierKind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        config.categories.kind = kind
      }
      if let n = m["category_tag_prefix"] {
        let p = try r.string(n, "category_tag_prefix")
        guard !p.isEmpty, !p.contains(" ") else {
          throw r.error(n, "'category_tag_prefix' must be a non-empty tag prefix without spaces")
        }
        config.categories.tagPrefix = p
      }
      for (key, path) in [
        ("holdout", \CategorySettings.holdoutShare),
        ("urgent_threshold", \CategorySettings.urgentThreshold),
      ] {
        guard let n = m[key] else { continue }
        let v = try r.double(n, key)
        guard v > 0, v < 1 else { throw r.error(n, "'\(key)' must be between 0 and 1 (exclusive)") }
        config.categories[keyPath: path] = v
      }
      if let n = m["retrain_share"] {
        let v = try r.double(n, "retrain_share")
        guard v >= 0, v < 1 else { throw r.error(n, "'retrain_share' must be in [0, 1)") }
        config.categories.retrainShare = v
      }
      config.insights.minTickets = try whole("min_tickets", min: 1) ?? config.insights.minTickets
      config.insights.windowDays = try whole("window_days", min: 1) ?? config.insights.windowDays
      config.insights.staleDays = try whole("stale_days", min: 1) ?? config.insights.staleDays
      config.insights.minSearches = try whole("min_searches", min: 1) ?? config.insights.minSearches
      config.insights.maxContacts =
        try whole("max_contacts", min: 0) ?? config.insights.maxContacts
      config.insights.sentenceLimit =
        try whole("sentence_limit", min: 0) ?? config.insights.sentenceLimit
      config.categories.routingMinTickets =
        try whole("routing_min_tickets", min: 1) ?? config.categories.routingMinTickets
      if let n = m["match_threshold"] {
        let v = try r.double(n, "match_threshold")
        guard v > 0, v <= 1 else { throw r.error(n, "'match_threshold' must be in (0, 1]") }
        config.insights.matchThreshold = v
      }
    }
    return config
  }
}

/// Titles for report tables.
enum ReportTitles {
  static func defaultTitle(_ m: MetricDefinition, by: [String], grain: Grain?) -> String {
    let base = m.id.replacingOccurrences(of: "_", with: " ").capitalizedFirst
    let parts = (grain.map { [$0.rawValue] } ?? []) + by
    return parts.isEmpty ? base : base + " by " + parts.joined(separator: " and ")
  }
}

extension String {
  var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// Typed access to YAML nodes with file:line errors.
struct NodeReader {
  let file: String

  func error(_ n: Node, _ message: String) -> ConfigError {
    ConfigError(file: file, line: n.mark?.line, column: n.mark?.column, message)
  }

  /// A mapping whose keys must be among `keys`; unknown keys are errors with a suggestion.
  func mapping(_ n: Node, keys: [String], what: String) throws(ConfigError) -> [String: Node] {
    guard case .mapping(let m) = n else { throw error(n, "\(what) must be a mapping of keys") }
    var out: [String: Node] = [:]
    for (k, v) in m {
      guard case .scalar(let s) = k else { throw error(k, "keys must be plain names") }
      guard keys.contains(s.string) else {
        var msg = "unknown key '\(s.string)' in \(what)"
        if let sug = Suggest.closest(s.string, in: keys) { msg += " (did you mean '\(sug)'?)" }
        throw error(k, msg + "; allowed: " + keys.joined(separator: ", "))
      }
      if out[s.string] != nil { throw error(k, "key '\(s.string)' appears twice") }
      out[s.string] = v
    }
    return out
  }

  func string(_ n: Node, _ key: String) throws(ConfigError) -> String {
    guard case .scalar(let s) = n else { throw error(n, "'\(key)' must be a text value") }
    return s.string
  }

  func double(_ n: Node, _ key: String) throws(ConfigError) -> Double {
    guard case .scalar(let s) = n, let d = Double(s.string) else {
      throw error(n, "'\(key)' must be a number")
    }
    return d
  }

  func sequence(_ n: Node, _ key: String) throws(ConfigError) -> [Node] {
    guard case .sequence(let s) = n else { throw error(n, "'\(key)' must be a list") }
    return Array(s)
  }

  /// A single text value or a list of them.
  func stringList(_ n: Node, _ key: String) throws(ConfigError) -> [String] {
    switch n {
    case .scalar(let s): return [s.string]
    case .sequence(let seq):
      return try seq.map { item throws(ConfigError) in try string(item, key) }
    default: throw error(n, "'\(key)' must be a text value or a list of them")
    }
  }

  func zone(_ n: Node, _ key: String) throws(ConfigError) -> String {
    let v = try string(n, key)
    guard ZoneRules(identifier: v) != nil else {
      throw error(n, "'\(v)' is not an IANA time zone (e.g. UTC, Europe/Berlin, America/New_York)")
    }
    return v
  }
}

/// Turns a Yams syntax error into a ConfigError with its place.
enum YAMLPlace {
  static func error(_ e: YamlError, file: String) -> ConfigError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
      return ConfigError(
        file: file, line: mark.line, column: mark.column, "YAML syntax: \(problem)")
    default:
      return ConfigError(file: file, "YAML: \(e)")
    }
  }
}

/// Reads `schedules:` and `sla:` from a pipeline file.
enum ScheduleParser {
  static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

  /// `hours: {mon-fri: "09:00-17:00", sat: "10:00-14:00, 15:00-18:00"}`, `timezone`, `holidays`.
  static func schedule(name: String, _ node: Node, _ r: NodeReader) throws(ConfigError)
    -> BusinessSchedule
  {
    let m = try r.mapping(node, keys: ["timezone", "hours", "holidays"], what: "a schedule")
    let zoneName =
      try m["timezone"].map { n throws(ConfigError) in try r.zone(n, "timezone") } ?? "UTC"
    var intervals: [[(start: Int, end: Int)]] = Array(repeating: [], count: 7)
    guard let hours = m["hours"], case .mapping(let entries) = hours else {
      throw r.error(node, "schedule '\(name)' needs 'hours' (e.g. mon-fri: \"09:00-17:00\")")
    }
    for (k, v) in entries {
      let dayText = try r.string(k, "hours").lowercased()
      let range = dayText.split(separator: "-").map(String.init)
      guard (1...2).contains(range.count), let a = days.firstIndex(of: range[0]),
        let b = days.firstIndex(of: range.last!), a <= b
      else {
        throw r.error(k, "'\(dayText)' is not a day or day range (mon, tue, … sun; e.g. mon-fri)")
      }
      for part in try r.string(v, "hours").split(separator: ",") {
        let times = part.split(separator: "-").map { String($0).trimmingSpaces }
        guard times.count == 2, let s = minutes(times[0]), let e = minutes(times[1]), s < e else {
          throw r.error(v, "'\(part)' is not a time range like 09:00-17:00")
        }
        for d in a...b { intervals[d].append((s, e)) }
      }
    }
    var holidays = Set<CivilDate>()
    if let h = m["holidays"] {
      for text in try r.stringList(h, "holidays") {
        guard let d = CivilDate(iso8601: text) else {
          throw r.error(h, "'\(text)' is not a date (YYYY-MM-DD)")
        }
        holidays.insert(d)
      }
    }
    return BusinessSchedule(
      name: name, zone: ZoneRules(identifier: zoneName)!, intervals: intervals, holidays: holidays)
  }

  static func minutes(_ t: String) -> Int? {
    let p = t.split(separator: ":")
    guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h),
      (0..<60).contains(m),
      h * 60 + m <= 1440
    else { return nil }
    return h * 60 + m
  }

  /// `sla: {schedule: office, first_reply: {urgent: 60, …}, resolution: {…}}` (minutes).
  static func sla(_ node: Node, _ r: NodeReader, schedules: [BusinessSchedule]) throws(ConfigError)
    -> SLAPolicy
  {
    let m = try r.mapping(
      node, keys: ["name", "schedule", "first_reply", "resolution"], what: "the SLA policy")
    var policy = SLAPolicy(
      name: try m["name"].map { n throws(ConfigError) in try r.string(n, "name") } ?? "sla")
    if let s = m["schedule"] {
      let name = try r.string(s, "schedule")
      guard let sched = schedules.first(where: { $0.name == name }) else {
        var msg = "unknown schedule '\(name)'"
        if let sug = Suggest.closest(name, in: schedules.map(\.name)) {
          msg += " (did you mean '\(sug)'?)"
        }
        throw r.error(s, msg)
      }
      policy.schedule = sched
    }
    func targets(_ key: String) throws(ConfigError) -> [TicketPriority: Double] {
      guard let n = m[key] else { return [:] }
      guard case .mapping(let entries) = n else {
        throw r.error(n, "'\(key)' must map priorities to minutes")
      }
      var out: [TicketPriority: Double] = [:]
      for (k, v) in entries {
        let p = try r.string(k, key)
        guard let priority = TicketPriority(normalizing: p) else {
          throw r.error(k, "'\(p)' is not a priority (low, normal, high, urgent)")
        }
        let minutes = try r.double(v, key)
        guard minutes > 0 else { throw r.error(v, "a target must be more than 0 minutes") }
        out[priority] = minutes
      }
      return out
    }
    policy.firstReply = try targets("first_reply")
    policy.resolution = try targets("resolution")
    return policy
  }
}
