import Mustache
import TicketLensMetrics
import TicketLensModel

/// Renders the self-contained HTML report: inline CSS, inline SVG, no scripts, no external
/// requests. Every value from the input goes through mustache's escaping (`{{…}}`); only our own
/// SVG (whose text is escaped by `SVGChart`) is inserted raw.
public enum HTMLReport {
  public static func render(_ d: ReportData) -> String {
    let template = try! MustacheTemplate(string: Self.template)
    return template.render(context(d))
  }

  /// The body rows of a table as people read them (`Presentation.display`), every cell escaped
  /// (`HTMLText.escape`, as mustache's `{{…}}` does); a cell shown otherwise than the CSV has
  /// the CSV's exact text as its tooltip. Built here rather than through the template, which
  /// renders large tables about ten times slower.
  static func tableRows(
    _ rows: [[Cell]], columns: [String], names: NameDirectory = NameDirectory()
  ) -> String {
    // Each cell's exact text (the CSV's) and, where the people files name it, its name.
    let cells = rows.map { r in
      r.enumerated().map { i, c -> (exact: String, name: String?) in
        let exact = c.formatted
        return (exact, i < columns.count ? names.name(of: exact, column: columns[i]) : nil)
      }
    }
    // A name that another value of the column shows too (a second id of that name, or the name
    // as another export typed it) gets its id beside it: "Priya N" from a Zendesk id and
    // "Priya N" typed in a Freshdesk export are two rows that must not read as one person
    // listed twice.
    var valuesShownAs = [[String: Set<String>]](repeating: [:], count: columns.count)
    if !names.isEmpty {
      for row in cells {
        for (i, cell) in row.enumerated() where i < columns.count {
          valuesShownAs[i][cell.name ?? cell.exact, default: []].insert(cell.exact)
        }
      }
    }
    var out = ""
    for (r, row) in zip(rows, cells) {
      out += "<tr>"
      for (i, (c, cell)) in zip(r, row).enumerated() {
        let exact = cell.exact
        let shown =
          i < columns.count
          ? (cell.name.map { (valuesShownAs[i][$0]?.count ?? 0) > 1 ? "\($0) (\(exact))" : $0 }
            ?? Presentation.display(c, column: columns[i])) : exact
        out += c.isNumeric ? "<td class=\"num\"" : "<td"
        if shown != exact { out += " title=\"" + HTMLText.escape(exact) + "\"" }
        out += ">" + HTMLText.escape(shown) + "</td>"
      }
      out += "</tr>\n"
    }
    return out
  }

  static func context(_ d: ReportData) -> [String: Any] {
    let b = HTMLText.neutralizeBidi
    var metrics: [[String: Any]] = []
    for (i, m) in d.metrics.enumerated() {
      let numeric = m.table.columns.indices.map { c in
        m.table.rows.contains { $0[c].isNumeric }
      }
      let (shown, note) = Presentation.shownRows(m.table)
      metrics.append([
        "id": "metric-\(i + 1)-\(m.table.metric)",
        "title": b(m.title),
        "definition": b(m.definition),
        "csv": m.csvName,
        "chart": m.chart ?? "",
        "hasChart": m.chart != nil,
        "csvHref": d.csvLinkPrefix + m.csvName,
        "columns": m.table.columns.enumerated().map { c, name in
          ["name": b(Presentation.header(name)), "csvName": name, "num": numeric[c]]
            as [String: Any]
        },
        "rows": tableRows(shown, columns: m.table.columns, names: d.names),
        "empty": m.table.rows.isEmpty,
        "rowCount": Presentation.count(m.table.rows.count),
        "note": note ?? "",
        "hasNote": note != nil,
      ])
    }
    let files = d.files.map { f -> [String: Any] in
      [
        "file": b(f.file), "read": f.read, "inserted": f.inserted, "updated": f.updated,
        "unchanged": f.unchanged, "superseded": f.superseded, "rejected": f.rejected,
        "failed": b(f.failed ?? ""), "hasFailed": f.failed != nil,
      ]
    }
    let total = d.files.reduce(into: FileAccounting(file: "all files")) { t, f in
      t.read += f.read
      t.inserted += f.inserted
      t.updated += f.updated
      t.unchanged += f.unchanged
      t.superseded += f.superseded
      t.rejected += f.rejected
    }
    return [
      "title": b(d.title),
      "producedBy": b(d.producedBy),
      "asOf": d.asOf,
      "timeZone": b(d.timeZone),
      "thresholdExceeded": d.rejectThresholdExceeded,
      "qualityFailed": d.qualityFailed,
      "kpis": d.kpis.map {
        [
          "label": b($0.label), "value": b($0.value), "note": b($0.note),
          "spark": $0.sparkline ?? "", "hasSpark": $0.sparkline != nil,
        ] as [String: Any]
      },
      "files": files,
      "total": [
        "read": total.read, "inserted": total.inserted, "updated": total.updated,
        "unchanged": total.unchanged, "superseded": total.superseded, "rejected": total.rejected,
      ],
      "hasRejects": !d.rejectReasons.isEmpty,
      "rejects": d.rejectReasons.map {
        [
          "code": $0.code, "field": b($0.field ?? ""), "count": $0.count,
          "example": b($0.example),
        ] as [String: Any]
      },
      "metrics": metrics,
    ]
  }

