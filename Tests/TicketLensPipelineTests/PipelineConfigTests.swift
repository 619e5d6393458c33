import Foundation
import Testing

@testable import TicketLensIngest
import TicketLensInsights
@testable import TicketLensPipeline
import TicketLensTestSupport

struct PipelineConfigTests {
  static let valid = """
    name: nightly
    warehouse: data/w.sqlite
    output: out
    timezone: Europe/Berlin
    sources:
      - name: helpdesk
        format: generic-csv
        paths: [exports/a.csv, exports/*.csv]
    report:
      metrics:
        - metric: first_reply_time
          by: [assignee]
          stats: [count, p95]
    """

  @Test func readsAndResolvesPathsAgainstTheFile() throws {
    let c = try PipelineConfig.parse(Self.valid, path: "/etc/tl/pipelines/n.yml")
    #expect(c.name == "nightly")
    #expect(c.warehouse == "/etc/tl/pipelines/data/w.sqlite")
    #expect(c.output == "/etc/tl/pipelines/out")
    #expect(c.timeZone == "Europe/Berlin")
    #expect(
      c.sources.first?.paths == [
        "/etc/tl/pipelines/exports/a.csv", "/etc/tl/pipelines/exports/*.csv",
      ])
    #expect(c.sources.first?.format == .genericCSV)
    #expect(c.report.first?.stats.map(\.description) == ["count", "p95"])
    #expect(c.rejectThreshold == 0.05)
  }

  @Test(arguments: [
    (
      "name: x\nsourcez: []\n", 2, "unknown key 'sourcez' in the pipeline (did you mean 'sources'?)"
    ),
    ("sources:\n  - paths: a.csv\n    formt: generic-csv\n", 3, "did you mean 'format'?"),
    ("sources:\n  - paths: a.csv\n    format: zendesk\n", 3, "unknown format 'zendesk'"),
    ("timezone: Mars/Base\nsources: []\n", 1, "is not an IANA time zone"),
    ("sources: []\nreject_threshold: lots\n", 2, "'reject_threshold' must be a number"),
    (
      "sources: []\nreport:\n  metrics:\n    - metric: first_reply_tme\n", 4,
      "did you mean 'first_reply_time'?"
    ),
    (
      "sources: []\nreport:\n  metrics:\n    - metric: tickets_created\n      by: [chanel]\n", 5,
      "did you mean 'channel'?"
    ),
    ("sources: [\n", 2, "YAML syntax"),
    ("sources: a\n", 1, "'sources' must be a list"),
    (
      "sources:\n  - paths: a.csv\n    columns: {Nr: idd}\n", 3,
      "unknown ticket field 'idd' (did you mean 'id'?)"
    ),
    (
      "sources:\n  - paths: a.csv\n    kind: chats\n    columns: {k: visitor}\n", 4,
      "unknown chat field 'visitor'"
    ),
    ("sources:\n  - paths: a.csv\n    kind: calls\n", 3, "kind must be tickets or chats"),
    ("sources: []\ninsights: {min_tickest: 3}\n", 2, "did you mean 'min_tickets'?"),
    ("sources: []\ninsights:\n  match_threshold: 2\n", 3, "must be in (0, 1]"),
    ("sources: []\ninsights:\n  holdout: 1.5\n", 3, "'holdout' must be between 0 and 1"),
    ("sources: []\ninsights:\n  category_tag_prefix: \"a b\"\n", 3, "without spaces"),
    ("sources: []\ninsights: {category_feild: x}\n", 2, "did you mean 'category_field'?"),
    (
      "sources: []\ninsights:\n  text_model: bert\n", 3,
      "'text_model' is 'auto', 'static' or 'sentence', not 'bert'"
    ),
    (
      "sources: []\ninsights:\n  sentence_limit: -1\n", 3,
      "'sentence_limit' must be a whole number, at least 0"
    ),
    (
      "sources: []\ninsights:\n  classifier: svm\n", 3,
      "'classifier' must be one of linear, naive_bayes"
    ),
    (
      "sources:\n  - paths: a.csv\n    values: {status: {a: open}}\n", 3, "'values' needs 'columns'"
    ),
  ])
  func errorsNameTheLine(yaml: String, line: Int, message: String) {
    do {
      _ = try PipelineConfig.parse(yaml, path: "p.yml")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == line, "\(error)")
      #expect(error.description.contains(message), "\(error)")
      #expect(error.description.hasPrefix("p.yml:\(line)"))
    }
  }

  @Test func readsMappings() throws {
    let c = try PipelineConfig.parse(
      """
      sources:
        - name: legacy
          paths: x.csv
          columns: {Nr: id, Zustand: status, Erstellt: created_at}
          values:
            status: {Offen: open}
        - name: talk
          paths: c.ndjson
          kind: chats
          format: mapped-ndjson
          columns: {key: id, opened: started_at}
      """, path: "/p/m.yml")
    #expect(c.sources[0].mapping?.columns["Zustand"] == "status")
    #expect(c.sources[0].mapping?.values["status"]?["Offen"] == "open")
    #expect(c.sources[0].kind == .tickets && c.sources[1].kind == .chats)
    #expect(c.sources[1].format == .mappedNDJSON)
  }

  @Test func expandsFoldersAndGlobsInOrder() throws {
    let dir = Scratch.folder("globs")
    for n in ["b.csv", "a.csv", "c.txt", ".hidden.csv"] {
      FileManager.default.createFile(atPath: dir + "/" + n, contents: Data())
    }
    #expect(SourceFiles.expand(dir + "/*.csv") == [dir + "/a.csv", dir + "/b.csv"])
    #expect(SourceFiles.expand(dir) == [dir + "/a.csv", dir + "/b.csv", dir + "/c.txt"])
    #expect(SourceFiles.expand(dir + "/a.csv") == [dir + "/a.csv"])
    #expect(SourceFiles.expand(dir + "/missing.csv").isEmpty)
  }

  @Test func shippedPipelinesAreValid() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent()
      .deletingLastPathComponent()
    let c = try PipelineConfig.load(path: root.appendingPathComponent("pipelines/nightly.yml").path)
    #expect(!c.sources.isEmpty)
    for s in c.sources { for p in s.paths { #expect(!SourceFiles.expand(p).isEmpty, "\(p)") } }
    #expect(!c.people.isEmpty)
    for p in c.people { #expect(FileManager.default.fileExists(atPath: p.path), "\(p.path)") }
  }

  @Test func peopleFilesAreListedWithAnOptionalKind() throws {
    let c = try PipelineConfig.parse(
      "sources: []\npeople:\n  - users.json\n  - {path: /x/teams.json, kind: groups}\n",
      path: "/srv/tl/p.yml")
    #expect(
      c.people == [
        .init(path: "/srv/tl/users.json"), .init(path: "/x/teams.json", kind: .groups),
      ])
    for (yaml, message) in [
      ("sources: []\npeople:\n  - {path: a.json, kind: agents}\n", "'people' or 'groups'"),
      ("sources: []\npeople:\n  - {kind: groups}\n", "needs 'path'"),
      ("sources: []\npeople: users.json\n", "must be a list"),
    ] {
      do {
        _ = try PipelineConfig.parse(yaml, path: "x.yml")
        Issue.record("accepted: \(yaml)")
      } catch { #expect(error.description.contains(message), "\(error)") }
    }
  }
}

struct DisplayNameTests {
  @Test func namesFilesRelativeToThePipelineFolder() throws {
    let c = try PipelineConfig.parse("sources: []\n", path: "/srv/tl/pipelines/nightly.yml")
    #expect(c.displayName(of: "/srv/tl/sample-data/tickets.csv") == "../sample-data/tickets.csv")
    #expect(c.displayName(of: "/srv/tl/pipelines/in/a.csv") == "in/a.csv")
    #expect(c.displayName(of: "/data/x.csv") == "/data/x.csv")
  }
}

struct StageGraphTests {
  @Test func stagesRunInDependencyWaves() throws {
    let c = try PipelineConfig.parse(
      """
      sources:
        - {name: a, paths: a.csv}
        - {name: b, paths: b.ndjson, format: generic-chat}
      outputs: {html: false}
      report:
        metrics:
          - metric: chats
      """, path: "/p/g.yml")
    let g = StageGraph(c)
    #expect(
      g.waves.map { $0.map(\.id) } == [
        ["ingest.a", "ingest.b"], ["normalize"], ["quality", "metrics", "trends", "insights"],
        ["reports"],
      ])
    #expect(g.text().contains("reports: reports (CSV) <- quality, metrics, trends, insights"))
    #expect(g.text().contains("normalize: normalize (accounting, rejects, sentiment, categories)"))
    #expect(g.text().contains("insights (follow-ups, classifiers, escalations, knowledge gaps)"))
    #expect(g.dot().contains("\"normalize\" -> \"metrics\";"))
    #expect(g.dot().contains("\"insights\" -> \"reports\";"))
    #expect(g.mermaid().contains("ingest_a --> normalize"))
    #expect(c.outputs.html == false && c.outputs.csv)
  }

  @Test func onlyAndFromSelectStagesWithTheReportStagesTogether() throws {
    let c = try PipelineConfig.parse(
      "sources:\n  - {name: a, paths: a.csv}\n  - {name: b, paths: b.csv}\n", path: "/p/s.yml")
    let report: Set<String> = ["metrics", "trends", "insights", "reports"]
    #expect(try PipelineRunner.select(only: nil, from: nil, c) == nil)
    #expect(try PipelineRunner.select(only: "ingest", from: nil, c) == ["ingest.a", "ingest.b"])
    #expect(try PipelineRunner.select(only: "ingest.b", from: nil, c) == ["ingest.b"])
    #expect(try PipelineRunner.select(only: "normalize", from: nil, c) == ["normalize"])
    #expect(try PipelineRunner.select(only: "trends", from: nil, c) == report)
    #expect(
      try PipelineRunner.select(only: nil, from: "normalize", c)
        == report.union(["normalize", "quality"]))
    #expect(
      try PipelineRunner.select(only: nil, from: "ingest.b", c)
        == report.union(["ingest.b", "normalize", "quality"]))
    #expect(try PipelineRunner.select(only: "quality", from: nil, c) == ["quality"])
    do {
      _ = try PipelineRunner.select(only: "metric", from: nil, c)
      Issue.record("expected an error")
    } catch {
      #expect(error.description.contains("unknown stage 'metric' (did you mean 'metrics'?)"))
    }
  }

  @Test func insightsSettingsAreRead() throws {
    let c = try PipelineConfig.parse(
      """
      sources: []
      insights: {min_tickets: 20, window_days: 14, match_threshold: 0.4, stale_days: 90}
      """, path: "/p/i.yml")
    #expect(c.insights.minTickets == 20 && c.insights.windowDays == 14)
    #expect(c.insights.matchThreshold == 0.4 && c.insights.staleDays == 90 && c.gaps)
    // The text model: auto by default (the sentence model up to sentence_limit contacts).
    #expect(c.insights.textModel == .auto && c.insights.sentenceLimit == 10_000)
    #expect(c.insights.model(contacts: 10_000) == .sentence)
    #expect(c.insights.model(contacts: 10_001) == .static)
    let models = try PipelineConfig.parse(
      "sources: []\ninsights: {text_model: static, sentence_limit: 500}\n", path: "/p/m.yml")
    #expect(models.insights.textModel == .static && models.insights.sentenceLimit == 500)
    #expect(models.insights.model(contacts: 10) == .static)
    let off = try PipelineConfig.parse(
      "sources: []\ninsights: {gaps: false, classify: false}\n", path: "/p/o.yml")
    #expect(!off.gaps && !off.classify && c.classify)
    let cats = try PipelineConfig.parse(
      """
      sources: []
      insights:
        category_field: [cf_contact_reason, "360001234567"]
        category_tag_prefix: contact_reason_
        holdout: 0.25
        urgent_threshold: 0.7
        classifier: naive_bayes
      """, path: "/p/c.yml")
    #expect(cats.categories.fields == ["cf_contact_reason", "360001234567"])
    #expect(cats.categories.tagPrefix == "contact_reason_")
    #expect(cats.categories.holdoutShare == 0.25 && cats.categories.urgentThreshold == 0.7)
    #expect(!c.categories.learnsCategories && cats.categories.learnsCategories)
    #expect(c.categories.kind == .linear && cats.categories.kind == .naiveBayes)
    #expect(c.categories.fingerprint != cats.categories.fingerprint)
  }

  @Test func schedulesAndSLAAreRead() throws {
    let c = try PipelineConfig.parse(
      """
      sources: []
      schedules:
        office:
          timezone: Europe/Berlin
          hours: {mon-fri: "09:00-12:00, 13:00-17:00", sat: "10:00-14:00"}
          holidays: [2026-04-03]
      sla:
        schedule: office
        first_reply: {urgent: 60, Normal: 480}
      """, path: "/p/s.yml")
    let s = try #require(c.schedules.first)
    #expect(s.intervals[0].map { [$0.start, $0.end] } == [[540, 720], [780, 1020]])
    #expect(s.intervals[5].map { [$0.start, $0.end] } == [[600, 840]])
    #expect(s.intervals[6].isEmpty && s.holidays.count == 1)
    #expect(c.sla?.firstReply[.normal] == 480 && c.sla?.schedule?.name == "office")
    for (yaml, message) in [
      ("sources: []\nschedules:\n  x:\n    hours: {monday: \"09:00-17:00\"}\n", "is not a day"),
      ("sources: []\nschedules:\n  x:\n    hours: {mon: \"9-5\"}\n", "is not a time range"),
      ("sources: []\nsla:\n  schedule: ofice\n", "unknown schedule 'ofice'"),
      ("sources: []\nsla:\n  first_reply: {p1: 60}\n", "is not a priority"),
    ] {
      #expect(throws: ConfigError.self) { try PipelineConfig.parse(yaml, path: "x.yml") }
      do { _ = try PipelineConfig.parse(yaml, path: "x.yml") } catch {
        #expect(error.description.contains(message), "\(error)")
      }
    }
  }
}

