import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// A pipeline's `spark:` settings: where `ticketlens run --engine spark` sends the metric SQL.
public struct SparkSettings: Sendable, Hashable {
  /// `--master` (`local[*]`, `spark://host:7077`, `yarn`, `k8s://…`); nil leaves it to the
  /// user's spark-defaults.conf (spark-submit then runs locally).
  public var master: String? = nil
  /// The spark-submit to run; default `$SPARK_HOME/bin/spark-submit`, else the one on PATH.
  public var submit: String? = nil
  /// Extra `--conf key=value` settings, in order.
  public var conf: [[String]] = []
  /// Where the facts are written (and read by Spark); default `facts/` beside the warehouse.
  public var facts: String? = nil
  /// Extra spark-submit arguments before the application (`--deploy-mode`, `--num-executors`…).
  public var arguments: [String] = []
  /// The facts' file format.
  public var format = FactsFormat.parquet

  public init() {}
}

/// Which engine computes the report's metric tables.
public enum MetricEngineKind: String, Sendable, CaseIterable {
  /// The embedded, Dispatch-parallel engine (default).
  case embedded
  /// Apache Spark: the facts are written for it and the tables compiled to Spark SQL.
  case spark
}

/// A Spark run that failed: what spark-submit said.
public struct SparkError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The report's metric tables as Spark SQL: the script `ticketlens spark-sql` prints and
/// `ticketlens run --engine spark` submits, and the tables read back from Spark's results.
public enum SparkEngine {
  /// A report table's CSV name (`first_reply_time_by_assignee.csv`), unique within the report.
  static func tableNames(_ metrics: [PipelineConfig.ReportMetricConfig]) -> [String] {
    var used = Set<String>()
    return metrics.map { m in
      var name =
        ([m.metric.id] + (m.grain.map { ["by", $0.rawValue] } ?? [])
        + (m.by.isEmpty ? [] : (m.grain == nil ? ["by"] : []) + m.by)).joined(separator: "_")
      while used.contains(name) { name += "_2" }
      used.insert(name)
      return name + ".csv"
    }
  }

  /// The compiled report: the script and each table's query, in the report's order.
  public struct Script: Sendable {
    public var text: String
    public var tables: [(name: String, query: SparkQuery)]
  }

  /// Compiles the report's metric tables against the facts in `factsDirectory`.
  public static func script(
    settings: ReportSettings, asOf: Instant, factsDirectory: String,
    format: FactsFormat = .parquet
  ) throws -> Script {
    guard let zone = ZoneRules(identifier: settings.timeZone) else {
      throw MetricQueryError("unknown time zone '\(settings.timeZone)'")
    }
    let tables = zip(settings.metrics, tableNames(settings.metrics)).map { m, name in
      (name: name, title: m.title, query: m.query(zone: zone))
    }
    return try script(
      tables, asOf: asOf, zone: zone,
      schedule: (settings.schedule ?? settings.sla?.schedule) != nil,
      sla: settings.sla != nil, factsDirectory: factsDirectory, format: format,
      heading:
        "the report tables of pipeline '\(settings.pipelineName)'; report zone \(settings.timeZone)"
    )
  }

