import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// The data-quality part of a run's outputs: the checks and their failing rows, the names
/// merged, the rejected records and the per-file accounting.
public enum DataQualityTables {
  /// One row per data-quality check (`quality_checks.csv`).
  public static func qualityTable(_ results: [StoredQualityResult]) -> MetricTable {
    MetricTable(
      metric: "quality_checks",
      columns: [
        "check", "table", "checked", "failed", "failed_share", "status", "examples", "asserts",
      ],
      rows: results.map { q in
        [
          .text(q.check), .text(q.table), .int(q.checked), .int(q.failed),
          q.checked > 0 ? .real(Double(q.failed) / Double(q.checked)) : .null, .text(q.status),
          .text(
            q.failures.prefix(3).map { "\($0.source)/\($0.id): \($0.detail)" }.joined(
              separator: "; ")),
          .text(q.description),
        ]
      })
  }

  /// Every stored failing row (`quality_failures.csv`).
  public static func qualityFailures(_ results: [StoredQualityResult]) -> MetricTable {
    MetricTable(
      metric: "quality_failures", columns: ["check", "table", "record", "detail"],
      rows: results.flatMap { q in
        q.failures.map { f -> [Cell] in
          [.text(q.check), .text(q.table), .text(f.source + "/" + f.id), .text(f.detail)]
        }
      })
  }

  /// The names merged because they differ only in case or spacing (`names_merged.csv`).
  public static func spellingMergesTable(_ merges: [SpellingMerge]) -> MetricTable {
    MetricTable(
      metric: "names_merged", columns: ["table", "dimension", "shown_as", "spellings", "rows"],
      rows: merges.map { m in
        [
          .text(m.table), .text(m.dimension), .text(m.display),
          .text(m.spellings.map { "'\($0.value)' (\($0.rows))" }.joined(separator: ", ")),
          .int(m.spellings.reduce(0) { $0 + $1.rows }),
        ]
      })
  }

  public static func rejectsTable(_ rejects: [RejectRow]) -> MetricTable {
    MetricTable(
      metric: "rejects", columns: ["file", "line", "field", "code", "message", "raw"],
      rows: rejects.map {
        [
          .text($0.file), $0.line.map(Cell.int) ?? .null, .text($0.field ?? ""), .text($0.code),
          .text($0.message), .text($0.raw ?? ""),
        ]
      })
  }

  public static func accountingCSV(_ files: [FileAccounting]) -> String {
    let rows: [[Cell]] = files.map {
      [
        .text($0.file), .int($0.read), .int($0.inserted), .int($0.updated), .int($0.unchanged),
        .int($0.superseded), .int($0.rejected), .text($0.failed ?? ""),
      ]
    }
    return CSVWriter().render(
      header: [
        "file", "read", "inserted", "updated", "unchanged", "superseded", "rejected", "failed",
      ],
      rows: rows)
  }
}
