import Foundation
import Logging
import TicketLensMetrics
import TicketLensModel
import TicketLensPipeline
import TicketLensWarehouse
import Testing

/// The Spark path against a real Spark (pyspark's spark-submit on JDK 17): the same report,
/// cell for cell, in local mode and on a standalone master and worker on loopback. Without Java
/// or spark-submit these tests are skipped, saying why.
@Suite(.serialized)
struct SparkTests {
  static let submit = SparkEngine.submitPath(SparkSettings())
  static let java: String? = {
    let env = ProcessInfo.processInfo.environment
    if let home = env["JAVA_HOME"], FileManager.default.isExecutableFile(atPath: home + "/bin/java")
    {
      return home + "/bin/java"
    }
    return (env["PATH"] ?? "").split(separator: ":").map { String($0) + "/java" }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }()
  /// Why the Spark tests cannot run here, nil when they can.
  static let missing: String? = {
    var why: [String] = []
    if java == nil { why.append("no java on PATH or in JAVA_HOME (Spark needs JDK 17)") }
    if submit == nil {
      why.append("no spark-submit on PATH or in SPARK_HOME (pip install pyspark)")
    }
    guard !why.isEmpty else { return nil }
    let text = "Spark tests skipped: " + why.joined(separator: "; ")
    FileHandle.standardError.write(Data(("warning: " + text + "\n").utf8))
    return text
  }()
  static var available: Bool { missing == nil }

  /// The nightly pipeline on the sample data, in a new folder, with extra top-level YAML.
  static func pipeline(_ extra: String = "") throws -> (dir: String, path: String) {
    let dir = CLI.temporaryDirectory()
    let root = CLI.packageRoot.path
    let text = try String(contentsOfFile: root + "/pipelines/nightly.yml", encoding: .utf8)
      .replacingOccurrences(of: "../sample-data", with: root + "/sample-data")
      .replacingOccurrences(of: "../reports", with: dir + "/out")
    try (text + extra).write(toFile: dir + "/nightly.yml", atomically: true, encoding: .utf8)
    return (dir, dir + "/nightly.yml")
  }

