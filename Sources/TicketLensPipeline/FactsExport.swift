import CZlib
import Dispatch
import Foundation
import TicketLensMetrics
import TicketLensModel
import TicketLensReports
import TicketLensWarehouse

/// What `ticketlens facts` wrote.
public struct FactsSummary: Sendable {
  public var directory: String
  public var tickets = 0
  public var chats = 0
  public var partitions = 0
  /// Partitions whose file was written (new or changed content).
  public var written = 0
  public var unchanged = 0
  /// Partitions of an earlier export with no records now (their files were deleted).
  public var removed = 0
  public var bytes = 0
}

/// The facts manifest (`_ticketlens_facts.json`): what the files hold and how each partition's
/// content hashed, so that the next export rewrites only the partitions that changed.
public struct FactsManifest: Codable, Sendable, Equatable {
  public struct Table: Codable, Sendable, Equatable {
    public var columns: [[String]]
    /// The same schema as a Spark DDL string, partition columns last
    /// (`spark.read.schema(ddl).option("header", True).csv(...)`).
    public var ddl: String
    /// Partition folder (`source=…/month=…`) → content hash and records.
    public var partitions: [String: Partition]
  }
  public struct Partition: Codable, Sendable, Equatable {
    public var hash: String
    public var rows: Int
  }
  public var version: Int
  public var zone: String
  public var asOf: String
  public var asOfMilliseconds: Int64
  public var tickets: Table
  public var chats: Table
  public var format: FactsFormat
  /// What the facts were computed from (warehouse content, settings, program); an export with
  /// the same key has nothing to do.
  public var key: String? = nil

  /// The file columns of a table, as schema columns.
  public func columns(_ table: MetricTableKind) -> [FactSchema.Column] {
    (table == .tickets ? tickets : chats).columns.map {
      FactSchema.Column(name: $0[0], type: $0[1])
    }
  }

  public static func read(_ directory: String) -> FactsManifest? {
    guard
      let data = FileManager.default.contents(atPath: directory + "/" + FactsExport.manifestName)
    else { return nil }
    return try? JSONDecoder().decode(FactsManifest.self, from: data)
  }
}

/// The file format of the facts (`spark: {format: …}`).
public enum FactsFormat: String, Sendable, Codable, CaseIterable {
  /// Apache Parquet (gzip pages): typed, columnar; Spark reads only the columns a query needs.
  case parquet
  /// gzip-compressed CSV with a header line; the schema is in the manifest and the views.
  case csv

  /// The file each partition folder holds.
  var fileName: String { self == .parquet ? "part-00000.parquet" : "part-00000.csv.gz" }
}

/// Writes the per-record facts (`RecordFacts`) as files Spark reads natively:
/// `tickets/source=S/month=YYYY-MM/part-00000.parquet` (or `.csv.gz`; and `chats/…`), one
/// partition per source and cohort month; the schema is in the manifest and in the `CREATE
/// TEMPORARY VIEW` statements `ticketlens spark-sql` prints. Incremental: a partition whose
/// content is what the manifest recorded is not written again.
public enum FactsExport {
  public static let manifestName = "_ticketlens_facts.json"
  /// Records per Parquet row group.
  public static let defaultRowGroup = 262_144