  static let template = """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'">
    <title>{{title}}</title>
    <style>
    :root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #ffffff; --accent: #0072B2; --warn: #D55E00; }
    * { box-sizing: border-box; }
    body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); margin: 0; }
    main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 64px; }
    header p { color: var(--muted); margin: 4px 0; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 20px; margin: 36px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
    .kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin: 20px 0; }
    .kpi { border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
    .kpi .label { color: var(--muted); font-size: 13px; }
    .kpi .value { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .kpi .note { color: var(--muted); font-size: 12px; }
    .kpi .spark { display: block; width: 100%; max-width: 200px; height: 32px; margin-top: 6px; }
    .table-wrap { overflow-x: auto; max-height: 520px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { padding: 4px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
    th { background: #f6f8fa; position: sticky; top: 0; }
    td.num, th.num { text-align: right; }
    .definition { color: var(--muted); }
    .warn { border-left: 4px solid var(--warn); background: #fff4ec; padding: 8px 12px; }
    .chart { width: 100%; height: auto; margin: 8px 0; }
    .chart .grid { stroke: #e5e8eb; stroke-width: 1; }
    .chart .axis, .chart .legend { font-size: 11px; fill: var(--muted); }
    .example { white-space: normal; color: var(--muted); font-size: 13px; }
    .more { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
    .chart .partial { fill-opacity: 0.45; }
    footer { color: var(--muted); font-size: 13px; margin-top: 40px; }
    @media (max-width: 600px) { h1 { font-size: 21px; } .kpi .value { font-size: 21px; } }
    @media print { .table-wrap { max-height: none; overflow: visible; border: 0; } th { position: static; } h2 { break-after: avoid; } section { break-inside: avoid-page; } }
    </style>
    </head>
    <body>
    <main>
    <header>
    <h1>{{title}}</h1>
    <p>Produced by {{producedBy}} · data as of <time datetime="{{asOf}}">{{asOf}}</time> · days in {{timeZone}}</p>
    </header>
    {{#thresholdExceeded}}<p class="warn" role="alert">This run rejected more records than its threshold allows. The numbers below leave those records out; see Data quality.</p>{{/thresholdExceeded}}
    {{#qualityFailed}}<p class="warn" role="alert">A data-quality check failed in this run; see Data-quality checks.</p>{{/qualityFailed}}
    <section aria-labelledby="kpi-heading">
    <h2 id="kpi-heading">Headline</h2>
    <div class="kpis">
    {{#kpis}}<div class="kpi"><div class="label">{{label}}</div><div class="value">{{value}}</div><div class="note">{{note}}</div>{{#hasSpark}}{{{spark}}}{{/hasSpark}}</div>
    {{/kpis}}
    </div>
    </section>
    {{#metrics}}
    <section aria-labelledby="{{id}}">
    <h2 id="{{id}}">{{title}}</h2>
    <p class="definition">{{definition}} The same numbers are in <code>{{csv}}</code>.</p>
    {{#hasChart}}{{{chart}}}{{/hasChart}}
    {{#empty}}<p>No data.</p>{{/empty}}
    {{^empty}}
    <div class="table-wrap"><table>
    <caption class="definition">{{title}} ({{rowCount}} rows)</caption>
    <thead><tr>{{#columns}}<th scope="col"{{#num}} class="num"{{/num}} title="{{csvName}}">{{name}}</th>{{/columns}}</tr></thead>
    <tbody>
    {{{rows}}}</tbody>
    </table></div>
    {{#hasNote}}<p class="more">{{note}}; every row is in <a href="{{csvHref}}">{{csv}}</a>.</p>{{/hasNote}}
    {{/empty}}
    </section>
    {{/metrics}}
    <section aria-labelledby="dq-heading">
    <h2 id="dq-heading">Data quality</h2>
    <p class="definition">Every record read is accounted for: read = inserted + updated + unchanged + superseded + rejected.</p>
    <div class="table-wrap"><table>
    <thead><tr><th scope="col">File</th><th scope="col" class="num">Read</th><th scope="col" class="num">Inserted</th><th scope="col" class="num">Updated</th><th scope="col" class="num">Unchanged</th><th scope="col" class="num">Superseded</th><th scope="col" class="num">Rejected</th><th scope="col">Failed</th></tr></thead>
    <tbody>
    {{#files}}<tr><td>{{file}}</td><td class="num">{{read}}</td><td class="num">{{inserted}}</td><td class="num">{{updated}}</td><td class="num">{{unchanged}}</td><td class="num">{{superseded}}</td><td class="num">{{rejected}}</td><td>{{#hasFailed}}{{failed}}{{/hasFailed}}</td></tr>
    {{/files}}
    {{#total}}<tr><th scope="row">All files</th><td class="num">{{read}}</td><td class="num">{{inserted}}</td><td class="num">{{updated}}</td><td class="num">{{unchanged}}</td><td class="num">{{superseded}}</td><td class="num">{{rejected}}</td><td></td></tr>{{/total}}
    </tbody>
    </table></div>
    {{#hasRejects}}
    <h3>Top reject reasons</h3>
    <div class="table-wrap"><table>
    <thead><tr><th scope="col">Code</th><th scope="col">Field</th><th scope="col" class="num">Records</th><th scope="col">First example</th></tr></thead>
    <tbody>
    {{#rejects}}<tr><td>{{code}}</td><td>{{field}}</td><td class="num">{{count}}</td><td class="example">{{example}}</td></tr>
    {{/rejects}}
    </tbody>
    </table></div>
    {{/hasRejects}}
    </section>
    <footer>
    <p>Durations are calendar time, shown in minutes (min), hours (h) and days (d); the CSVs hold them in minutes with six decimals, and pointing at a cell shows its exact value. A ticket without the event yet is left out of a statistic, never counted as zero. Percentiles interpolate linearly between closest ranks (as numpy, DuckDB quantile_cont and Excel PERCENTILE.INC). Days are calendar days in {{timeZone}}.</p>
    </footer>
    </main>
    </body>
    </html>

    """
}