  /// Every CSV of the run folder, by name.
  static func csvs(_ output: String) throws -> [String: String] {
    let fm = FileManager.default
    let folder = try #require(
      try fm.contentsOfDirectory(atPath: output).first { $0.hasPrefix("20") })
    var out: [String: String] = [:]
    for f in try fm.contentsOfDirectory(atPath: output + "/" + folder) where f.hasSuffix(".csv") {
      out[f] = try String(contentsOfFile: output + "/" + folder + "/" + f, encoding: .utf8)
    }
    return out
  }

  /// Runs the nightly pipeline with the embedded engine and with Spark (with `sparkYAML` as the
  /// pipeline's `spark:` entry) and checks that every CSV is the same, byte for byte.
  static func sameReport(sparkYAML: String) throws {
    let embedded = try pipeline()
    let a = try CLI.run(["run", embedded.path, "--quiet"])
    #expect(a.status == 0, "\(a.stderr)")
    let spark = try pipeline(sparkYAML)
    let b = try CLI.run(["run", spark.path, "--engine", "spark"])
    try #require(b.status == 0, "\(b.stderr)")
    #expect(b.stderr.contains("spark: 10 tables"), "\(b.stderr)")
    let left = try csvs(embedded.dir + "/out")
    let right = try csvs(spark.dir + "/out")
    // Again with nothing new: the facts are current, Spark's tables are reused, the same CSVs.
    let again = try CLI.run(["run", spark.path, "--engine", "spark"])
    try #require(again.status == 0, "\(again.stderr)")
    #expect(again.stderr.contains("10 tables reused"), "\(again.stderr)")
    #expect(again.stderr.contains("(0 written"), "\(again.stderr)")
    for (name, text) in try csvs(spark.dir + "/out") where name.contains("_by_") {
      #expect(right[name] == text, "\(name) changed in a rerun with nothing new")
    }
    #expect(left.count >= 20)
    #expect(Set(left.keys) == Set(right.keys))
    for (name, text) in left.sorted(by: { $0.key < $1.key }) {
      #expect(right[name] == text, "\(name) differs between the embedded engine and Spark")
    }
    // The metric tables themselves, named by the pipeline, are among them and not empty.
    for name in [
      "tickets_created_by_day_channel.csv", "first_reply_time_by_assignee.csv",
      "backlog_by_week.csv", "chat_wait_time_by_source.csv", "sla_first_reply_by_priority.csv",
    ] {
      #expect((right[name]?.split(separator: "\n").count ?? 0) > 2, "\(name)")
    }
  }

  @Test(.enabled(if: SparkTests.available, "needs java and spark-submit"))
  func theNightlyReportIsTheSameOnSparkInLocalMode() throws {
    try Self.sameReport(
      sparkYAML: """
        spark:
          master: local[2]
          conf: {spark.ui.enabled: "false", spark.sql.shuffle.partitions: "4"}

        """)
  }

  @Test(.enabled(if: SparkTests.available, "needs java and spark-submit"))
  func theNightlyReportIsTheSameOnAStandaloneMasterAndWorker() throws {
    // CI starts a master and a worker on loopback (.ci/spark-standalone) and names it here;
    // without one, this test starts its own for the time it runs. The facts are CSV here
    // (Parquet, the default, everywhere else), so both formats are read by a real Spark.
    var cluster: StandaloneCluster? = nil
    let master: String
    if let m = ProcessInfo.processInfo.environment["TICKETLENS_SPARK_MASTER"], !m.isEmpty {
      master = m
    } else {
      cluster = try StandaloneCluster.start(submit: try #require(Self.submit))
      master = cluster!.master
    }
    defer { cluster?.stop() }
    try Self.sameReport(
      sparkYAML: """
        spark:
          master: \(master)
          conf: {spark.ui.enabled: "false", spark.executor.memory: 1g, spark.sql.shuffle.partitions: "4"}
          format: csv

        """)
  }

  /// The script `ticketlens spark-sql` prints runs as it is in Spark's own `spark-sql` shell
  /// (the README's way for users who submit it themselves), giving the report's rows.
  @Test(.enabled(if: SparkTests.available, "needs java and spark-submit"))
  func thePrintedScriptRunsInTheSparkSQLShell() throws {
    let p = try Self.pipeline()
    let facts = try CLI.run(["facts", p.path, "--quiet"])
    try #require(facts.status == 0, "\(facts.stderr)")
    let printed = try CLI.run(["spark-sql", p.path, "--driver", p.dir + "/driver.py"])
    try #require(printed.status == 0, "\(printed.stderr)")
    #expect(printed.stdout.components(separatedBy: "-- ticketlens: table ").count == 11)
    #expect(
      try String(contentsOfFile: p.dir + "/driver.py", encoding: .utf8).contains("SparkSession"))
    try printed.stdout.write(toFile: p.dir + "/report.sql", atomically: true, encoding: .utf8)
    let shell = URL(fileURLWithPath: try #require(Self.submit)).deletingLastPathComponent()
      .appendingPathComponent("spark-sql")
    let r = try CLI.run(
      shell,
      [
        "--master", "local[2]", "--conf", "spark.ui.enabled=false", "-S", "-f",
        p.dir + "/report.sql",
      ], in: p.dir)  // the shell's metastore (derby.log, metastore_db/) goes beside the pipeline
    try #require(r.status == 0, "\(r.stderr.suffix(3000))")
    // The embedded engine's first rows, tab-separated as the shell prints them.
    let embedded = try CLI.run(["run", p.path, "--quiet"])
    #expect(embedded.status == 0)
    let csv = try Self.csvs(p.dir + "/out")
    for name in ["tickets_created_by_day_channel.csv", "backlog_by_week.csv"] {
      let first = try #require(csv[name]?.split(separator: "\n").dropFirst().first)
      #expect(
        r.stdout.contains(first.replacingOccurrences(of: ",", with: "\t")),
        "\(name): \(first) not in the shell's output")
    }
  }

  /// A missing spark-submit fails the run (exit 1) saying what to install, before anything is
  /// written; this needs no Spark.
  @Test func aMissingSparkSubmitFailsTheRunWithWhatToDo() throws {
    let p = try Self.pipeline("spark: {submit: /nonexistent/spark-submit}\n")
    let r = try CLI.run(["run", p.path, "--engine", "spark", "--quiet"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("spark-submit not found"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: p.dir + "/out/latest.html"))
  }

  /// Every metric of the catalog, with groupings, grains, filters, date ranges, units,
  /// business time and every kind of statistic, compiled to Spark SQL and run in one Spark job:
  /// each table equals the embedded engine's, cell for cell (the same Double, not just the same
  /// printed digits).
  @Test(.enabled(if: SparkTests.available, "needs java and spark-submit"))
  func everyMetricAgreesWithTheEmbeddedEngine() throws {
    let p = try Self.pipeline()
    let run = try CLI.run(["run", p.path, "--quiet"])
    try #require(run.status == 0, "\(run.stderr)")
    let config = try PipelineConfig.load(path: p.path)
    let runner = PipelineRunner(config: config, logger: Logger(label: "test"))
    let warehouse = try Warehouse(path: config.warehouse, readOnly: true)
    // Small Parquet row groups: the sample's partitions (100–1,200 records) get several each.
    let facts = try runner.writeFacts(warehouse, to: p.dir + "/facts", rowGroup: 150)
    let settings = ReportSettings(pipeline: config)
    let zone = try #require(ZoneRules(identifier: config.timeZone))
    let data = try MetricDataLoader.load(
      warehouse, schedule: settings.schedule, sla: settings.sla, escalation: settings.escalation)
    #expect(FactsManifest.read(facts.directory)?.asOfMilliseconds == data.asOf.milliseconds)

    var queries: [(name: String, title: String, query: MetricQuery)] = []
    func add(_ q: MetricQuery) {
      var q = q
      q.zone = zone
      queries.append(("q\(queries.count)", "", q))
    }
    let durationStats: [Statistic] = [
      .count, .mean, .median, .p90, .percentile(25), .percentile(99), .atMost(60),
    ]
    for m in Catalog.all {
      var q = MetricQuery(metric: m)
      let chats = m.table == .chats
      let valued: Bool
      switch m.kind {
      case .duration, .value: valued = true
      default: valued = false
      }
      if valued { q.stats = durationStats }
      add(q)
      var byDay = q
      byDay.grain = .day
      byDay.by = [chats ? "source" : "channel"]
      add(byDay)
      var byWeek = q
      byWeek.grain = .week
      byWeek.by = [chats ? "assignee" : "priority", "tag"]
      add(byWeek)
      var byMonth = q
      byMonth.grain = .month
      byMonth.by = [chats ? "sentiment" : "group"]
      byMonth.filters = [(chats ? "source" : "channel", chats ? "chat" : "email")]
      add(byMonth)
      var byHour = q
      byHour.grain = .hourOfWeek
      byHour.filters = [("tag", "none")]
      add(byHour)
      var ranged = q
      ranged.by = ["requester"]
      ranged.from = CivilDate(iso8601: "2026-02-01")
      ranged.to = CivilDate(iso8601: "2026-03-15")
      add(ranged)
      if !chats {
        var tagged = q
        tagged.by = ["sentiment", "category"]
        tagged.filters = [("tag", "billing"), ("priority", "none")]
        add(tagged)
        var organizations = q
        organizations.by = ["organization", "status"]
        organizations.grain = .week
        add(organizations)
      }
      if m.hasBusinessVariant {
        var business = q
        business.business = true
        business.by = [chats ? "group" : "assignee"]
        business.unit = .hours
        add(business)
        var seconds = q
        seconds.unit = .seconds
        seconds.grain = .month
        add(seconds)
      }
    }
    for author in ["agent", "visitor"] {
      var q = MetricQuery(metric: Catalog.chatMessages)
      q.stats = durationStats
      q.filters = [("author", author)]
      q.by = ["source"]
      add(q)
    }
    let script = try SparkEngine.script(
      queries, asOf: data.asOf, zone: zone, schedule: settings.schedule != nil,
      sla: settings.sla != nil, factsDirectory: facts.directory, heading: "every metric")
    var spark = SparkSettings()
    spark.master = "local[2]"
    spark.conf = [["spark.ui.enabled", "false"], ["spark.sql.shuffle.partitions", "4"]]
    let tables = try SparkEngine.submit(script, spark: spark, workDirectory: p.dir + "/spark")
      .tables
    #expect(tables.count == queries.count)
    let engine = MetricEngine()
    var cells = 0
    var nonEmpty = 0
    for (k, (_, _, q)) in queries.enumerated() {
      let expected = try engine.run(q, data: data)
      let got = tables[k]
      let what = "\(q.metric.id) by \(q.by) grain \(q.grain?.rawValue ?? "-") filters \(q.filters)"
      #expect(got.columns == expected.columns, "\(what)")
      #expect(got.rows.count == expected.rows.count, "\(what)")
      for (a, b) in zip(expected.rows, got.rows) where a != b {
        Issue.record("\(what): engine \(a) vs Spark \(b)")
        break
      }
      cells += expected.rows.reduce(0) { $0 + $1.count }
      if !expected.rows.isEmpty { nonEmpty += 1 }
    }
    // Most queries select rows on the sample data (a few filters select nothing, on purpose).
    #expect(nonEmpty * 10 >= queries.count * 8, "\(nonEmpty) of \(queries.count) non-empty")
    #expect(cells > 10_000)
  }
}

