import Foundation
import TicketLensModel

/// The files beside the reports: `summary.json` of a run and the output folder's `index.html`.
public enum RunFiles {
  /// `summary.json`: headline numbers, run metadata and file accounting, for other tools.
  public static func summaryJSON(_ d: ReportData, runID: Int64?) -> String {
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
  public static func writeIndex(_ output: String) throws {
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
}
