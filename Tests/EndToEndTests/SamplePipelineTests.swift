import Foundation
import TicketLensModel
import TicketLensPipeline
import TicketLensReports
import TicketLensWarehouse
import Testing

/// Runs the CLI on the committed sample data and checks its CSV numbers against an independent
/// computation made here from the raw exports.
@Suite(.serialized)
struct SamplePipelineTests {
  /// One ticket as the reference computation sees it.
  struct Ref {
    var created: Date
    var version: Date
    var channel: String
    var assignee: String
    var firstReplyMinutes: Double?
  }

  static let berlin = TimeZone(identifier: "Europe/Berlin")!

  /// The tickets the warehouse should hold, computed with Foundation's parsers.
  static func referenceTickets() throws -> [String: Ref] {
    let sample = CLI.packageRoot.appendingPathComponent("sample-data").path
    var out: [String: Ref] = [:]
    let iso = ISO8601DateFormatter()
    let priorities: Set<String> = ["", "low", "normal", "high", "urgent"]
    let generic = try ReferenceCSV.records(sample + "/tickets.csv")
    let g = Dictionary(uniqueKeysWithValues: generic.header.enumerated().map { ($1, $0) })
    for r in generic.rows where r.count == generic.header.count {
      guard let created = iso.date(from: r[g["created_at"]!]),
        priorities.contains(r[g["priority"]!].lowercased())
      else { continue }
      let updated = r[g["updated_at"]!].isEmpty ? created : iso.date(from: r[g["updated_at"]!])!
      let reply = iso.date(from: r[g["first_reply_at"]!])
      let ref = Ref(
        created: created, version: updated,
        channel: r[g["channel"]!].isEmpty ? "none" : r[g["channel"]!],
        assignee: r[g["assignee_id"]!].isEmpty ? "none" : r[g["assignee_id"]!],
        firstReplyMinutes: reply.map { $0.timeIntervalSince(created) / 60 })
      let key = "helpdesk/" + r[g["id"]!]
      if let old = out[key], old.version >= ref.version { continue }
      out[key] = ref
    }
    let local = DateFormatter()
    local.locale = Locale(identifier: "en_US_POSIX")
    local.timeZone = berlin
    local.dateFormat = "yyyy-MM-dd HH:mm:ss"
    local.isLenient = false
    let via = ["Mail": "email", "Web Form": "web", "Chat": "chat", "Voice": "phone", "API": "api"]
    let zendesk = try ReferenceCSV.records(sample + "/zendesk_tickets.csv")
    let z = Dictionary(uniqueKeysWithValues: zendesk.header.enumerated().map { ($1, $0) })
    for r in zendesk.rows where r.count == zendesk.header.count {
      guard let created = local.date(from: r[z["Created at"]!]),
        priorities.contains(r[z["Priority"]!].lowercased()) || r[z["Priority"]!] == "-"
      else { continue }
      let updated = local.date(from: r[z["Updated at"]!]) ?? created
      let minutes = r[z["First reply time in minutes"]!]
      let ref = Ref(
        created: created, version: updated,
        channel: via[r[z["Via"]!]] ?? "none",
        assignee: r[z["Assignee"]!].isEmpty ? "none" : r[z["Assignee"]!],
        firstReplyMinutes: minutes.isEmpty ? nil : Double(minutes)!)
      let key = "zendesk/" + r[z["Id"]!]
      if let old = out[key], old.version >= ref.version { continue }
      out[key] = ref
    }
    return out
  }

  static func quantile(_ xs: [Double], _ p: Double) -> Double {
    let s = xs.sorted()
    let h = Double(s.count - 1) * p
    let lo = Int(h)
    let hi = min(lo + 1, s.count - 1)
    return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
  }

  @Test func nightlyRunMatchesAnIndependentComputationAndRerunsChangeNothing() throws {
    let dir = CLI.temporaryDirectory()
    let pipeline = CLI.samplePipeline(in: dir)
    let first = try CLI.run(["run", pipeline])
    #expect(first.status == 0, "\(first.stderr)")
    let folders = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").filter {
      $0.hasPrefix("20")
    }
    #expect(folders.count == 1)
    let out = dir + "/out/" + folders[0]
    let refs = try Self.referenceTickets()

    // tickets_created by day (Europe/Berlin) and channel.
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = Self.berlin
    var created: [String: Int] = [:]
    for r in refs.values {
      let c = cal.dateComponents([.year, .month, .day], from: r.created)
      let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
      created[day + "," + r.channel, default: 0] += 1
    }
    let ct = try ReferenceCSV.records(out + "/tickets_created_by_day_channel.csv")
    #expect(ct.header == ["day", "channel", "count"])
    var got: [String: Int] = [:]
    for r in ct.rows { got[r[0] + "," + r[1]] = Int(r[2])! }
    #expect(got == created)
    #expect(ct.rows.map { $0[0] + "," + $0[1] } == ct.rows.map { $0[0] + "," + $0[1] }.sorted())