  /// - Parameters:
  ///   - ids: the tickets' and chats' ids in the columns' row order (`Warehouse.recordIDs`).
  ///   - rowGroup: the most records in a Parquet row group.
  public static func write(
    _ data: MetricData, ids: (tickets: [String], chats: [String]), zone: ZoneRules,
    zoneName: String, to directory: String, format: FactsFormat = .parquet, key: String? = nil,
    rowGroup: Int = defaultRowGroup
  ) throws -> FactsSummary {
    guard ids.tickets.count == data.tickets.count, ids.chats.count == data.chats.count else {
      throw MetricQueryError(
        "internal error: \(ids.tickets.count) ticket ids for \(data.tickets.count) rows, \(ids.chats.count) chat ids for \(data.chats.count)"
      )
    }
    let old = FactsManifest.read(directory)
    var summary = FactsSummary(directory: directory)
    summary.tickets = data.tickets.count
    summary.chats = data.chats.count
    var tables: [MetricTableKind: FactsManifest.Table] = [:]
    for table in [MetricTableKind.tickets, .chats] {
      // Evaluated partition by partition: only one partition's values exist at a time per
      // thread (every record's at once took 9 GB at 10M tickets).
      let evaluators = RecordFacts.evaluators(table, data: data)
      let columns = FactSchema.columns(table, values: evaluators.map { ($0.name, $0.kind) })
      let parts = partitions(table, data, zone)
      let previous = old.map { table == .tickets ? $0.tickets : $0.chats }
      // Same columns, same content: the file is still right (unless someone deleted it).
      let sameColumns =
        previous?.columns == columns.map { [$0.name, $0.type] } && old?.format == format
      let keys = parts.keys.sorted()
      let results = UnsafeMutableBufferPointer<Result<(String, Int, Bool), any Error>>.allocate(
        capacity: max(1, keys.count))
      defer { results.deallocate() }
      nonisolated(unsafe) let out = results
      let base = directory + "/" + (table == .tickets ? "tickets" : "chats")
      DispatchQueue.concurrentPerform(iterations: keys.count) { k in
        let key = keys[k]
        let rows = parts[key]!
        (out.baseAddress! + k).initialize(
          to: Result {
            let recordIDs = table == .tickets ? ids.tickets : ids.chats
            // The content (uncompressed) is hashed; the file is made only when it changed.
            var h = FNV1a()
            var size = 0
            let make: () throws -> [UInt8]
            switch format {
            case .csv:
              let values = RecordFacts.values(evaluators, rows: rows)
              let csv = render(
                table, rows: rows, ids: recordIDs, data: data, values: values, zone: zone)
              for b in csv { h.add(b) }
              size = csv.count
              make = { try GzipWriter.compress(csv) }
            case .parquet:
              // Row groups of at most `rowGroup` records, each evaluated and encoded in turn:
              // only the encoded bytes of the partition are kept, not its values.
              var groups: [[ParquetWriter.EncodedColumn]] = []
              var start = 0
              while start < rows.count {
                let part = Array(rows[start..<min(rows.count, start + rowGroup)])
                let values = RecordFacts.values(evaluators, rows: part)
                let encoded = ParquetWriter.encodeGroup(
                  parquetColumns(
                    table, rows: part, ids: recordIDs, data: data, values: values, zone: zone))
                for c in encoded {
                  h.add(c.name)
                  for b in c.levels { h.add(b) }
                  h.separate()
                  for b in c.values { h.add(b) }
                  h.separate()
                  size += c.levels.count + c.values.count
                }
                groups.append(encoded)
                start += rowGroup
              }
              make = { try ParquetWriter.file(groups: groups) }
            }
            let hash = String(h.value, radix: 16) + "-" + String(size)
            let path = base + "/" + key + "/" + format.fileName
            if sameColumns, previous?.partitions[key]?.hash == hash,
              FileManager.default.fileExists(atPath: path)
            {
              return (hash, 0, false)
            }
            let file = try make()
            try AtomicFile.makeDirectories(base + "/" + key)
            // Written under a name Spark skips (a leading dot), renamed when complete; a file of
            // the other format goes (Spark would read both).
            try AtomicFile.write(file, to: path)
            for other in FactsFormat.allCases where other != format {
              try? FileManager.default.removeItem(atPath: base + "/" + key + "/" + other.fileName)
            }
            return (hash, file.count, true)
          })
      }
      var entries: [String: FactsManifest.Partition] = [:]
      for (k, key) in keys.enumerated() {
        let (hash, bytes, wrote) = try results[k].get()
        entries[key] = FactsManifest.Partition(hash: hash, rows: parts[key]!.count)
        summary.bytes += bytes
        if wrote { summary.written += 1 } else { summary.unchanged += 1 }
      }
      (results.baseAddress!).deinitialize(count: keys.count)
      try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
      // Partitions that had records before and have none now: their files go.
      for key in (previous?.partitions.keys).map(Array.init) ?? [] where entries[key] == nil {
        for f in FactsFormat.allCases {
          try? FileManager.default.removeItem(atPath: base + "/" + key + "/" + f.fileName)
        }
        var dir = base + "/" + key
        while dir.count > base.count,
          (try? FileManager.default.contentsOfDirectory(atPath: dir))?.isEmpty == true
        {
          try? FileManager.default.removeItem(atPath: dir)
          dir = (dir as NSString).deletingLastPathComponent
        }
        summary.removed += 1
      }
      summary.partitions += keys.count
      tables[table] = FactsManifest.Table(
        columns: columns.map { [$0.name, $0.type] },
        ddl: FactSchema.ddl(columns + FactSchema.partitionColumns), partitions: entries)
    }
    let manifest = FactsManifest(
      version: FactSchema.version, zone: zoneName, asOf: data.asOf.iso8601,
      asOfMilliseconds: data.asOf.milliseconds, tickets: tables[.tickets]!, chats: tables[.chats]!,
      format: format, key: key)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    let json = try encoder.encode(manifest)
    try AtomicFile.write(Array(json) + [10], to: directory + "/" + manifestName)
    return summary
  }

