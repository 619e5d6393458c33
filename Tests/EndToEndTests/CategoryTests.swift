import Foundation
import TicketLensSample
import Testing

/// The category and priority classifiers on generated data whose true topics, recorded
/// contact reasons (a quarter missing, 3 % wrong) and urgent wording are known.
@Suite(.serialized)
struct CategoryTests {
  static let tickets = 4000
  static let seed: UInt64 = 11

  /// Generates tickets, runs a pipeline that learns categories from `contact_reason_` tags, and
  /// returns the pipeline file and the generator.
  static func setUp() throws -> (String, SampleGenerator) {
    let dir = CLI.temporaryDirectory()
    let gen = try CLI.run([
      "sample", "--tickets", "\(tickets)", "--seed", "\(seed)", "--tickets-only", "--out",
      dir + "/data",
    ])
    #expect(gen.status == 0, "\(gen.stderr)")
    let text = """
      warehouse: w.sqlite
      output: out
      sources:
        - name: helpdesk
          format: generic-csv
          paths: data/tickets.csv
      insights: {gaps: false, category_tag_prefix: contact_reason_}
      report:
        metrics:
          - {metric: tickets_created, by: [category]}
      """
    try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    let run = try CLI.run(["run", dir + "/p.yml", "-q"])
    #expect(run.status == 0, "\(run.stderr)")
    return (dir + "/p.yml", SampleGenerator(options: SampleOptions(tickets: tickets, seed: seed)))
  }

  static func rows(_ args: [String]) throws -> [[String]] {
    let r = try CLI.run(["categories"] + args)
    #expect(r.status == 0, "\(r.stderr)")
    return ReferenceCSV.rows(r.stdout)
  }

  static func index(_ id: String) -> Int { Int(id.split(separator: "/").last!)! - 100_000 }

  @Test func predictsTheTrueTopicOfUnlabelledTicketsAndKeepsRecordedOnes() throws {
    let (p, g) = try Self.setUp()
    let all = try Self.rows(["--pipeline", p, "--show", "tickets"])
    #expect(
      all.first == [
        "ticket", "category", "origin", "confidence", "priority", "suggested_priority", "urgency",
        "subject",
      ])
    var predicted = 0
    var right = 0
    var labelled = 0
    for row in all.dropFirst() {
      let i = Self.index(row[0])
      if row[2] == "label" {
        // A recorded reason is kept as recorded, even when it is wrong.
        #expect(row[1] == g.contactReason(ofTicket: i), "\(row)")
        #expect(row[3].isEmpty)
        labelled += 1
      } else {
        #expect(row[2] == "predicted")
        #expect(g.contactReason(ofTicket: i) == nil)
        let confidence = try #require(Double(row[3]))
        #expect(confidence > 0 && confidence <= 1)
        predicted += 1
        if row[1] == g.topicName(ofTicket: i) { right += 1 }
      }
    }
    // About a quarter of the tickets record no reason.
    #expect(predicted > 800 && predicted < 1200, "\(predicted) of \(labelled + predicted)")
    let accuracy = Double(right) / Double(predicted)
    #expect(accuracy >= 0.95, "accuracy on unlabelled tickets \(accuracy)")