  /// Compiles queries against the facts in `factsDirectory`, whose value columns are those of a
  /// pipeline with (or without) a schedule and an SLA policy.
  public static func script(
    _ queries: [(name: String, title: String, query: MetricQuery)], asOf: Instant,
    zone: ZoneRules, schedule: Bool, sla: Bool, factsDirectory: String,
    format: FactsFormat = .parquet, heading: String
  ) throws -> Script {
    func specs(_ t: MetricTableKind) -> [RecordFacts.Spec] {
      RecordFacts.specs(t, schedule: schedule, sla: sla)
    }
    let compiler = SparkSQL(
      asOf: asOf, zone: zone, ticketValues: Set(specs(.tickets).map(\.name)),
      chatValues: Set(specs(.chats).map(\.name)), hasSchedule: schedule)
    let directory = URL(fileURLWithPath: factsDirectory).standardized.path
    var text = """
      -- TicketLens: \(heading), compiled to Spark SQL.
      -- The facts are in \(directory) (`ticketlens facts`), as of \(asOf.iso8601).
      -- Run it with `spark-sql -f FILE`, or let `ticketlens run --engine spark` submit it.

      """
    let views = SparkSQL.views(
      directory: directory, format: format.rawValue,
      tickets: FactSchema.columns(.tickets, values: specs(.tickets).map { ($0.name, $0.kind) }),
      chats: FactSchema.columns(.chats, values: specs(.chats).map { ($0.name, $0.kind) }))
    for (k, v) in views.enumerated() {
      let kind = k == 0 ? "setting" : v.hasPrefix("CACHE") ? "cache" : "view"
      text += "-- ticketlens: \(kind)\n\(v);\n\n"
    }
    var tables: [(String, SparkQuery)] = []
    for (name, title, q) in queries {
      let compiled = try compiler.compile(q)
      tables.append((name, compiled))
      text += "-- ticketlens: table \(name)\n-- \(title)\n\(compiled.sql);\n\n"
    }
    return Script(text: text, tables: tables)
  }

  /// Submits the script with spark-submit and reads the tables back. Everything of the run
  /// (script, driver, Spark's log, results) stays in `workDirectory`.
  /// With `reuseKey`, the results of the last submit made with the same key are read instead
  /// (the key names everything the results depend on: the script and the facts' manifest).
  public static func submit(
    _ script: Script, spark: SparkSettings, workDirectory: String, reuseKey: String? = nil
  ) throws -> (tables: [MetricTable], reused: Bool) {
    try FileManager.default.createDirectory(
      atPath: workDirectory, withIntermediateDirectories: true)
    let sqlPath = workDirectory + "/report.sql"
    let driverPath = workDirectory + "/ticketlens_driver.py"
    let resultsPath = workDirectory + "/results.json"
    let keyPath = workDirectory + "/results.key"
    let logPath = workDirectory + "/spark.log"
    var hash = FNV1a()
    hash.add(reuseKey ?? "")
    let keyText = String(hash.value, radix: 16) + "-\((reuseKey ?? "").utf8.count)"
    if reuseKey != nil,
      (try? String(contentsOfFile: keyPath, encoding: .utf8)) == keyText,
      let data = FileManager.default.contents(atPath: resultsPath),
      let tables = try? read(data, script)
    {
      return (tables, true)
    }
    try? FileManager.default.removeItem(atPath: keyPath)
    try? FileManager.default.removeItem(atPath: resultsPath)
    try script.text.write(toFile: sqlPath, atomically: true, encoding: .utf8)
    try driver.write(toFile: driverPath, atomically: true, encoding: .utf8)
    guard let submit = submitPath(spark) else {
      throw SparkError(
        "spark-submit not found: install Spark (`pip install pyspark` brings one), set SPARK_HOME, or give `spark: {submit: PATH}` in the pipeline"
      )
    }
    var arguments: [String] = []
    if let master = spark.master { arguments += ["--master", master] }
    for pair in spark.conf where pair.count == 2 {
      arguments += ["--conf", pair[0] + "=" + pair[1]]
    }
    arguments += spark.arguments
    arguments += [driverPath, sqlPath, resultsPath]
    _ = FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    defer { try? log.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: submit)
    process.arguments = arguments
    process.standardOutput = log
    process.standardError = log
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
      let data = FileManager.default.contents(atPath: resultsPath)
    else {
      let tail =
        (try? String(contentsOfFile: logPath, encoding: .utf8))?
        .split(separator: "\n", omittingEmptySubsequences: true).filter {
          !$0.hasPrefix("\tat ") && !$0.contains(" INFO ")
        }.suffix(12).joined(separator: "\n") ?? ""
      throw SparkError(
        "spark-submit (\(submit)) exited with status \(process.terminationStatus); its log is \(logPath):\n\(tail)"
      )
    }
    let tables = try read(data, script)
    if reuseKey != nil { try keyText.write(toFile: keyPath, atomically: true, encoding: .utf8) }
    return (tables, false)
  }

