import Foundation
import Testing

@testable import TicketLensMetrics
@testable import TicketLensReports
import TicketLensTestSupport

struct CSVWriterTests {
  static let table = MetricTable(
    metric: "m", columns: ["assignee", "count", "median_minutes"],
    rows: [
      [.text("=HYPERLINK(\"x\")"), .int(3), .real(1.5)],
      [.text("@ops"), .int(-2), .real(-0.25)],
      [.text("plain, with comma"), .int(0), .null],
      [.text("two\nlines"), .int(1), .real(2)],
      [.text("-5"), .int(1), .real(2)],
      [.text("+x"), .int(1), .real(2)],
      [.text("\tx"), .int(1), .real(2)],
    ])

  @Test func quotesAndGuardsFormulaCells() {
    let csv = CSVWriter().render(Self.table)
    #expect(
      csv == """
        assignee,count,median_minutes
        "'=HYPERLINK(""x"")",3,1.5
        '@ops,-2,-0.25
        "plain, with comma",0,
        "two
        lines",1,2.0
        '-5,1,2.0
        '+x,1,2.0
        '\tx,1,2.0

        """)
  }

  @Test func excelModeAddsBOMAndCRLF() {
    let csv = CSVWriter(excel: true).render(
      MetricTable(metric: "m", columns: ["a"], rows: [[.int(1)]]))
    #expect(csv == "\u{FEFF}a\r\n1\r\n")
  }

  @Test func jsonKeepsNumbersAsNumbers() {
    let json = JSONTableWriter.render(Self.table)
    let data = try! JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
    #expect(data.count == 7)
    #expect(data[0]["assignee"] as? String == "=HYPERLINK(\"x\")")
    #expect(data[0]["count"] as? Int == 3)
    #expect(data[2]["median_minutes"] is NSNull)
  }
}

struct HTMLReportTests {
  static let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"

  static func data() -> ReportData {
    var d = ReportData(
      title: "T & <b>", producedBy: "test", asOf: "2026-03-02T00:00:00Z", timeZone: "UTC")
    d.metrics = [
      ReportMetric(
        title: "By assignee", definition: "def",
        table: MetricTable(
          metric: "m", columns: ["assignee", "count"],
          rows: [[.text(hostile), .int(1)], [.text("a\u{202E}b\"'"), .int(2)]]),
        csvName: "m.csv",
        chart: SVGChart.stackedBars(title: "c", x: ["d1"], series: [(hostile, [1])]))
    ]
    return d
  }

  @Test func escapesEveryInputValue() {
    let html = HTMLReport.render(Self.data())
    #expect(!html.contains("<script>alert"))
    #expect(!html.contains("<img src=x"))
    #expect(
      html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"))
    #expect(html.contains("T &amp; &lt;b&gt;"))
    #expect(html.contains("a\u{FFFD}b&quot;&#39;"))
    #expect(!html.contains("\u{202E}"))
    #expect(html.contains("Content-Security-Policy"))
    #expect(!html.contains("http://") && !html.contains("https://"))
  }

  @Test func writesAtomicallyAndLeavesNoTemporaryFiles() throws {
    let dir = Scratch.folder("atomic")
    try AtomicFile.makeDirectories(dir + "/a/b")
    try AtomicFile.write("one", to: dir + "/a/b/f.txt")
    try AtomicFile.write("two", to: dir + "/a/b/f.txt")
    #expect(try String(contentsOfFile: dir + "/a/b/f.txt", encoding: .utf8) == "two")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/a/b") == ["f.txt"])
  }

  @Test func anUnwritableFolderIsAClearError() throws {
    #expect(throws: OutputError.self) {
      try AtomicFile.write("x", to: "/proc/ticketlens-nope/f.txt")
    }
  }
}
