import Foundation
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
    // Tickets whose assignee tries to break out of the table cell and run a script.
    let hostile = "</td></tr></table><script>document.title='pwned'</script><b>x"
    for i in 0..<3 {
      csv +=
        "99990\(i),Hi,Body,solved,high,email,1,a@b.c,\"\(hostile)\",g,,"
        + "2026-03-0\(i + 1)T10:00:00Z,2026-03-0\(i + 1)T12:00:00Z,2026-03-0\(i + 1)T11:00:00Z,"
        + "2026-03-0\(i + 1)T12:00:00Z,0,1,good,\n"
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
}
