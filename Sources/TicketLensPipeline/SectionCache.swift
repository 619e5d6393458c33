import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensReports
import TicketLensWarehouse

/// The report sections a run computed, kept beside the warehouse (`<warehouse>.sections/`) with
/// the key they were computed from, so that a run over unchanged data reuses them instead of
/// recomputing (the nightly rerun with nothing new). The key names the data (the warehouse's
/// content key), the settings, the as-of instant and the program that computed them: a changed
/// file, setting, scorer or build recomputes. Values are stored exactly (reals by their bits),
/// so a reused section renders byte for byte as the computed one did. Reading is best effort:
/// a missing, stale or damaged file is a miss.
struct SectionCache {
  var directory: String

  init(warehouse: String) { directory = warehouse + ".sections" }

  static let magic = "TLSC1\n"

  func file(_ stage: String) -> String { directory + "/" + stage + ".bin" }

  /// A reader past the header of `stage`'s file, when the file exists and was written for `key`.
  func reader(_ stage: String, key: String) -> SectionReader? {
    guard let data = FileManager.default.contents(atPath: file(stage)) else { return nil }
    var r = SectionReader(bytes: [UInt8](data))
    guard r.string() == Self.magic, r.string() == key else { return nil }
    return r
  }

  /// A writer with the header for `key` written.
  func writer(key: String) -> SectionWriter {
    var w = SectionWriter()
    w.string(Self.magic)
    w.string(key)
    return w
  }

  func read(_ stage: String, key: String) -> ReportSection? {
    guard var r = reader(stage, key: key), let section = r.section(), r.atEnd else { return nil }
    return section
  }

  func write(_ stage: String, key: String, _ section: ReportSection) {
    var w = writer(key: key)
    w.section(section)
    save(stage, w)
  }

  /// The data-quality results of the checks that read only stored data (not this run's files),
  /// by check name, if they were computed for `key`; `checks` are this run's definitions.
  func readQuality(key: String, checks: [QualityCheck]) -> [String: QualityResult] {
    guard var r = reader("quality", key: key), let n = r.count() else { return [:] }
    let byName = Dictionary(checks.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var out: [String: QualityResult] = [:]
    for _ in 0..<n {
      guard let name = r.string(), let checked = r.int(), let failed = r.int(),
        let status = r.string(), let m = r.count()
      else { return [:] }
      var examples: [(source: String, id: String, detail: String)] = []
      for _ in 0..<m {
        guard let s = r.string(), let i = r.string(), let d = r.string() else { return [:] }
        examples.append((s, i, d))
      }
      if let check = byName[name], !check.perRun {
        out[name] = QualityResult(
          check: check, checked: Int(checked), failed: Int(failed), examples: examples,
          status: status)
      }
    }
    return r.atEnd ? out : [:]
  }

  func writeQuality(key: String, _ results: [QualityResult]) {
    var w = writer(key: key)
    let kept = results.filter { !$0.check.perRun }
    w.int(Int64(kept.count))
    for q in kept {
      w.string(q.check.name)
      w.int(Int64(q.checked))
      w.int(Int64(q.failed))
      w.string(q.status)
      w.int(Int64(q.examples.count))
      for e in q.examples {
        w.string(e.source)
        w.string(e.id)
        w.string(e.detail)
      }
    }
    save("quality", w)
  }

  /// Writes to a temporary name and renames it into place; a failure leaves no cache (the next
  /// run recomputes), never a wrong one.
  func save(_ stage: String, _ w: SectionWriter) {
    do {
      try FileManager.default.createDirectory(
        atPath: directory, withIntermediateDirectories: true)
      try AtomicFile.write(w.bytes, to: file(stage))
    } catch {
      try? FileManager.default.removeItem(atPath: file(stage))
    }
  }

  /// What identifies the program computing the sections: its executable's size and modification
  /// time (a rebuilt or upgraded binary, and so any change of a scorer, recomputes).
  static let programKey = "sections=1 " + Warehouse.programKey
}

/// A description of a value that is the same in every process for equal values: like
/// `String(reflecting:)`, but with the elements of sets and dictionaries (whose order changes
/// from one process to the next) sorted, and our own objects described by their stored
/// properties. Values of other libraries' types (a Foundation `TimeZone`) are described by
/// `String(reflecting:)`, not by their insides (which hold pointers).
func canonicalDescription(_ value: Any) -> String {
  let m = Mirror(reflecting: value)
  let type = String(reflecting: m.subjectType)
  guard type.hasPrefix("Swift.") || type.hasPrefix("TicketLens") || type.hasPrefix("(") else {
    return String(reflecting: value)
  }
  switch m.displayStyle {
  case .set?:
    return type + "{"
      + m.children.map { canonicalDescription($0.value) }.sorted()
      .joined(separator: ", ") + "}"
  case .dictionary?:
    // Each child is a (key, value) pair.
    return type + "["
      + m.children.map { canonicalDescription($0.value) }.sorted()
      .joined(separator: ", ") + "]"
  case .enum? where m.children.isEmpty, nil:
    return String(reflecting: value)
  default:
    return type + "("
      + m.children.map { ($0.label ?? "") + ": " + canonicalDescription($0.value) }
      .joined(separator: ", ") + ")"
  }
}

typealias SectionWriter = ByteWriter

extension ByteWriter {
  mutating func cell(_ c: Cell) {
    switch c {
    case .null: bytes.append(0)
    case .int(let i):
      bytes.append(1)
      int(Int64(i))
    case .real(let d):
      bytes.append(2)
      double(d)
    case .text(let s):
      bytes.append(3)
      string(s)
    }
  }

  mutating func section(_ s: ReportSection) {
    int(Int64(s.metrics.count))
    for m in s.metrics {
      string(m.title)
      string(m.definition)
      string(m.csvName)
      optional(m.chart)
      string(m.table.metric)
      strings(m.table.columns)
      int(Int64(m.table.rows.count))
      for row in m.table.rows {
        int(Int64(row.count))
        for c in row { cell(c) }
      }
    }
    int(Int64(s.kpis.count))
    for k in s.kpis {
      string(k.label)
      string(k.value)
      string(k.note)
      optional(k.sparkline)
    }
  }
}

typealias SectionReader = ByteReader

extension ByteReader {
  mutating func cell() -> Cell? {
    switch byte() {
    case 0: return .null
    case 1: return int().map { .int(Int($0)) }
    case 2: return double().map { .real($0) }
    case 3: return string().map { .text($0) }
    default:
      fail()
      return nil
    }
  }

  mutating func section() -> ReportSection? {
    var out = ReportSection()
    guard let metrics = count() else { return nil }
    for _ in 0..<metrics {
      guard let title = string(), let definition = string(), let csv = string(),
        let chart = optional(), let metric = string(), let columns = strings()
      else { return nil }
      guard let nr = count() else { return nil }
      var rows: [[Cell]] = []
      rows.reserveCapacity(nr)
      for _ in 0..<nr {
        guard let w = count() else { return nil }
        var row: [Cell] = []
        row.reserveCapacity(w)
        for _ in 0..<w {
          guard let c = cell() else { return nil }
          row.append(c)
        }
        rows.append(row)
      }
      out.metrics.append(
        ReportMetric(
          title: title, definition: definition,
          table: MetricTable(metric: metric, columns: columns, rows: rows), csvName: csv,
          chart: chart))
    }
    guard let kpis = count() else { return nil }
    for _ in 0..<kpis {
      guard let label = string(), let value = string(), let note = string(),
        let spark = optional()
      else { return nil }
      out.kpis.append(KPI(label: label, value: value, note: note, sparkline: spark))
    }
    return out
  }
}