@Suite struct SparkConfigTests {
  @Test func sparkSettingsAreReadWithPathsResolvedFromThePipelineFile() throws {
    let yaml = """
      sources: [{name: s, paths: t.csv}]
      warehouse: data/w.sqlite
      spark:
        master: spark://10.0.0.5:7077
        submit: ../spark/bin/spark-submit
        facts: /mnt/shared/facts
        arguments: [--deploy-mode, client]
        conf: {spark.executor.memory: 4g, spark.executor.instances: "8"}

      """
    let c = try PipelineConfig.parse(yaml, path: "/etc/ticketlens/p.yml")
    #expect(c.spark.master == "spark://10.0.0.5:7077")
    #expect(c.spark.submit == "/etc/spark/bin/spark-submit")
    #expect(c.factsDirectory == "/mnt/shared/facts")
    #expect(c.spark.arguments == ["--deploy-mode", "client"])
    #expect(c.spark.conf == [["spark.executor.memory", "4g"], ["spark.executor.instances", "8"]])
    // Without spark.facts the facts go beside the warehouse.
    let plain = try PipelineConfig.parse(
      "sources: [{name: s, paths: t.csv}]\nwarehouse: data/w.sqlite\n", path: "/etc/tl/p.yml")
    #expect(plain.factsDirectory == "/etc/tl/data/facts")
    #expect(throws: ConfigError.self) {
      try PipelineConfig.parse(
        "sources: [{name: s, paths: t.csv}]\nspark: {mastr: local}\n", path: "/p.yml")
    }
  }
}