    // first_reply_time by assignee: count, median, p90.
    var byAssignee: [String: [Double]] = [:]
    for r in refs.values {
      if let m = r.firstReplyMinutes, m >= 0 { byAssignee[r.assignee, default: []].append(m) }
    }
    let fr = try ReferenceCSV.records(out + "/first_reply_time_by_assignee.csv")
    #expect(fr.header == ["assignee", "count", "median_minutes", "p90_minutes"])
    #expect(fr.rows.count == byAssignee.count)
    for r in fr.rows {
      let name = r[0].hasPrefix("'") ? String(r[0].dropFirst()) : r[0]
      let xs = try #require(byAssignee[name], "\(name)")
      #expect(Int(r[1]) == xs.count)
      #expect(abs(Double(r[2])! - Self.quantile(xs, 0.5)) < 1e-6)
      #expect(abs(Double(r[3])! - Self.quantile(xs, 0.9)) < 1e-6)
    }
    // The agent named "@Ops Desk" is guarded against spreadsheet formulas.
    #expect(fr.rows.contains { $0[0] == "'@Ops Desk" })

    // Accounting reconciles per file.
    let acc = try ReferenceCSV.records(out + "/accounting.csv")
    for r in acc.rows {
      let n = r[1...6].map { Int($0)! }
      #expect(n[0] == n[1] + n[2] + n[3] + n[4] + n[5])
    }
    #expect(acc.rows.reduce(0) { $0 + Int($1[2])! } == refs.count)