/// A Spark standalone master and one worker on loopback, for one test.
struct StandaloneCluster {
  var master: String
  var processes: [Process]

  static func start(submit: String) throws -> StandaloneCluster {
    let bin = URL(fileURLWithPath: submit).resolvingSymlinksInPath().deletingLastPathComponent()
    // pip's spark-submit is a wrapper script in a bin folder; spark-class sits beside the real one.
    var sparkClass = bin.appendingPathComponent("spark-class").path
    if !FileManager.default.isExecutableFile(atPath: sparkClass) {
      let r = try CLI.run(
        URL(fileURLWithPath: "/usr/bin/env"),
        ["python3", "-c", "import pyspark, os; print(os.path.dirname(pyspark.__file__))"])
      sparkClass = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) + "/bin/spark-class"
    }
    let port = 17_000 + Int.random(in: 0..<2_000)
    let url = "spark://127.0.0.1:\(port)"
    func launch(_ args: [String]) throws -> Process {
      let p = Process()
      p.executableURL = URL(fileURLWithPath: sparkClass)
      p.arguments = args
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      try p.run()
      return p
    }
    let master = try launch([
      "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", "\(port)",
      "--webui-port", "0",
    ])
    // The worker retries until the master listens.
    let worker = try launch([
      "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--webui-port", "0",
      "--cores", "2", "--memory", "2g", url,
    ])
    Thread.sleep(forTimeInterval: 8)
    return StandaloneCluster(master: url, processes: [master, worker])
  }

  func stop() {
    for p in processes.reversed() where p.isRunning {
      p.terminate()
      p.waitUntilExit()
    }
  }
}
