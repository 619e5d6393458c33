import Foundation
import TicketLensSample
import Testing

/// The report in a real browser (headless Chromium): hostile input stays text, the document
/// parses into the tables the HTML was written with, and nothing executes.
@Suite(.serialized)
struct BrowserTests {
  static let chromium = [
    "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
  ]
  .first { FileManager.default.isExecutableFile(atPath: $0) }

  static func dumpDOM(_ file: String) throws -> String {
    let p = Process()
    p.executableURL = URL(
      fileURLWithPath: try #require(chromium, "install chromium (.ci/run does)"))
    p.arguments = [
      "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000", "--dump-dom",
      "file://" + file,
    ]
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  @Test func hostileValuesStayTextAndTablesParseAsWritten() throws {
    let dir = CLI.temporaryDirectory()
    let sample = CLI.packageRoot.appendingPathComponent("sample-data/tickets.csv").path
    var csv = try String(contentsOfFile: sample, encoding: .utf8)
    // Tickets whose assignee tries to break out of the table cell and run a script: enough of
    // them to be among the rows a long table shows (the assignees with the most tickets).
    let hostile = "</td></tr></table><script>document.title='pwned'</script><b>x"
    for i in 0..<2000 {
      let day = 1 + i % 9
      csv +=
        "9999\(1000 + i),Hi,Body,solved,high,email,1,a@b.c,\"\(hostile)\",g,,"
        + "2026-03-0\(day)T10:00:00Z,2026-03-0\(day)T12:00:00Z,2026-03-0\(day)T11:00:00Z,"
        + "2026-03-0\(day)T12:00:00Z,0,1,good,\n"
    }
    try csv.write(toFile: dir + "/tickets.csv", atomically: true, encoding: .utf8)
    let pipeline = """
      name: browser
      warehouse: w.sqlite
      output: out
      sources:
        - {name: helpdesk, format: generic-csv, paths: tickets.csv}
      report:
        metrics:
          - {metric: first_reply_time, by: [assignee], stats: [count, median]}
      """
    try pipeline.write(toFile: dir + "/p.yml", atomically: true, encoding: .utf8)
    let r = try CLI.run(["run", dir + "/p.yml", "-q"])
    #expect(r.status == 0, "\(r.stderr)")
    let file = dir + "/out/latest.html"
    let written = try String(contentsOfFile: file, encoding: .utf8)
    let dom = try Self.dumpDOM(file)
    #expect(dom.contains("<title>TicketLens report: browser</title>"), "\(dom.prefix(300))")
    #expect(!dom.contains("pwned</title>"))
    #expect(!dom.lowercased().contains("<script"))
    // The browser built exactly the tables, rows and cells the writer wrote.
    for tag in ["<table", "<tr", "<td", "<section", "<svg"] {
      #expect(
        dom.components(separatedBy: tag).count == written.components(separatedBy: tag).count,
        "\(tag)")
    }
    // And shows the hostile value as text in a cell.
    let cells = CrashSafetyTests.cells(dom)
    #expect(cells.contains { $0.first == hostile })
  }

  /// Runs headless Chromium on `file` with `extra` flags (no background networking); returns
  /// stdout and stderr.
  static func browse(_ file: String, _ extra: [String]) throws -> (out: String, err: String) {
    let program = URL(
      fileURLWithPath: try #require(chromium, "install chromium (.ci/run does)"))
    let r = try CLI.run(
      program,
      [
        "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=2000",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-default-apps", "--hide-scrollbars",
        "--window-size=1200,1500",
      ] + extra + ["file://" + file])
    return (r.stdout, r.stderr)
  }

  /// Console messages the page logged, and the URLs it requested that are neither files nor
  /// data: the page's own requests carry the browser's user agent (Chromium's background
  /// fetches do not).
  static func consoleAndRequests(_ file: String) throws -> (console: [String], requests: [String]) {
    let netLog = CLI.temporaryDirectory() + "/net.json"
    let r = try browse(
      file, ["--enable-logging=stderr", "--v=0", "--log-net-log=" + netLog, "--dump-dom"])
    let console = r.err.split(separator: "\n").filter { $0.contains(":CONSOLE") }.map(String.init)
    let log = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: netLog)))
        as? [String: Any])
    var requests: [String] = []
    for case let event as [String: Any] in log["events"] as? [Any] ?? [] {
      guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
        !url.hasPrefix("file:"), !url.hasPrefix("data:"),
        let headers = (params["request_headers"] as? [String: Any])?["headers"] as? [String],
        headers.contains(where: { $0.hasPrefix("User-Agent:") && $0.contains("HeadlessChrome") })
      else { continue }
      requests.append(url)
    }
    return (console, requests)
  }

  @Test func sampleReportLoadsCleanlyAndShowsWhatItShould() throws {
    // The checks below can fail: a page that logs and fetches is caught by them.
    let control = CLI.temporaryDirectory() + "/control.html"
    try """
    <html><body><img src="http://example.invalid/x.png"><script>console.error("boom")</script></body></html>
    """.write(toFile: control, atomically: true, encoding: .utf8)
    let caught = try Self.consoleAndRequests(control)
    #expect(caught.console.contains { $0.contains("boom") })
    #expect(caught.requests == ["http://example.invalid/x.png"])

    let (output, runFolder) = try CLI.runNightly()
    let file = output + "/latest.html"
    let page = try Self.consoleAndRequests(file)
    #expect(page.console.isEmpty, "\(page.console)")
    #expect(page.requests.isEmpty, "\(page.requests)")

    let dom = try Self.dumpDOM(file)
    for heading in [
      "Headline", "Tickets created by day and channel", "Open tickets at the end of each week",
      "First-reply SLA breaches by priority (business hours)", "Customer satisfaction by source",
      "Distribution of first reply and resolution times", "Ticket volume and forecast",
      "When tickets arrive", "Agents", "Groups", "Busiest customers", "Chat wait time by source",
      "Tickets by week and customer sentiment", "Category and priority classifiers",
      "Category confusion on held-out tickets", "Escalations by category, channel and priority",
      "Routing: which group resolves each category fastest", "Follow-ups", "Knowledge gaps",
      "Where our times disagree with the helpdesk's", "Data quality",
    ] {
      let escaped = heading.replacingOccurrences(of: "'", with: "&#39;")
      #expect(dom.contains(">\(heading)</h2>") || dom.contains(">\(escaped)</h2>"), "\(heading)")
    }
    // Every headline number of summary.json is on the page.
    let summary = try #require(
      try JSONSerialization.jsonObject(
        with: Data(contentsOf: URL(fileURLWithPath: runFolder + "summary.json")))
        as? [String: Any])
    let kpis = try #require(summary["headline"] as? [[String: String]])
    #expect(kpis.count >= 8)
    for kpi in kpis {
      #expect(dom.contains("<div class=\"value\">\(kpi["value"]!)</div>"), "\(kpi)")
    }
    // The sample's hostile subject is in the follow-up list's CSV (the page shows that list's
    // most urgent rows; `hostileValuesStayTextAndTablesParseAsWritten` shows such a value as a
    // cell's text), and no element it names exists on the page.
    let followUps = try String(contentsOfFile: runFolder + "follow_ups.csv", encoding: .utf8)
    #expect(followUps.contains(SampleGenerator.hostileSubject))
    #expect(!dom.contains("<img src=\"x\"") && !dom.contains("onerror=\"alert"))
    #expect(!dom.contains("<script>alert"))

    // A screenshot that is not blank: far larger than one of an empty page (PNG compresses a
    // uniform image to almost nothing).
    let blank = CLI.temporaryDirectory() + "/blank.html"
    try "<html><body></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)
    func screenshot(_ page: String) throws -> Int {
      let png = CLI.temporaryDirectory() + "/shot.png"
      _ = try Self.browse(page, ["--screenshot=" + png])
      let data = try Data(contentsOf: URL(fileURLWithPath: png))
      #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
      return data.count
    }
    let empty = try screenshot(blank)
    let report = try screenshot(file)
    #expect(report > 10 * empty && report > 50_000, "report \(report) B, blank \(empty) B")
  }
}
