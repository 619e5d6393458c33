/// A small Apache Parquet writer for the facts: flat schemas of optional columns, one row
/// group and one data page (v1) per column, PLAIN values, RLE definition levels, gzip-compressed
/// pages, and the file metadata in Thrift's compact protocol. Spark, pyarrow and DuckDB read
/// what it writes (the Spark tests read every fact file through it).
///
/// Written here because no Swift Parquet writer is among the packages this project can use,
/// and what the facts need is this small subset of the format.
enum ParquetWriter {
  /// A column's values, nil for null.
  enum Values {
    case int32([Int32?])
    /// INT32 annotated INT_8 (Spark's TINYINT).
    case int8([Int32?])
    case int64([Int64?])
    case double([Double?])
    case boolean([Bool?])
    /// UTF-8 text (BYTE_ARRAY annotated UTF8).
    case string([String?])

    var count: Int {
      switch self {
      case .int32(let v), .int8(let v): v.count
      case .int64(let v): v.count
      case .double(let v): v.count
      case .boolean(let v): v.count
      case .string(let v): v.count
      }
    }

    /// Parquet's physical type number and converted type, if any.
    var physical: (type: Int32, converted: Int32?) {
      switch self {
      case .int32: (1, nil)
      case .int8: (1, 15)
      case .int64: (2, nil)
      case .double: (5, nil)
      case .boolean: (0, nil)
      case .string: (6, 0)
      }
    }
  }

  struct Column {
    var name: String
    var values: Values
  }

  /// A column of one row group, encoded (definition levels and PLAIN values, uncompressed).
  struct EncodedColumn {
    var name: String
    var physical: (type: Int32, converted: Int32?)
    var rows: Int
    var levels: [UInt8]
    var values: [UInt8]
  }

  /// One row group's columns (all of the same length), encoded.
  static func encodeGroup(_ columns: [Column]) -> [EncodedColumn] {
    let rows = columns.first?.values.count ?? 0
    return columns.map { c in
      precondition(c.values.count == rows, "columns of different lengths")
      let (levels, values) = encode(c.values)
      return EncodedColumn(
        name: c.name, physical: c.values.physical, rows: rows, levels: levels, values: values)
    }
  }

  /// The bytes of a Parquet file holding `columns` (all of the same length) as one row group.
  static func file(_ columns: [Column]) throws -> [UInt8] {
    try file(groups: [encodeGroup(columns)])
  }

  /// The bytes of a Parquet file of row groups of encoded columns (every group with the same
  /// columns in the same order): each column chunk one data page, gzip-compressed.
  static func file(groups: [[EncodedColumn]], createdBy: String = "ticketlens") throws -> [UInt8] {
    var out: [UInt8] = Array("PAR1".utf8)
    var chunks: [[(offset: Int, size: Int, uncompressed: Int)]] = []
    for group in groups {
      var mine: [(offset: Int, size: Int, uncompressed: Int)] = []
      for column in group {
        var page: [UInt8] = []
        page.reserveCapacity(4 + column.levels.count + column.values.count)
        // Definition levels of a v1 data page: their byte length, then the RLE runs.
        page += littleEndian(UInt32(column.levels.count))
        page += column.levels
        page += column.values
        let compressed = try GzipWriter.compress(page)
        var header = Thrift()
        header.i32(1, 0)  // type: DATA_PAGE
        header.i32(2, Int32(page.count))
        header.i32(3, Int32(compressed.count))
        header.structure(5) { h in  // data_page_header
          h.i32(1, Int32(column.rows))  // num_values (nulls included)
          h.i32(2, 0)  // encoding: PLAIN
          h.i32(3, 3)  // definition levels: RLE
          h.i32(4, 3)  // repetition levels: RLE (none written: not repeated)
        }
        header.stop()
        mine.append(
          (out.count, header.bytes.count + compressed.count, header.bytes.count + page.count))
        out += header.bytes
        out += compressed
      }
      chunks.append(mine)
    }
    let schema = groups.first ?? []
    let rows = groups.reduce(0) { $0 + ($1.first?.rows ?? 0) }
    var meta = Thrift()
    meta.i32(1, 1)  // version
    meta.list(2, count: schema.count + 1) { t in  // schema: the root, then each column
      t.element {
        $0.binary(4, Array("schema".utf8))
        $0.i32(5, Int32(schema.count))
      }
      for c in schema {
        t.element {
          $0.i32(1, c.physical.type)
          $0.i32(3, 1)  // OPTIONAL
          $0.binary(4, Array(c.name.utf8))
          if let converted = c.physical.converted { $0.i32(6, converted) }
        }
      }
    }
    meta.i64(3, Int64(rows))
    meta.list(4, count: groups.count) { t in  // row_groups
      for (group, mine) in zip(groups, chunks) {
        t.element { g in
          g.list(1, count: group.count) { l in
            for (column, chunk) in zip(group, mine) {
              l.element { cc in
                cc.i64(2, Int64(chunk.offset))  // file_offset
                cc.structure(3) { m in  // meta_data
                  m.i32(1, column.physical.type)
                  m.i32List(2, [0, 3])  // encodings: PLAIN, RLE
                  m.binaryList(3, [Array(column.name.utf8)])  // path_in_schema
                  m.i32(4, 2)  // codec: GZIP
                  m.i64(5, Int64(column.rows))
                  m.i64(6, Int64(chunk.uncompressed))
                  m.i64(7, Int64(chunk.size))
                  m.i64(9, Int64(chunk.offset))  // data_page_offset
                }
              }
            }
          }
          g.i64(2, Int64(mine.reduce(0) { $0 + $1.uncompressed }))  // total_byte_size
          g.i64(3, Int64(group.first?.rows ?? 0))
        }
      }
    }
    meta.binary(6, Array(createdBy.utf8))
    meta.stop()
    out += meta.bytes
    out += littleEndian(UInt32(meta.bytes.count))
    out += Array("PAR1".utf8)
    return out
  }