    // The held-out evaluation: close to the 97 % the wrong recorded reasons allow.
    let quality = try Self.rows(["--pipeline", p, "--show", "quality"])
    #expect(
      quality.first?.prefix(6) == [
        "model", "labelled", "held_out", "accuracy", "macro_f1", "majority_baseline",
      ])
    let category = try #require(quality.first { $0.first == "category" })
    #expect(Int(category[1]) == labelled)
    #expect(Double(Int(category[2])!) / Double(labelled) > 0.17)
    #expect(Double(category[3])! >= 0.9 && Double(category[4])! >= 0.9)
    #expect(Double(category[3])! > Double(category[5])!)
    #expect(Int(category[6]) == predicted)

    // The confusion table adds up to the held-out tickets, and its diagonal to the accuracy.
    let confusion = try Self.rows(["--pipeline", p, "--show", "confusion"])
    let classes = confusion[0].dropFirst().prefix { $0.hasPrefix("predicted_") }.count
    var total = 0
    var diagonal = 0
    for (k, row) in confusion.dropFirst().enumerated() {
      let counts = row[1...classes].map { Int($0)! }
      total += counts.reduce(0, +)
      diagonal += counts[k]
      #expect(Int(row[classes + 1]) == counts.reduce(0, +))
    }
    #expect(total == Int(category[2]))
    #expect(abs(Double(diagonal) / Double(total) - Double(category[3])!) < 1e-6)

    // Category is a dimension: every ticket is in exactly one.
    let export = try CLI.run(["export", "tickets_created", "--by", "category", "--pipeline", p])
    #expect(export.status == 0, "\(export.stderr)")
    let counts = ReferenceCSV.rows(export.stdout).dropFirst()
    #expect(counts.reduce(0) { $0 + Int($1[1])! } == all.count - 1)
    #expect(!counts.contains { $0[0] == "none" })
  }

  @Test func urgentLookingTicketsAreTheOnesWithUrgentWording() throws {
    let (p, g) = try Self.setUp()
    let urgent = try Self.rows(["--pipeline", p, "--show", "urgent"])
    #expect(urgent.first?.first == "ticket")
    let listed = urgent.dropFirst()
    #expect(listed.count > 20)
    for row in listed {
      #expect(["low", "normal", "none"].contains(row[2]))
      #expect(Double(row[1])! >= 0.5)
      #expect(!row[7].isEmpty, "a reason is given")
    }
    let precision =
      Double(listed.count { g.hasUrgentWording(ofTicket: Self.index($0[0])) })
      / Double(listed.count)
    #expect(precision >= 0.85, "precision \(precision)")
    // Recall among the tickets the list could hold.
    let all = try Self.rows(["--pipeline", p, "--show", "tickets"]).dropFirst()
    let candidates = all.filter {
      ["low", "normal", "none"].contains($0[4]) && g.hasUrgentWording(ofTicket: Self.index($0[0]))
    }
    let found = Set(listed.map { $0[0] })
    let recall = Double(candidates.count { found.contains($0[0]) }) / Double(candidates.count)
    #expect(recall >= 0.8, "recall \(recall) of \(candidates.count)")
  }

  @Test func retrainingWithOneThreadGivesTheSameClassification() throws {
    let (p, _) = try Self.setUp()
    let before = try CLI.run(["categories", "--pipeline", p, "--show", "tickets"]).stdout
    let quality = try CLI.run(["categories", "--pipeline", p]).stdout
    let again = try CLI.run([
      "categories", "--pipeline", p, "--train", "--threads", "1", "--show", "tickets",
    ])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout == before)
    #expect(try CLI.run(["categories", "--pipeline", p]).stdout == quality)
    // An unchanged warehouse is not classified again by the next run.
    let rerun = try CLI.run(["run", p])
    #expect(!rerun.stderr.contains("categories and priorities"), "\(rerun.stderr)")
  }
}

/// Stages run alone: `--only ingest` loads, `--only normalize` scores and classifies what was
/// loaded, `--from metrics` writes the report; `--dry-run` lists the stages and changes nothing.
struct StageSelectionTests {
  @Test func stagesRunAloneAndInOrder() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    let text = """
      warehouse: w.sqlite
      output: out
      sources:
        - {name: helpdesk, format: generic-csv, paths: \(sample)}
      insights: {gaps: false, category_tag_prefix: contact_reason_}
      report:
        metrics:
          - {metric: tickets_created, by: [category]}
      """
    try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    let p = dir + "/p.yml"
    let plan = try CLI.run(["run", p, "--dry-run"])
    #expect(plan.status == 0, "\(plan.stderr)")
    for stage in ["stage ingest.helpdesk", "stage normalize", "stage metrics", "stage reports"] {
      #expect(plan.stdout.contains(stage), "\(plan.stdout)")
    }
    #expect(!FileManager.default.fileExists(atPath: dir + "/w.sqlite"))

    #expect(try CLI.run(["run", p, "--only", "ingest", "-q"]).status == 0)
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    func byCategory() throws -> [[String]] {
      let r = try CLI.run(["export", "tickets_created", "--by", "category", "--pipeline", p])
      #expect(r.status == 0, "\(r.stderr)")
      return ReferenceCSV.rows(r.stdout)
    }
    // Loaded but not classified yet: every ticket is in `none`.
    #expect(try byCategory().dropFirst().map { $0[0] } == ["none"])

    let normalize = try CLI.run(["run", p, "--only", "normalize"])
    #expect(normalize.status == 0, "\(normalize.stderr)")
    #expect(normalize.stderr.contains("normalize: categories and priorities of"))
    #expect(!normalize.stderr.contains("ingest"))
    #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    let classified = try byCategory().dropFirst()
    #expect(classified.count == 10 && !classified.contains { $0[0] == "none" })

    let report = try CLI.run(["run", p, "--from", "metrics"])
    #expect(report.status == 0, "\(report.stderr)")
    for stage in ["metrics:", "trends:", "insights:", "reports:"] {
      #expect(report.stderr.contains(stage), "\(report.stderr)")
    }
    #expect(!report.stderr.contains("normalize"))
    #expect(FileManager.default.fileExists(atPath: dir + "/out/latest.html"))
  }
}