  /// The tables of the driver's results file, typed as the engine types them.
  static func read(_ data: Data, _ script: Script) throws -> [MetricTable] {
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
      let results = root["tables"] as? [String: Any]
    else { throw SparkError("Spark's results file is not what the driver writes") }
    var out: [MetricTable] = []
    for (name, query) in script.tables {
      guard let t = results[name] as? [String: Any], let columns = t["columns"] as? [String],
        let rows = t["rows"] as? [[Any]]
      else { throw SparkError("Spark's results have no table \(name)") }
      guard columns == query.columns else {
        throw SparkError(
          "\(name): Spark returned columns \(columns), expected \(query.columns)")
      }
      var cells: [[Cell]] = []
      for row in rows {
        guard row.count == columns.count else { throw SparkError("\(name): a short row") }
        cells.append(
          try zip(row, query.kinds).map { value, kind throws(SparkError) -> Cell in
            guard let s = value as? String else { return .null }
            switch kind {
            case .text: return .text(s)
            case .int:
              guard let i = Int(s) else { throw SparkError("\(name): '\(s)' is not a count") }
              return .int(i)
            case .real:
              guard let d = Double(s) else { throw SparkError("\(name): '\(s)' is not a number") }
              return .real(d)
            }
          })
      }
      out.append(MetricTable(metric: query.metric, columns: columns, rows: cells))
    }
    return out
  }

  /// The spark-submit to run: the pipeline's, `$SPARK_HOME/bin/spark-submit`, or the first on
  /// PATH.
  public static func submitPath(_ spark: SparkSettings) -> String? {
    let fm = FileManager.default
    if let s = spark.submit { return fm.isExecutableFile(atPath: s) ? s : nil }
    let env = ProcessInfo.processInfo.environment
    if let home = env["SPARK_HOME"], fm.isExecutableFile(atPath: home + "/bin/spark-submit") {
      return home + "/bin/spark-submit"
    }
    for dir in (env["PATH"] ?? "").split(separator: ":") {
      let p = String(dir) + "/spark-submit"
      if fm.isExecutableFile(atPath: p) { return p }
    }
    return nil
  }

  /// The application spark-submit runs: executes the script's statements in order and writes
  /// each table's rows, every value as text (floats as their shortest exact repr), to a JSON
  /// file, renamed into place when complete. It runs on the user's Spark, not in TicketLens.
  public static let driver = #"""
    # TicketLens' Spark driver (written by ticketlens; runs on your Spark, not in TicketLens).
    # Usage: spark-submit ticketlens_driver.py REPORT.sql RESULTS.json
    import json
    import os
    import sys

    from pyspark.sql import SparkSession


    def blocks(text):
        """(kind, name, statement) for each '-- ticketlens: KIND [NAME]' block of the script."""
        out, kind, name, lines = [], None, None, []
        for line in text.splitlines():
            if line.startswith("-- ticketlens: "):
                if kind:
                    out.append((kind, name, "\n".join(lines).strip().rstrip(";")))
                head = line[len("-- ticketlens: "):].split(" ", 1)
                kind, name, lines = head[0], (head[1] if len(head) > 1 else None), []
            elif kind:
                lines.append(line)
        if kind:
            out.append((kind, name, "\n".join(lines).strip().rstrip(";")))
        return out


    def text(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            return repr(value)
        return str(value)


    def main():
        script, results_path = sys.argv[1], sys.argv[2]
        with open(script, encoding="utf-8") as f:
            statements = blocks(f.read())
        spark = SparkSession.builder.appName("ticketlens").getOrCreate()
        tables = {}
        for kind, name, sql in statements:
            frame = spark.sql(sql)
            if kind == "table":
                rows = [[text(v) for v in row] for row in frame.collect()]
                tables[name] = {"columns": frame.columns, "rows": rows}
        spark.stop()
        tmp = results_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"tables": tables}, f)
        os.replace(tmp, results_path)


    main()

    """#
}