  /// The summary of an export still current for `key` (every file in place), nil when the
  /// facts must be written.
  public static func current(_ directory: String, key: String) -> FactsSummary? {
    guard let m = FactsManifest.read(directory), m.key == key else { return nil }
    var s = FactsSummary(directory: directory)
    for (name, table) in [("tickets", m.tickets), ("chats", m.chats)] {
      for (folder, p) in table.partitions {
        let path = directory + "/" + name + "/" + folder + "/" + m.format.fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        if name == "tickets" { s.tickets += p.rows } else { s.chats += p.rows }
        s.partitions += 1
      }
    }
    s.unchanged = s.partitions
    return s
  }

  /// Rows by partition folder (`source=…/month=…`), each in row order.
  static func partitions(_ table: MetricTableKind, _ data: MetricData, _ zone: ZoneRules)
    -> [String: [Int]]
  {
    let n = table == .tickets ? data.tickets.count : data.chats.count
    let cohort = table == .tickets ? data.tickets.createdAt : data.chats.startedAt
    let source =
      table == .tickets ? data.tickets.dimensions["source"] : data.chats.dimensions["source"]
    var out: [String: [Int]] = [:]
    var folders: [Int32: String] = [:]
    var memo = (day: Int.min, month: "")
    for r in 0..<n {
      let code = source?.codes[r] ?? -1
      let sourceFolder: String
      if let f = folders[code] {
        sourceFolder = f
      } else {
        let value = code >= 0 ? source!.values[Int(code)] : ""
        sourceFolder = "source=" + partitionValue(value)
        folders[code] = sourceFolder
      }
      var month = defaultPartition
      if let d = RecordFacts.day(cohort[r], zone) {
        if d != memo.day { memo = (d, CivilDate(daysSinceEpoch: d).monthLabel) }
        month = memo.month
      }
      out[sourceFolder + "/month=" + month, default: []].append(r)
    }
    return out
  }

  /// Spark's (Hive's) name for a null partition value.
  static let defaultPartition = "__HIVE_DEFAULT_PARTITION__"