    // A rerun on the same files changes nothing and says so; the outputs are byte-identical.
    let csvBefore = try Data(
      contentsOf: URL(fileURLWithPath: out + "/first_reply_time_by_assignee.csv"))
    let htmlBefore = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
    let second = try CLI.run(["run", pipeline])
    #expect(second.status == 0)
    #expect(second.stdout.contains("nothing changed"))
    #expect(second.stdout.contains("skipped, unchanged since it was loaded"))
    #expect(
      try Data(contentsOf: URL(fileURLWithPath: out + "/first_reply_time_by_assignee.csv"))
        == csvBefore)
    let htmlAfter = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
    // The metric sections are identical; only this run's file accounting differs.
    func metrics(_ html: String) -> String {
      html.components(separatedBy: "Data quality")[0].components(separatedBy: "id=\"metric-1")
        .dropFirst().joined()
    }
    #expect(!metrics(htmlAfter).isEmpty)
    #expect(metrics(htmlAfter) == metrics(htmlBefore))

    // The export command gives the report's CSV byte for byte.
    let export = try CLI.run([
      "export", "first_reply_time", "--by", "assignee", "--stats", "count,median,p90",
      "--pipeline", pipeline,
    ])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(Data(export.stdout.utf8) == csvBefore)

    // The report escapes the hostile subject and the formula-like agent name.
    #expect(!htmlAfter.contains("<script>"))
    #expect(htmlAfter.contains("@Ops Desk"))
  }

  /// Issue 18: a rerun over unchanged data reuses the sections and data-quality results it
  /// computed before, and writes exactly the files a run computing everything writes.
  @Test func aRerunThatReusesResultsWritesWhatARunFromScratchWrites() throws {
    let (output, folder) = try CLI.runNightly()
    let pipeline = URL(fileURLWithPath: output).deletingLastPathComponent().path + "/nightly.yml"
    let sections = output + "/ticketlens.sqlite.sections"
    #expect(FileManager.default.fileExists(atPath: sections + "/insights.bin"))
    func files() throws -> [String: Data] {
      var out: [String: Data] = [:]
      for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: folder + name))
        if name == "summary.json" {
          // The run's number is the one line that differs between two runs.
          let text = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            .filter { !$0.contains("\"run_id\"") }.joined(separator: "\n")
          bytes = Data(text.utf8)
        }
        out[name] = bytes
      }
      return out
    }
    let reuse = try CLI.run(["run", pipeline, "--verbose"])
    #expect(reuse.status == 0, "\(reuse.stderr)")
    let log = reuse.stdout + reuse.stderr
    for stage in ["metrics", "trends", "insights"] {
      #expect(log.contains("\(stage): ") && log.contains("(reused: data and settings unchanged)"))
    }
    #expect(log.contains("reused: data and settings unchanged)") && log.contains("quality: "))
    let reused = try files()
    // From scratch: the kept results removed, the same data.
    try FileManager.default.removeItem(atPath: sections)
    let scratch = try CLI.run(["run", pipeline, "--verbose", "--threads", "1"])
    #expect(scratch.status == 0, "\(scratch.stderr)")
    #expect(!(scratch.stdout + scratch.stderr).contains("reused"))
    let computed = try files()
    #expect(reused.keys.sorted() == computed.keys.sorted())
    #expect(computed.count >= 10)
    for (name, bytes) in computed { #expect(reused[name] == bytes, "\(name) differs") }
    // A changed setting recomputes the sections (a table's title is one of the metrics stage's
    // settings); the data-quality checks, whose settings did not change, are still reused.
    let text = try String(contentsOfFile: pipeline, encoding: .utf8)
    try text.replacingOccurrences(
      of: "title: Tickets created by day and channel", with: "title: Tickets created per day"
    ).write(toFile: pipeline, atomically: true, encoding: .utf8)
    let changed = try CLI.run(["run", pipeline, "--verbose"])
    #expect(changed.status == 0, "\(changed.stderr)")
    let lines = (changed.stdout + changed.stderr).split(separator: "\n")
    #expect(lines.contains { $0.contains("metrics: ") && !$0.contains("reused") })
    #expect(lines.contains { $0.contains("quality: ") && $0.contains("reused") })
    #expect(
      try String(contentsOfFile: folder + "report.html", encoding: .utf8).contains(
        "Tickets created per day"))
  }

  /// With the sentence model (the default text model's choice for the sample's window of about
  /// 1,300 contacts), a run keeps its vectors beside the warehouse and the next run that
  /// recomputes the insights embeds nothing it had: the log says how many were embedded and
  /// kept, and the report is the same file for file.
  @Test func theSentenceModelsVectorsAreKeptForTheNextRun() throws {
    let dir = CLI.temporaryDirectory()
    let root = CLI.packageRoot.path
    let nightly = try String(contentsOfFile: root + "/pipelines/nightly.yml", encoding: .utf8)
      .replacingOccurrences(of: "../sample-data", with: root + "/sample-data")
      .replacingOccurrences(of: "../reports", with: dir + "/out")
    #expect(!nightly.contains("text_model"))
    try nightly.write(toFile: dir + "/nightly.yml", atomically: true, encoding: .utf8)
    func run() throws -> (log: String, files: [String: Data]) {
      let r = try CLI.run(["run", dir + "/nightly.yml", "--verbose"])
      #expect(r.status == 0, "\(r.stderr)")
      let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/out")
        .filter { $0.hasPrefix("20") }.sorted()
      let folder = dir + "/out/" + (runs.last ?? "") + "/"
      var files: [String: Data] = [:]
      for name in try FileManager.default.contentsOfDirectory(atPath: folder)
      where name != "summary.json" {
        files[name] = try Data(contentsOf: URL(fileURLWithPath: folder + name))
      }
      return (r.stdout + r.stderr, files)
    }
    func counts(_ log: String) -> (embedded: Int, kept: Int)? {
      guard
        let line = log.split(separator: "\n").first(where: { $0.contains("sentence vectors: ") })
      else { return nil }
      let words = line.split(separator: " ")
      guard let e = words.firstIndex(of: "embedded,"), let k = words.firstIndex(of: "kept"),
        let embedded = Int(words[e - 1]), let kept = Int(words[k - 1])
      else { return nil }
      return (embedded, kept)
    }
    let vectors = dir + "/out/ticketlens.sqlite.vectors"
    let sections = dir + "/out/ticketlens.sqlite.sections"
    let loaded = try run()
    let embedded = try #require(counts(loaded.log), "\(loaded.log)")
    #expect(embedded.embedded > 100 && embedded.kept == 0)
    #expect(FileManager.default.fileExists(atPath: vectors))
    // Runs that load nothing and compute the insights again (the kept sections removed): from
    // scratch, then from the kept vectors (a run that loads files writes other accounting).
    try FileManager.default.removeItem(atPath: sections)
    try FileManager.default.removeItem(atPath: vectors)
    let first = try run()
    let one = try #require(counts(first.log), "\(first.log)")
    #expect(one.embedded == embedded.embedded && one.kept == 0)
    try FileManager.default.removeItem(atPath: sections)
    let second = try run()
    let two = try #require(counts(second.log), "\(second.log)")
    #expect(two.embedded == 0 && two.kept == one.embedded)
    #expect(second.files.keys.sorted() == first.files.keys.sorted())
    for (name, bytes) in first.files { #expect(second.files[name] == bytes, "\(name) differs") }
  }

  /// A warehouse deleted and loaded again from other data of the same shape (same ids, same
  /// counts) is not mistaken for the old one: the kept sections and columns are not reused.
  @Test func aRebuiltWarehouseWithOtherDataDoesNotReuseTheOldResults() throws {
    let dir = CLI.temporaryDirectory()
    let header =
      "id,subject,description,status,priority,channel,requester_id,requester_email,assignee_id,group_id,tags,created_at,updated_at,first_reply_at,solved_at,reopens,replies,satisfaction\n"
    func data(_ channel: String) -> String {
      header
        + (1...3).map {
          "\($0),Question \($0),,open,normal,\(channel),1,a@b.c,,,,2026-03-0\($0)T10:00:00Z,2026-03-0\($0)T10:00:00Z,,,0,0,\n"
        }.joined()
    }
    let pipeline = """
      name: rebuilt
      warehouse: \(dir)/w.sqlite
      output: \(dir)/out
      sources:
        - name: helpdesk
          format: generic-csv
          paths: \(dir)/tickets.csv
      insights:
        gaps: false
      report:
        metrics:
          - metric: tickets_created
            by: [channel]

      """
    try pipeline.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    func channels() throws -> String {
      let out = try FileManager.default.contentsOfDirectory(atPath: dir + "/out").first {
        $0.hasPrefix("20")
      }!
      return try String(
        contentsOfFile: dir + "/out/" + out + "/tickets_created_by_channel.csv", encoding: .utf8)
    }
    try data("email").write(toFile: dir + "/tickets.csv", atomically: true, encoding: .utf8)
    #expect(try CLI.run(["run", dir + "/p.yml", "-q"]).status == 0)
    #expect(try channels() == "channel,count\nemail,3\n")
    for suffix in ["", "-wal", "-shm"] {
      try? FileManager.default.removeItem(atPath: dir + "/w.sqlite" + suffix)
    }
    try data("phone").write(toFile: dir + "/tickets.csv", atomically: true, encoding: .utf8)
    let again = try CLI.run(["run", dir + "/p.yml", "-v"])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(!(again.stdout + again.stderr).contains("reused"))
    #expect(try channels() == "channel,count\nphone,3\n")
  }

  @Test func reportsAreByteIdenticalForOneAndTwoThreads() throws {
    var outputs: [[String: Data]] = []
    for threads in ["1", "2"] {
      let dir = CLI.temporaryDirectory()
      let r = try CLI.run(["run", CLI.samplePipeline(in: dir), "--threads", threads, "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
      let folder = try FileManager.default.contentsOfDirectory(atPath: dir + "/out")
        .first { $0.hasPrefix("20") }!
      var files: [String: Data] = [:]
      for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/out/" + folder) {
        files[name] = try Data(
          contentsOf: URL(fileURLWithPath: dir + "/out/" + folder + "/" + name))
      }
      outputs.append(files)
    }
    #expect(outputs[0].keys.sorted() == outputs[1].keys.sorted())
    #expect(outputs[0].count >= 5)
    for (name, bytes) in outputs[0] { #expect(outputs[1][name] == bytes, "\(name) differs") }
  }

  @Test func rejectThresholdFailsClosedWithExitThreeAndStillWritesTheReport() throws {
    let dir = CLI.temporaryDirectory()
    let r = try CLI.run(["run", CLI.samplePipeline(in: dir, threshold: 0.0001), "--quiet"])
    #expect(r.status == 3)
    #expect(r.stderr.contains("above the threshold"))
    #expect(r.stdout.isEmpty)
    let html = try String(contentsOfFile: dir + "/out/latest.html", encoding: .utf8)
    #expect(html.contains("rejected more records than its threshold allows"))
  }

  @Test func ingestJSONHasExactlyTheDocumentedKeys() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    let r = try CLI.run(["ingest", sample, "--warehouse", dir + "/w.sqlite", "--json"])
    #expect(r.status == 0, "\(r.stderr)")
    let obj = try #require(
      try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    #expect(
      Set(obj.keys) == [
        "file", "read", "inserted", "updated", "unchanged", "superseded", "rejected", "errors",
        "warnings",
      ])
    let n = ["inserted", "updated", "unchanged", "superseded", "rejected"].map { obj[$0] as! Int }
    #expect(obj["read"] as! Int == n.reduce(0, +))
    #expect((obj["errors"] as! [String]).first?.contains("tickets.csv:") == true)
    let again = try CLI.run(["ingest", sample, "--warehouse", dir + "/w.sqlite", "--json"])
    let obj2 = try #require(
      try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
    #expect(obj2["inserted"] as! Int == 0 && obj2["updated"] as! Int == 0)
  }

  @Test func usageAndConfigErrorsExitTwoWithTheirPlace() throws {
    let dir = CLI.temporaryDirectory()
    try "sources:\n  - paths: x.csv\n    formt: generic-csv\n".write(
      toFile: dir + "/bad.yml", atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", dir + "/bad.yml"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("bad.yml:3:5: unknown key 'formt'"))
    let u = try CLI.run(["export", "first_reply_tme", "--warehouse", dir + "/none.sqlite"])
    #expect(u.status == 2)
    #expect(u.stderr.contains("did you mean 'first_reply_time'"))
    let v = try CLI.run(["ingest", "x.csv", "--format", "nope"])
    #expect(v.status == 2)
  }

  @Test func aMissingFileFailsThatFileNotTheRun() throws {
    let dir = CLI.temporaryDirectory()
    let r = try CLI.run([
      "ingest", dir + "/missing.csv", "--warehouse", dir + "/w.sqlite", "--json",
    ])
    #expect(r.status == 1)
    #expect(r.stdout.contains("cannot open"))
  }
}

struct InspectAndSearchTests {
  static let sample = CLI.packageRoot.appendingPathComponent("sample-data").path

  @Test func inspectPrintsRecordsAsParsed() throws {
    let csv = try CLI.run(["inspect", Self.sample + "/tickets.csv", "--limit", "2"])
    #expect(csv.status == 0)
    let lines = csv.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    let first = try #require(
      try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(first["line"] as? Int == 2)
    #expect((first["fields"] as? [String: String])?["id"] == "100000")
    let raw = try CLI.run(["inspect", Self.sample + "/tickets.csv", "--raw", "--limit", "1"])
    let header = try #require(
      try JSONSerialization.jsonObject(with: Data(raw.stdout.split(separator: "\n")[0].utf8))
        as? [String])
    #expect(header.first == "id" && header.count == 19)
    let xml = try CLI.run(["inspect", Self.sample + "/zendesk_tickets.xml", "--limit", "1"])
    let rec = try #require(
      try JSONSerialization.jsonObject(with: Data(xml.stdout.utf8)) as? [String: Any])
    #expect((rec["record"] as? [String: Any])?["id"] as? String == "100000")
    #expect(rec["line"] as? Int == 3)
    // Diagnostics go to stderr with their place.
    let bad = try CLI.run(["inspect", Self.sample + "/tickets.csv"])
    #expect(bad.stderr.contains("tickets.csv:") && bad.stderr.contains("ragged row"))
  }

  @Test func kbSearchRanksArticles() throws {
    let dir = CLI.temporaryDirectory()
    let pipeline = """
      warehouse: w.sqlite
      output: out
      sources:
        - name: kb
          paths: [\(Self.sample)/help_center_articles.json, \(Self.sample)/kb]
      """
    try pipeline.write(toFile: dir + "/kb.yml", atomically: true, encoding: .utf8)
    let run = try CLI.run(["run", dir + "/kb.yml", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    let r = try CLI.run(["kb", "search", "refund charged twice", "--warehouse", dir + "/w.sqlite"])
    #expect(r.status == 0)
    let rows = r.stdout.split(separator: "\n").dropFirst()
    #expect(rows.first?.contains("Requesting a refund for a double charge") == true)
    let p = try CLI.run([
      "kb", "search", "password reset", "--warehouse", dir + "/w.sqlite", "--limit", "2",
    ])
    #expect(p.stdout.split(separator: "\n").count == 3)
  }
}

@Suite(.serialized)
struct SafeToScheduleTests {
  @Test func aSecondWriterWaitsOrFailsNamingTheHolder() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    nonisolated(unsafe) var holder: WriterLock? = try WriterLock(
      warehouse: dir + "/w.sqlite", wait: 0, command: "test holder")
    let busy = try CLI.run(["ingest", sample, "--warehouse", dir + "/w.sqlite", "-q"])
    #expect(busy.status == 1)
    #expect(busy.stderr.contains("pid \(getpid()), test holder"))
    // Released half a second later: a writer with --wait gets through.
    DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { holder = nil }
    let waited = try CLI.run([
      "ingest", sample, "--warehouse", dir + "/w.sqlite", "-q", "--wait", "10",
    ])
    #expect(waited.status == 0, "\(waited.stderr)")
    _ = holder
  }

  @Test func aLockLeftByADeadProcessIsTakenOver() throws {
    let dir = CLI.temporaryDirectory()
    try "pid 999999, run, since 2020-01-01T00:00:00Z\n".write(
      toFile: dir + "/w.sqlite.lock", atomically: true, encoding: .utf8)
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    let r = try CLI.run(["ingest", sample, "--warehouse", dir + "/w.sqlite", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
  }

  @Test func sigintStopsCleanlyAndRollsBack() throws {
    let dir = CLI.temporaryDirectory()
    let gen = try CLI.run([
      "sample", "--tickets", "200000", "--tickets-only", "--out", dir + "/big",
    ])
    #expect(gen.status == 0)
    let p = Process()
    p.executableURL = CLI.executable
    p.arguments = [
      "ingest", dir + "/big/tickets.csv", "--warehouse", dir + "/w.sqlite", "-q", "--threads", "1",
      "--no-sentiment",
    ]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    usleep(700_000)
    kill(p.processIdentifier, SIGINT)
    p.waitUntilExit()
    if p.terminationStatus == 0 {
      // The machine was fast enough to finish first; nothing to check.
      return
    }
    #expect(p.terminationStatus == 130)
    let wh = try Warehouse(path: dir + "/w.sqlite", readOnly: true)
    #expect(try wh.ticketCount() == 0)
    #expect(try wh.runs().first?.status == "cancelled")
    // The next run completes the work.
    let again = try CLI.run([
      "ingest", dir + "/big/tickets.csv", "--warehouse", dir + "/w.sqlite", "-q", "--no-sentiment",
    ])
    #expect(again.status == 0)
    #expect(try Warehouse(path: dir + "/w.sqlite", readOnly: true).ticketCount() > 190_000)
  }
}

@Suite(.serialized)
struct CrashSafetyTests {
  static func pipeline(_ dir: String, data: String) throws -> String {
    let text = """
      warehouse: w/ticketlens.sqlite
      output: out
      sources:
        - name: big
          format: generic-csv
          paths: \(data)
      report:
        metrics:
          - {metric: tickets_created, by: [channel], grain: day}
          - {metric: first_reply_time, by: [assignee], stats: [count, median, p90]}
          - {metric: backlog, grain: week}
      # Text analysis of 150k tickets in a debug build would dominate this test's time.
      insights: {gaps: false, sentiment: false, classify: false}
      """
    try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    return dir + "/p.yml"
  }

  static func metricCSVs(_ dir: String) throws -> [String: Data] {
    let out = dir + "/out"
    let folder = try FileManager.default.contentsOfDirectory(atPath: out).first {
      $0.hasPrefix("20")
    }!
    var files: [String: Data] = [:]
    for n in try FileManager.default.contentsOfDirectory(atPath: out + "/" + folder)
    where n.hasSuffix(".csv") && n != "accounting.csv" && n != "rejects.csv"
      && !n.hasPrefix("quality_")
    {
      files[n] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + folder + "/" + n))
    }
    return files
  }

  @Test func killedAtRandomMomentsTheNextRunGivesTheSameResult() throws {
    let data = CLI.temporaryDirectory()
    #expect(
      try CLI.run(["sample", "--tickets", "150000", "--tickets-only", "--out", data]).status == 0)
    let csv = data + "/tickets.csv"
    // Uninterrupted.
    let a = CLI.temporaryDirectory()
    #expect(try CLI.run(["run", try Self.pipeline(a, data: csv), "-q"]).status == 0)
    let expected = try Self.metricCSVs(a)
    // Three configured tables, plus forecast, hour-of-week, agents, groups, customers, the
    // duration distribution, follow-ups, escalations and routing.
    #expect(expected.count == 12)
    // Killed (SIGKILL) at pseudo-random moments, then completed.
    let b = CLI.temporaryDirectory()
    let p = try Self.pipeline(b, data: csv)
    var state: UInt64 = 2026
    for _ in 0..<6 {
      state = state &* 6_364_136_223_846_793_005 &+ 1
      let delay = 50_000 + useconds_t(state >> 44) % 1_200_000
      let proc = Process()
      proc.executableURL = CLI.executable
      proc.arguments = ["run", p, "-q"]
      proc.standardOutput = FileHandle.nullDevice
      proc.standardError = FileHandle.nullDevice
      try proc.run()
      usleep(delay)
      kill(proc.processIdentifier, SIGKILL)
      proc.waitUntilExit()
    }
    let final = try CLI.run(["run", p, "-q"])
    #expect(final.status == 0, "\(final.stderr)")
    #expect(try Self.metricCSVs(b) == expected)
    let wa = try Warehouse(path: a + "/w/ticketlens.sqlite", readOnly: true)
    let wb = try Warehouse(path: b + "/w/ticketlens.sqlite", readOnly: true)
    #expect(try wa.ticketsFingerprint() == wb.ticketsFingerprint())
  }

  @Test func anUnwritableOutputIsAClearErrorAndChangesNothing() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    let text = "warehouse: w.sqlite\noutput: out\nsources:\n  - {name: s, paths: \(sample)}\n"
    try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    // A file where the output folder should be: nothing can be written under it (even as root).
    try "not a folder".write(toFile: dir + "/out", atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", dir + "/p.yml", "-q"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("out"))
    #expect(try String(contentsOfFile: dir + "/out", encoding: .utf8) == "not a folder")
    // The data loaded; the run is recorded as failed.
    let wh = try Warehouse(path: dir + "/w.sqlite", readOnly: true)
    #expect(try wh.ticketCount() > 0)
    #expect(try wh.runs().first?.status == "failed")
  }

  @Test func reportRerendersTheSameBytesAndIndexesEveryRun() throws {
    let dir = CLI.temporaryDirectory()
    let pipeline = CLI.samplePipeline(in: dir)
    let r = try CLI.run(["run", pipeline, "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let folder = try #require(
      try FileManager.default.contentsOfDirectory(atPath: dir + "/out").first { $0.hasPrefix("20") }
    )
    let again = try CLI.run(["report", "--pipeline", pipeline, "--out", dir + "/again"])
    #expect(again.status == 0, "\(again.stderr)")
    let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/" + folder + "/report.html"))
    let b = try Data(contentsOf: URL(fileURLWithPath: dir + "/again/" + folder + "/report.html"))
    #expect(a == b)
    let index = try String(contentsOfFile: dir + "/out/index.html", encoding: .utf8)
    #expect(index.contains("href=\"\(folder)/report.html\""))
    let missing = try CLI.run(["report", "--warehouse", dir + "/nothing.sqlite"])
    #expect(missing.status != 0)
    #expect(missing.stderr.contains("no warehouse"))
  }

  /// Every table in the HTML report shows the digits of the CSV it names, cell for cell.
  @Test func htmlTablesMatchTheirCSVsToTheLastDigit() throws {
    // The nightly pipeline itself, reading the sample data in place.
    let (output, base) = try CLI.runNightly()
    let folder = URL(fileURLWithPath: base).lastPathComponent
    let html = try String(contentsOfFile: base + "report.html", encoding: .utf8)
    var checked = 0
    for section in html.components(separatedBy: "<section").dropFirst() {
      guard let codeStart = section.range(of: "The same numbers are in <code>"),
        let codeEnd = section.range(of: "</code>", range: codeStart.upperBound..<section.endIndex),
        let tbody = section.range(of: "<tbody>"),
        let tbodyEnd = section.range(of: "</tbody>")
      else { continue }
      let csvName = String(section[codeStart.upperBound..<codeEnd.lowerBound])
      let csv = ReferenceCSV.rows(try String(contentsOfFile: base + csvName, encoding: .utf8))
      // Each cell's exact value: its tooltip where the page shows it in humane units.
      let htmlRows = Self.cells(
        String(section[tbody.upperBound..<tbodyEnd.lowerBound]), exact: true)
      #expect(!htmlRows.isEmpty, "\(csvName)")
      let expected = csv.dropFirst().map { row in
        row.map { cell -> String in
          // The CSV neutralizes formula-like cells with a leading apostrophe; HTML shows them as is.
          if cell.hasPrefix("'"), let c = cell.dropFirst().first, "=+-@".contains(c) {
            return String(cell.dropFirst())
          }
          return cell
        }
      }
      if htmlRows.count == expected.count {
        #expect(htmlRows == expected, "\(csvName)")
      } else {
        // A long table shows its rows that matter most, each exactly a row of the CSV, and
        // says how many the CSV holds, with a link to it.
        #expect(htmlRows.count == Presentation.tableRows, "\(csvName)")
        for (i, row) in htmlRows.enumerated() {
          #expect(expected.contains(row), "\(csvName) shown row \(i + 1): \(row)")
        }
        let total = Presentation.grouped(Double(expected.count), decimals: 0)
        #expect(section.contains(" of \(total) rows"), "\(csvName)")
        #expect(section.contains("every row is in <a href=\"\(csvName)\">"), "\(csvName)")
      }
      checked += 1
    }
    #expect(checked >= 8)
    // The pipeline's `people:` file names the agents the exports know by id: the page shows
    // the name (the id is its tooltip), the CSV keeps the id.
    #expect(html.contains("<td title=\"381234501\">Tom Becker</td>"))
    let byAssignee = try String(
      contentsOfFile: base + "first_reply_time_by_assignee.csv", encoding: .utf8)
    #expect(byAssignee.contains("\n381234501,"))
    #expect(!html.contains(">381234501</td>"))
    // The negative-customers KPI is the export's share for the 7 days ending on the as-of date.
    let day = try #require(CivilDate(iso8601: folder))
    let counts = try CLI.run([
      "export", "tickets_created", "--by", "sentiment", "--from", day.adding(days: -6).description,
      "--to", day.description, "--timezone", "Europe/Berlin", "--warehouse",
      output + "/ticketlens.sqlite",
    ])
    var byLabel: [String: Double] = [:]
    for row in ReferenceCSV.rows(counts.stdout).dropFirst() { byLabel[row[0]] = Double(row[1])! }
    let share = (byLabel["negative"] ?? 0) / byLabel.values.reduce(0, +)
    #expect(
      html.contains(
        "Negative customers, last 7 days</div><div class=\"value\">\(Int((share * 100).rounded()))%</div>"
      ), "\(share)")

    // KPI tiles carry sparklines with a text alternative.
    for title in [
      "Tickets created per day, last 28 days", "First reply median per day, last 28 days",
      "Share of new tickets with a negative customer per day, last 28 days",
    ] {
      #expect(html.contains("role=\"img\"><title>\(title)</title>"), "\(title)")
    }
    // The duration distribution: buckets add up to the tickets, and the calendar first-reply
    // row's tickets are the export's count.
    let distribution = ReferenceCSV.rows(
      try String(contentsOfFile: base + "duration_distribution.csv", encoding: .utf8))
    #expect(distribution.count == 5)
    for row in distribution.dropFirst() {
      #expect(row[4...].reduce(0) { $0 + Int($1)! } == Int(row[2])!, "\(row)")
    }
    let firstReply = try CLI.run([
      "export", "first_reply_time", "--stats", "count,le60,le240", "--warehouse",
      output + "/ticketlens.sqlite",
    ])
    let fr = ReferenceCSV.rows(firstReply.stdout)
    #expect(fr.first == ["count", "le60_minutes", "le240_minutes"])
    #expect(fr[1][0] == distribution[1][2] && fr[1][1] == distribution[1][4])
    #expect(Int(fr[1][2])! == Int(distribution[1][4])! + Int(distribution[1][5])!)
  }

  /// The text of every `<td>` per `<tr>`, with the five HTML escapes undone.
  /// The cells of table rows, unescaped; with `exact`, a cell's tooltip (`title`, the CSV's
  /// exact text of a value shown in humane units) instead of its text where it has one.
  static func cells(_ body: String, exact: Bool = false) -> [[String]] {
    func unescape(_ s: Substring) -> String {
      String(s)
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
        .replacingOccurrences(of: "&amp;", with: "&")
    }
    return body.components(separatedBy: "<tr>").dropFirst().map { tr in
      tr.components(separatedBy: "<td").dropFirst().map { td in
        let start = td.firstIndex(of: ">")!
        let end = td.range(of: "</td>")!.lowerBound
        let tag = td[..<start]
        if exact, let t = tag.range(of: " title=\""),
          let close = tag[t.upperBound...].firstIndex(of: "\"")
        {
          return unescape(tag[t.upperBound..<close])
        }
        return unescape(td[td.index(after: start)..<end])
      }
    }
  }
}