  /// The definition levels (RLE runs, bit width 1) and the PLAIN-encoded non-null values.
  static func encode(_ values: Values) -> (levels: [UInt8], values: [UInt8]) {
    var present: [Bool] = []
    var out: [UInt8] = []
    switch values {
    case .int32(let v), .int8(let v):
      present = v.map { $0 != nil }
      out.reserveCapacity(v.count * 4)
      for x in v { if let x { out += littleEndian(UInt32(bitPattern: x)) } }
    case .int64(let v):
      present = v.map { $0 != nil }
      out.reserveCapacity(v.count * 8)
      for x in v { if let x { out += littleEndian(UInt64(bitPattern: x)) } }
    case .double(let v):
      present = v.map { $0 != nil }
      out.reserveCapacity(v.count * 8)
      for x in v { if let x { out += littleEndian(x.bitPattern) } }
    case .boolean(let v):
      present = v.map { $0 != nil }
      // Bit-packed, least significant bit first.
      var bit = 0
      for x in v {
        guard let x else { continue }
        if bit == 0 { out.append(0) }
        if x { out[out.count - 1] |= UInt8(1 << bit) }
        bit = (bit + 1) % 8
      }
    case .string(let v):
      present = v.map { $0 != nil }
      for x in v {
        guard let x else { continue }
        let bytes = Array(x.utf8)
        out += littleEndian(UInt32(bytes.count))
        out += bytes
      }
    }
    // Runs of equal levels: a varint header (run length << 1) and the level in one byte.
    var levels: [UInt8] = []
    var i = 0
    while i < present.count {
      var j = i
      while j < present.count && present[j] == present[i] { j += 1 }
      Thrift.varint(UInt64(j - i) << 1, into: &levels)
      levels.append(present[i] ? 1 : 0)
      i = j
    }
    return (levels, out)
  }

  static func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.littleEndian) { Array($0) }
  }
}

/// Thrift's compact protocol, for the few structures Parquet's metadata needs.
struct Thrift {
  private(set) var bytes: [UInt8] = []
  /// The last field id of each open structure (field ids are written as deltas).
  private var last: [Int16] = [0]

  static func varint(_ v: UInt64, into out: inout [UInt8]) {
    var v = v
    while v >= 0x80 {
      out.append(UInt8(v & 0x7F) | 0x80)
      v >>= 7
    }
    out.append(UInt8(v))
  }

  private mutating func varint(_ v: UInt64) { Self.varint(v, into: &bytes) }
  private mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

  private mutating func field(_ id: Int16, _ type: UInt8) {
    let delta = id - last[last.count - 1]
    if delta > 0 && delta <= 15 {
      bytes.append(UInt8(delta) << 4 | type)
    } else {
      bytes.append(type)
      zigzag(Int64(id))
    }
    last[last.count - 1] = id
  }

  mutating func i32(_ id: Int16, _ v: Int32) {
    field(id, 5)
    zigzag(Int64(v))
  }

  mutating func i64(_ id: Int16, _ v: Int64) {
    field(id, 6)
    zigzag(v)
  }

  mutating func binary(_ id: Int16, _ v: [UInt8]) {
    field(id, 8)
    varint(UInt64(v.count))
    bytes += v
  }

  /// A structure-valued field.
  mutating func structure(_ id: Int16, _ body: (inout Thrift) -> Void) {
    field(id, 12)
    element(body)
  }

  /// A structure as a list element (or a nested value): its fields, then STOP.
  mutating func element(_ body: (inout Thrift) -> Void) {
    last.append(0)
    body(&self)
    stop()
    last.removeLast()
  }

  /// A list of structures; `body` writes each with `element`.
  mutating func list(_ id: Int16, count: Int, _ body: (inout Thrift) -> Void) {
    field(id, 9)
    listHeader(count, 12)
    body(&self)
  }

  mutating func i32List(_ id: Int16, _ values: [Int32]) {
    field(id, 9)
    listHeader(values.count, 5)
    for v in values { zigzag(Int64(v)) }
  }

  mutating func binaryList(_ id: Int16, _ values: [[UInt8]]) {
    field(id, 9)
    listHeader(values.count, 8)
    for v in values {
      varint(UInt64(v.count))
      bytes += v
    }
  }

  private mutating func listHeader(_ count: Int, _ type: UInt8) {
    if count < 15 {
      bytes.append(UInt8(count) << 4 | type)
    } else {
      bytes.append(0xF0 | type)
      varint(UInt64(count))
    }
  }

  /// The end of a structure.
  mutating func stop() { bytes.append(0) }
}