  /// A partition value as a folder name, escaped as Spark escapes it (and unescapes it when it
  /// reads the folder back).
  static func partitionValue(_ s: String) -> String {
    guard !s.isEmpty else { return defaultPartition }
    var out = ""
    for u in s.unicodeScalars {
      let escape =
        u.value < 0x20 || u.value == 0x7F || "\"#%'*/:=?\\{[]^".unicodeScalars.contains(u)
      if escape {
        let hex = String(u.value, radix: 16, uppercase: true)
        out += "%" + (hex.count < 2 ? "0" : "") + hex
      } else {
        out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// One partition's CSV: a header, then one line per record in row order (`values` hold the
  /// records' values in the order of `rows`). A record's line
  /// depends only on the record (its id, not its position), so a partition is written again
  /// only when its own records changed.
  static func render(
    _ table: MetricTableKind, rows: [Int], ids: [String], data: MetricData,
    values: [FactColumn], zone: ZoneRules
  ) -> [UInt8] {
    let columns = FactSchema.columns(table, values: values.map { ($0.name, $0.kind) })
    var out: [UInt8] = []
    out.reserveCapacity(rows.count * (60 + 12 * values.count))
    out += Array(columns.map(\.name).joined(separator: ",").utf8)
    out.append(10)
    let dimensionNames = FactSchema.dimensions(table)
    let dims: [EncodedColumn?] = dimensionNames.map {
      table == .tickets ? data.tickets.dimensions[$0] : data.chats.dimensions[$0]
    }
    let quotedValues: [[[UInt8]]] = dims.map { c in (c?.values ?? []).map(quoted) }
    let tags = table == .tickets ? data.tickets.tags : data.chats.tags
    let tagBytes = tags.values.map { Array($0.utf8) }
    func int(_ v: Int?) {
      if let v { out += Array(String(v).utf8) }
    }
    for (i, r) in rows.enumerated() {
      out += quoted(ids[r])
      switch table {
      case .tickets:
        let t = data.tickets
        for ms in [t.createdAt[r], t.solvedAt[r]] {
          out.append(44)
          int(RecordFacts.day(ms, zone))
          out.append(44)
          int(RecordFacts.hourOfWeek(ms, zone))
        }
      case .chats:
        let c = data.chats
        out.append(44)
        int(RecordFacts.day(c.startedAt[r], zone))
        out.append(44)
        int(RecordFacts.hourOfWeek(c.startedAt[r], zone))
        for ms in [c.startedAt[r], c.endedAt[r]] {
          out.append(44)
          int(ms == TicketColumns.null ? nil : Int(ms))
        }
        out.append(44)
        out += Array((c.offline[r] ? "true" : "false").utf8)
      }
      for (k, c) in dims.enumerated() {
        out.append(44)
        if let c, c.codes[r] >= 0 { out += quotedValues[k][Int(c.codes[r])] }
      }
      out.append(44)
      let list = tags.offsets.count > r + 1 ? tags.values(r) : []
      if !list.isEmpty {
        // Joined by U+001F (no tag holds it: tags are single words), quoted if needed.
        var joined: [UInt8] = []
        for (i, code) in list.enumerated() {
          if i > 0 { joined.append(0x1F) }
          joined += tagBytes[Int(code)]
        }
        out += quoted(String(decoding: joined, as: UTF8.self))
      }
      for v in values {
        out.append(44)
        let x = v.values[i]
        guard !x.isNaN else { continue }
        switch v.kind {
        case .number: out += Array(x.description.utf8)
        case .share, .count: out.append(x == 0 ? 48 : 49)
        }
      }
      out.append(10)
    }
    return out
  }

  /// One partition's columns for Parquet, in the schema's order, rows in row order.
  static func parquetColumns(
    _ table: MetricTableKind, rows: [Int], ids: [String], data: MetricData,
    values: [FactColumn], zone: ZoneRules
  ) -> [ParquetWriter.Column] {
    typealias C = ParquetWriter.Column
    func day(_ ms: [Int64]) -> ParquetWriter.Values {
      .int32(rows.map { RecordFacts.day(ms[$0], zone).map { Int32($0) } })
    }
    func hour(_ ms: [Int64]) -> ParquetWriter.Values {
      .int32(rows.map { RecordFacts.hourOfWeek(ms[$0], zone).map { Int32($0) } })
    }
    func instant(_ ms: [Int64]) -> ParquetWriter.Values {
      .int64(rows.map { ms[$0] == TicketColumns.null ? nil : ms[$0] })
    }
    var out = [C(name: "id", values: .string(rows.map { ids[$0] }))]
    let dims: [String: EncodedColumn]
    let tags: EncodedMultiColumn
    switch table {
    case .tickets:
      let t = data.tickets
      out += [
        C(name: "created_day", values: day(t.createdAt)),
        C(name: "created_how", values: hour(t.createdAt)),
        C(name: "solved_day", values: day(t.solvedAt)),
        C(name: "solved_how", values: hour(t.solvedAt)),
      ]
      dims = t.dimensions
      tags = t.tags
    case .chats:
      let c = data.chats
      out += [
        C(name: "started_day", values: day(c.startedAt)),
        C(name: "started_how", values: hour(c.startedAt)),
        C(name: "started_at", values: instant(c.startedAt)),
        C(name: "ended_at", values: instant(c.endedAt)),
        C(name: "offline", values: .boolean(rows.map { c.offline[$0] })),
      ]
      dims = c.dimensions
      tags = c.tags
    }
    for name in FactSchema.dimensions(table) {
      let column = dims[name]
      out.append(C(name: name, values: .string(rows.map { column?.value($0) })))
    }
    let separator = String(FactSchema.tagSeparator)
    out.append(
      C(
        name: "tags",
        values: .string(
          rows.map { r in
            let list = tags.offsets.count > r + 1 ? tags.values(r) : []
            return list.isEmpty
              ? nil : list.map { tags.values[Int($0)] }.joined(separator: separator)
          })))
    for v in values {
      switch v.kind {
      case .number:
        out.append(C(name: v.name, values: .double(v.values.map { $0.isNaN ? nil : $0 })))
      case .share, .count:
        out.append(C(name: v.name, values: .int8(v.values.map { $0.isNaN ? nil : Int32($0) })))
      }
    }
    return out
  }

  /// A CSV field: quoted (quotes doubled) when it holds a comma, quote, line break or is empty
  /// (an unquoted empty field is null).
  static func quoted(_ s: String) -> [UInt8] {
    let bytes = Array(s.utf8)
    let special = bytes.isEmpty || bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
    guard special else { return bytes }
    var out: [UInt8] = [34]
    for b in bytes {
      if b == 34 { out.append(34) }
      out.append(b)
    }
    out.append(34)
    return out
  }
}

/// gzip compression (zlib), for the fact files.
enum GzipWriter {
  /// Compresses bytes into one gzip member (fast level: the facts are rewritten often).
  static func compress(_ input: [UInt8], level: Int32 = 1) throws -> [UInt8] {
    var stream = z_stream()
    guard ticketlens_deflate_init_gzip(&stream, level) == Z_OK else {
      throw MetricQueryError("zlib could not start compressing")
    }
    defer { deflateEnd(&stream) }
    var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
    let rc: Int32 = input.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress)
        stream.avail_in = UInt32(src.count)
        stream.next_out = dst.baseAddress
        stream.avail_out = UInt32(dst.count)
        return deflate(&stream, Z_FINISH)
      }
    }
    guard rc == Z_STREAM_END else { throw MetricQueryError("zlib could not compress (\(rc))") }
    out.removeLast(out.count - Int(stream.total_out))
    return out
  }
}