/// A full disk in the middle of a run (simulated with a file-size limit, whose writes fail with
/// EFBIG as on a full disk): the run fails with a clear message, commits nothing, and the next
/// run gives the same warehouse as a run that never failed.
@Suite(.serialized)
struct DiskFullTests {
  @Test func aFullDiskFailsCleanlyAndTheNextRunCompletes() throws {
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    func pipeline(_ dir: String) throws -> String {
      let text = "warehouse: w.sqlite\noutput: out\nsources:\n  - {name: s, paths: \(sample)}\n"
      try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
      return dir + "/p.yml"
    }
    let full = CLI.temporaryDirectory()
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    // Ignored SIGXFSZ is inherited: writes past 1000 KiB fail with EFBIG instead of killing.
    p.arguments = [
      "-c", "trap '' XFSZ; ulimit -f 1000; exec \"$0\" run \"$1\" -q", CLI.executable.path,
      try pipeline(full),
    ]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 1, "\(message)")
    #expect(message.contains("free space and run again"), "\(message)")
    #expect(!FileManager.default.fileExists(atPath: full + "/out/latest.html"))
    let failed = try Warehouse(path: full + "/w.sqlite", readOnly: true)
    #expect(try failed.ticketCount() == 0)
    #expect(try failed.runs().first?.status == "failed")
    let history = try CLI.run(["runs", "--warehouse", full + "/w.sqlite"])
    #expect(history.stdout.contains("\tfailed\trun\t"))
    #expect(history.stdout.contains("free space and run again"))
    // With space again, the run completes and matches a run that never failed.
    #expect(try CLI.run(["run", try pipeline(full), "-q"]).status == 0)
    let clean = CLI.temporaryDirectory()
    #expect(try CLI.run(["run", try pipeline(clean), "-q"]).status == 0)
    let a = try Warehouse(path: full + "/w.sqlite", readOnly: true)
    let b = try Warehouse(path: clean + "/w.sqlite", readOnly: true)
    #expect(try a.ticketsFingerprint() == b.ticketsFingerprint())
    #expect(try a.ticketCount() > 2000)
  }
}