/// The data-quality gate: a file whose tickets were solved before they were created fails the
/// run with exit 4 after writing the report; a looser threshold only warns.
struct QualityGateTests {
  @Test func failingChecksExitFourAndAreReported() throws {
    let dir = CLI.temporaryDirectory()
    var csv = "id,subject,status,channel,created_at,solved_at\n"
    for i in 0..<20 {
      // Every fourth ticket was "solved" an hour before it was created.
      let solved = i % 4 == 0 ? "2026-03-02T09:00:00Z" : "2026-03-02T12:00:00Z"
      csv += "\(i),s\(i),solved,email,2026-03-02T10:00:00Z,\(solved)\n"
    }
    try csv.write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
    func pipeline(_ quality: String) throws -> String {
      let text = """
        warehouse: w.sqlite
        output: out
        sources:
          - {name: desk, format: generic-csv, paths: t.csv}
        insights: {gaps: false}
        \(quality)
        """
      try text.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
      return dir + "/p.yml"
    }
    let strict = try CLI.run(["run", try pipeline("quality: {error: 0.1}"), "-q", "--reload"])
    #expect(strict.status == 4, "\(strict.stderr)")
    #expect(strict.stderr.contains("tickets_solved_after_created: 5 of 20 rows fail"))
    #expect(strict.stderr.contains("desk/0, desk/12, desk/16"))
    let html = try String(contentsOfFile: dir + "/out/latest.html", encoding: .utf8)
    #expect(html.contains("A data-quality check failed in this run"))
    let folder = try #require(
      try FileManager.default.contentsOfDirectory(atPath: dir + "/out").first {
        $0.hasPrefix("20")
      })
    let checks = ReferenceCSV.rows(
      try String(contentsOfFile: dir + "/out/\(folder)/quality_checks.csv", encoding: .utf8))
    let row = try #require(checks.first { $0.first == "tickets_solved_after_created" })
    #expect(row[2...5] == ["20", "5", "0.25", "error"])
    let failures = ReferenceCSV.rows(
      try String(contentsOfFile: dir + "/out/\(folder)/quality_failures.csv", encoding: .utf8))
    #expect(
      failures.dropFirst().map { $0[2] } == ["desk/0", "desk/12", "desk/16", "desk/4", "desk/8"])
    let runs = try CLI.run(["runs", "--warehouse", dir + "/w.sqlite"])
    #expect(runs.stdout.contains("quality_failed"))
    // The same checks on demand, read-only.
    let now = try CLI.run(["quality", "--pipeline", dir + "/p.yml"])
    #expect(now.status == 4)
    #expect(now.stdout.contains("tickets_solved_after_created,tickets,20,5,0.25,error"))

    let loose = try CLI.run(["run", try pipeline("quality: {error: 0.3}"), "--reload"])
    #expect(loose.status == 0, "\(loose.stderr)")
    #expect(loose.stderr.contains("warning") && loose.stderr.contains("5 of 20 rows fail"))
    let bad = try CLI.run(["pipeline", "check", try pipeline("quality: {required: [statsu]}")])
    #expect(bad.status == 2)
    #expect(bad.stderr.contains("unknown ticket field 'statsu' (did you mean 'status'?)"))
  }
}

/// `--redact`: requester names and addresses never reach an output, pseudonyms are stable, and
/// everything TicketLens writes is for its owner only.
struct PrivacyTests {
  static func files(_ dir: String) throws -> [String] {
    let e = FileManager.default.enumerator(atPath: dir)
    var out: [String] = []
    while let f = e?.nextObject() as? String { out.append(dir + "/" + f) }
    return out.sorted()
  }

  @Test func redactedOutputsHoldNoAddressesOrNamesAndFilesAreOwnerOnly() throws {
    let (output, runFolder) = try CLI.runNightly(["--redact"])
    var checked = 0
    for file in try Self.files(output)
    where file.hasSuffix(".csv") || file.hasSuffix(".html")
      || file.hasSuffix(".json")
    {
      let text = try String(contentsOfFile: file, encoding: .utf8)
      #expect(!text.contains("@example.org"), "\(file)")
      // Requester names: the Zendesk export's rejected row quotes one ("Customer 4").
      #expect(text.range(of: "Customer [0-9]", options: .regularExpression) == nil, "\(file)")
      checked += 1
    }
    #expect(checked > 25)
    let customers = ReferenceCSV.rows(
      try String(contentsOfFile: runFolder + "customers.csv", encoding: .utf8))
    #expect(customers.count > 5)
    #expect(customers.dropFirst().allSatisfy { $0[0].hasPrefix("person-") }, "\(customers[1])")
    // The same warehouse gives the same pseudonyms again; export redacts the same way.
    let again = try CLI.run([
      "customers", "--warehouse", output + "/ticketlens.sqlite", "--redact",
    ])
    let firstAgain = ReferenceCSV.rows(again.stdout)[1][0]
    #expect(customers.dropFirst().contains { $0[0] == firstAgain })
    let plain = try CLI.run(["customers", "--warehouse", output + "/ticketlens.sqlite"])
    #expect(!ReferenceCSV.rows(plain.stdout)[1][0].hasPrefix("person-"))
    let byRequester = try CLI.run([
      "export", "tickets_created", "--by", "requester", "--warehouse",
      output + "/ticketlens.sqlite", "--redact",
    ])
    #expect(
      ReferenceCSV.rows(byRequester.stdout).dropFirst().allSatisfy {
        $0[0].hasPrefix("person-") || $0[0] == "none"
      })
    // Owner-only: no group or other permission bits on anything written.
    for file in try Self.files(output) {
      let attrs = try FileManager.default.attributesOfItem(atPath: file)
      let mode = (attrs[.posixPermissions] as? Int) ?? 0o777
      #expect(mode & 0o077 == 0, "\(file) \(String(mode, radix: 8))")
    }
  }
}
