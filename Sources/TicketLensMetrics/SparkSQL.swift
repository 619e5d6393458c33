import TicketLensModel

/// The columns of the fact tables `ticketlens facts` writes, with their Spark SQL types.
///
/// Tickets: `id` (the record's id; with its source, the warehouse's row order), the cohort days
/// and hours of the week in the report zone, the dimensions, the tags (joined by U+001F), then one column per
/// metric value (`RecordFacts`). Chats likewise, with their start and end instants and the
/// offline flag that agent concurrency reads. `source` and `month` are the partition columns
/// (folders `source=…/month=…`).
public enum FactSchema {
  /// What separates a record's tags in the `tags` column.
  public static let tagSeparator: Character = "\u{1F}"
  /// Bumped when the columns or their meaning change; the manifest records it.
  public static let version = 2

  public struct Column: Sendable, Hashable {
    public var name: String
    /// A Spark SQL type: BIGINT, INT, STRING, DOUBLE, TINYINT, BOOLEAN.
    public var type: String

    public init(name: String, type: String) {
      self.name = name
      self.type = type
    }
  }

  /// The instant and cohort columns of a table, before its dimensions.
  public static func leading(_ table: MetricTableKind) -> [Column] {
    switch table {
    case .tickets:
      [
        Column(name: "id", type: "STRING"), Column(name: "created_day", type: "INT"),
        Column(name: "created_how", type: "INT"), Column(name: "solved_day", type: "INT"),
        Column(name: "solved_how", type: "INT"),
      ]
    case .chats:
      [
        Column(name: "id", type: "STRING"), Column(name: "started_day", type: "INT"),
        Column(name: "started_how", type: "INT"), Column(name: "started_at", type: "BIGINT"),
        Column(name: "ended_at", type: "BIGINT"), Column(name: "offline", type: "BOOLEAN"),
      ]
    }
  }

  /// The dimensions stored in the files (`source` is a partition column, not in the files).
  public static func dimensions(_ table: MetricTableKind) -> [String] {
    RecordFacts.dimensions(table).filter { $0 != "source" }
  }

  /// Every column in the files, in order.
  public static func columns(_ table: MetricTableKind, values: [(name: String, kind: FactKind)])
    -> [Column]
  {
    leading(table) + dimensions(table).map { Column(name: $0, type: "STRING") }
      + [Column(name: "tags", type: "STRING")]
      + values.map { Column(name: $0.name, type: $0.kind == .number ? "DOUBLE" : "TINYINT") }
  }

  /// The partition columns, after the file columns.
  public static let partitionColumns = [
    Column(name: "source", type: "STRING"), Column(name: "month", type: "STRING"),
  ]

  /// A Spark DDL schema string (`` `id` STRING, `created_day` INT, … ``).
  public static func ddl(_ columns: [Column]) -> String {
    columns.map { SparkSQL.identifier($0.name) + " " + $0.type }.joined(separator: ", ")
  }
}

/// How a result column of a compiled query reads back into a `Cell`.
public enum ResultKind: Sendable, Hashable { case text, int, real }

/// A report table compiled to Spark SQL: the statement and its columns.
public struct SparkQuery: Sendable {
  public var sql: String
  public var columns: [String]
  public var kinds: [ResultKind]
  public var metric: String
}

/// Compiles metric queries to Spark SQL over the fact tables (`tickets`, `chats`), computing
/// exactly what `MetricEngine` computes: the same cohorts, groups, filters and row order,
/// percentiles by the same interpolation (h = (n−1)p; x[⌊h⌋] + (h−⌊h⌋)(x[⌈h⌉]−x[⌊h⌋]) on the
/// sorted values) and means summed in record order ((source, id), the warehouse's row order),
/// so that every cell agrees to the last digit.
public struct SparkSQL: Sendable {
  /// The instant the facts describe (the backlog's last day).
  public var asOf: Instant
  /// The report zone the facts' days are in.
  public var zone: ZoneRules
  /// The value columns the fact tables have.
  public var ticketValues: Set<String>
  public var chatValues: Set<String>
  public var hasSchedule: Bool

  public init(
    asOf: Instant, zone: ZoneRules, ticketValues: Set<String>, chatValues: Set<String>,
    hasSchedule: Bool
  ) {
    self.asOf = asOf
    self.zone = zone
    self.ticketValues = ticketValues
    self.chatValues = chatValues
    self.hasSchedule = hasSchedule
  }

  // MARK: - Views

  /// The statements that make the fact files queryable as `tickets` and `chats`.
  /// - Parameter format: the facts' file format, `parquet` or `csv`.
  public static func views(
    directory: String, format: String, tickets: [FactSchema.Column], chats: [FactSchema.Column]
  ) -> [String] {
    func view(_ name: String, _ columns: [FactSchema.Column]) -> String {
      let path = literal(directory + "/" + name)
      return
        "CREATE OR REPLACE TEMPORARY VIEW \(name) (\(FactSchema.ddl(columns + FactSchema.partitionColumns)))\n"
        + (format == "csv"
          ? "USING csv OPTIONS (path \(path), header 'true', multiLine 'true', escape '\"', "
            + "mode 'FAILFAST', compression 'gzip')"
          : "USING parquet OPTIONS (path \(path))")
    }
    // The report's tables read the same facts several times: each table is read from the files
    // once and kept (in memory, spilling to disk) for the queries after it.
    return [
      "SET spark.sql.sources.partitionColumnTypeInference.enabled=false",
      view("tickets", tickets), view("chats", chats),
      "CACHE LAZY TABLE tickets OPTIONS ('storageLevel' 'MEMORY_AND_DISK')",
      "CACHE LAZY TABLE chats OPTIONS ('storageLevel' 'MEMORY_AND_DISK')",
    ]
  }

  // MARK: - Queries

  /// The Spark SQL statement for a query, with its result columns.
  public func compile(_ query: MetricQuery) throws(MetricQueryError) -> SparkQuery {
    var q = query
    let author = q.filters.first { $0.dimension == "author" }?.value
    q.filters.removeAll { $0.dimension == "author" }
    if author != nil && q.metric.id != Catalog.chatMessages.id {
      throw MetricQueryError("--where author=… applies to chat_messages only")
    }
    if let author, author != "agent", author != "visitor" {
      throw MetricQueryError("author must be agent or visitor")
    }
    if q.business && !q.metric.hasBusinessVariant {
      throw MetricQueryError("\(q.metric.id) has no business-time variant")
    }
    if q.business && !hasSchedule {
      throw MetricQueryError(
        "--business needs a schedule: give --pipeline with a `schedules:` entry (see the README)")
    }
    if q.fill {
      throw MetricQueryError("--fill is not compiled to Spark SQL yet; leave it out")
    }
    let table = q.metric.table
    for name in q.by + q.filters.map(\.dimension) {
      guard Catalog.dimensions.contains(name) else {
        throw MetricQueryError(Catalog.unknownDimension(name))
      }
      if table == .chats && !GroupPlan.chatDimensions.contains(name) {
        throw MetricQueryError(
          "dimension '\(name)' is not available for chat metrics; use "
            + GroupPlan.chatDimensions.joined(separator: ", "))
      }
    }
    if q.by.filter({ $0 == "tag" }).count > 1 {
      throw MetricQueryError("'tag' is given twice in --by")
    }
    switch q.metric.kind {
    case .backlog: return backlog(q)
    case .concurrency: return concurrency(q)
    default: break
    }
    let values = table == .tickets ? ticketValues : chatValues
    var valueColumn: String? = nil
    if !(table == .tickets && q.metric.kind == .count) {
      let name = RecordFacts.columnName(q.metric, business: q.business, author: author)
      guard values.contains(name) else {
        if q.metric.id == Catalog.slaFirstReply.id || q.metric.id == Catalog.slaResolution.id {
          throw MetricQueryError(
            "\(q.metric.id) needs SLA targets: --sla urgent=60,high=240 (and --sla-resolution), or a pipeline `sla:` policy"
          )
        }
        throw MetricQueryError("the facts have no column \(name): write them again")
      }
      valueColumn = name
    }
    let source = Source(q, compiler: self)
    var inner = ["\(source.period) AS p"] + source.dimensionSelects
    var conditions = source.conditions
    if let valueColumn {
      let v = Self.identifier(valueColumn)
      inner.append("\(v) AS v")
      inner.append("`source` AS rs, `id` AS ri")
      conditions.append("\(v) IS NOT NULL")
    }
    let filtered =
      "SELECT \(inner.joined(separator: ", "))\nFROM \(source.from)\nWHERE "
      + conditions.joined(separator: " AND ")
    let keys = ["p"] + source.keys
    let groupBy = keys.joined(separator: ", ")
    var columns = source.keyColumns
    var kinds = [ResultKind](repeating: .text, count: columns.count)
    var outer = source.labelSelects
    let sql: String
    switch q.metric.kind {
    case .count:
      columns.append("count")
      kinds.append(.int)
      outer.append("n AS `count`")
      sql =
        "SELECT \(outer.joined(separator: ", "))\nFROM (SELECT \(groupBy), count(*) AS n FROM (\n"
        + filtered + "\n) f GROUP BY \(groupBy)) g\nORDER BY \(groupBy)"
    case .rate(let den, let num, let rate):
      columns += [den, num, rate]
      kinds += [.int, .int, .real]
      outer += [
        "den AS \(Self.identifier(den))", "num AS \(Self.identifier(num))",
        "CAST(num AS DOUBLE) / CAST(den AS DOUBLE) AS \(Self.identifier(rate))",
      ]
      sql =
        "SELECT \(outer.joined(separator: ", "))\nFROM (SELECT \(groupBy), count(*) AS den, "
        + "CAST(sum(v) AS BIGINT) AS num FROM (\n" + filtered
        + "\n) f GROUP BY \(groupBy)) g\nORDER BY \(groupBy)"
    default:
      // Values scaled to the unit one by one (as the engine does), then sorted for the
      // percentiles; the mean sums them in record order, as the engine does.
      let scaled =
        q.metric.kind == .duration ? "v * (1.0D / \(Self.millisecondsPerUnit(q.unit)))" : "v"
      var aggregates = ["count(*) AS n", "array_sort(collect_list(\(scaled))) AS xs"]
      if q.stats.contains(.mean) {
        aggregates.append(
          "aggregate(transform(array_sort(collect_list(named_struct('s', rs, 'i', ri, 'x', \(scaled)))), "
            + "e -> e.x), 0.0D, (a, x) -> a + x) AS total")
      }
      var positions: [String] = []
      for (k, fraction) in Set(q.stats.compactMap(\.fraction)).sorted().enumerated() {
        positions.append("CAST(n - 1 AS DOUBLE) * \(Self.double(fraction)) AS h\(k)")
      }
      let fractions = Set(q.stats.compactMap(\.fraction)).sorted()
      for s in q.stats {
        let name = q.metric.kind == .duration && s != .count ? "\(s)_\(q.unit.rawValue)" : "\(s)"
        columns.append(name)
        let alias = Self.identifier(name)
        switch s {
        case .count:
          kinds.append(.int)
          outer.append("n AS \(alias)")
        case .mean:
          kinds.append(.real)
          outer.append("total / CAST(n AS DOUBLE) AS \(alias)")
        case .median, .percentile:
          kinds.append(.real)
          let h = "h\(fractions.firstIndex(of: s.fraction!)!)"
          let lo = "xs[CAST(floor(\(h)) AS INT)]"
          let hi = "xs[CAST(ceil(\(h)) AS INT)]"
          outer.append("\(lo) + (\(h) - CAST(floor(\(h)) AS INT)) * (\(hi) - \(lo)) AS \(alias)")
        case .atMost(let limit):
          kinds.append(.int)
          outer.append(
            "CAST(size(filter(xs, x -> x <= \(Self.double(limit)))) AS BIGINT) AS \(alias)")
        }
      }
      sql =
        "SELECT \(outer.joined(separator: ", "))\nFROM (SELECT *\(positions.map { ", " + $0 }.joined())"
        + " FROM (SELECT \(groupBy), \(aggregates.joined(separator: ", ")) FROM (\n" + filtered
        + "\n) f GROUP BY \(groupBy)) g) s\nORDER BY \(groupBy)"
    }
    return SparkQuery(sql: sql, columns: columns, kinds: kinds, metric: q.metric.id)
  }

  /// Backlog: at the end of each period in range, per group, tickets created by then minus
  /// tickets solved by then (a running sum of daily +1/−1 events).
  func backlog(_ q: MetricQuery) -> SparkQuery {
    let grain = q.grain ?? .day
    let lastDay = RecordFacts.day(asOf.milliseconds, zone)!
    var b = q
    b.grain = nil
    b.from = nil
    b.to = nil
    let source = Source(b, compiler: self, cohort: "created_day")
    let keys = source.keys.isEmpty ? ["z0"] : source.keys
    let dims = keys.joined(separator: ", ")
    let selects = source.keys.isEmpty ? ["0 AS z0"] : source.dimensionSelects
    let rows =
      "SELECT \(selects.joined(separator: ", ")), created_day AS c, solved_day AS s\nFROM "
      + source.from + "\nWHERE " + source.filterConditions.joined(separator: " AND ")
    let first =
      q.from.map { "\($0.daysSinceEpoch)" }
      ?? "CASE WHEN m IS NULL THEN \(lastDay) ELSE least(\(lastDay), m) END"
    let end = q.to.map { min($0.daysSinceEpoch, lastDay) } ?? lastDay
    let date = "date_add(DATE'1970-01-01', day)"
    let isEnd: String
    switch grain {
    case .day, .hourOfWeek: isEnd = "true"
    case .week: isEnd = "(dayofweek(\(date)) = 1 OR day = \(end))"
    case .month: isEnd = "(dayofmonth(date_add(DATE'1970-01-01', day + 1)) = 1 OR day = \(end))"
    }
    let label: String
    switch grain {
    case .day: label = "CAST(\(date) AS STRING)"
    case .week: label = "CAST(date_add(DATE'1970-01-01', day - pmod(day + 3, 7)) AS STRING)"
    case .month: label = "substr(CAST(\(date) AS STRING), 1, 7)"
    case .hourOfWeek: label = "'Mon 00'"
    }
    let labelName = grain == .hourOfWeek ? "day" : grain.rawValue
    let sql = """
      WITH b AS (
      \(rows)
      ),
      bounds AS (SELECT \(first) AS first_day FROM (SELECT min(c) AS m FROM b) z),
      ends AS (
        SELECT d AS day FROM bounds LATERAL VIEW explode(sequence(first_day, \(end))) e AS d
        WHERE first_day <= \(end)),
      groups AS (SELECT DISTINCT \(dims) FROM b),
      ev AS (
        SELECT \(dims), c AS day, 1 AS delta FROM b WHERE c IS NOT NULL
        UNION ALL SELECT \(dims), s AS day, -1 AS delta FROM b WHERE s IS NOT NULL),
      grid AS (
        SELECT \(dims), day, CAST(sum(delta) AS BIGINT) AS delta, 0 AS is_end FROM ev GROUP BY \(dims), day
        UNION ALL
        SELECT \(keys.map { "g." + $0 }.joined(separator: ", ")), e.day, CAST(0 AS BIGINT) AS delta, 1 AS is_end
        FROM groups g CROSS JOIN (SELECT day FROM ends WHERE \(isEnd)) e),
      running AS (
        SELECT \(dims), day, is_end, sum(delta) OVER (PARTITION BY \(dims) ORDER BY day, is_end
          ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS open
        FROM grid)
      SELECT \(([label + " AS " + Self.identifier(labelName)] + source.dimensionLabels).joined(separator: ", ")), open AS `count`
      FROM running WHERE is_end = 1
      ORDER BY day\(source.keys.map { ", " + $0 }.joined())
      """
    return SparkQuery(
      sql: sql, columns: [labelName] + q.by + ["count"],
      kinds: Array(repeating: .text, count: 1 + q.by.count) + [.int], metric: q.metric.id)
  }

  /// Agent concurrency: per group, the sum of chat durations over the length of the union of
  /// their intervals (islands of overlapping chats, found with a running maximum of ends).
  func concurrency(_ q: MetricQuery) -> SparkQuery {
    let source = Source(q, compiler: self)
    let keys = ["p"] + source.keys
    let group = keys.joined(separator: ", ")
    let conditions =
      source.conditions + [
        "NOT offline", "ended_at IS NOT NULL", "started_at IS NOT NULL", "ended_at > started_at",
      ]
    let sql = """
      WITH c AS (
      SELECT \((["\(source.period) AS p"] + source.dimensionSelects).joined(separator: ", ")), started_at AS s, ended_at AS e
      FROM \(source.from)
      WHERE \(conditions.joined(separator: " AND "))
      ),
      m AS (
        SELECT *, max(e) OVER (PARTITION BY \(group) ORDER BY s, e
          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
        FROM c),
      i AS (
        SELECT *, sum(CASE WHEN prev_end IS NULL OR s > prev_end THEN 1 ELSE 0 END)
          OVER (PARTITION BY \(group) ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS island
        FROM m),
      islands AS (
        SELECT \(group), max(e) - min(s) AS span, sum(e - s) AS total FROM i GROUP BY \(group), island)
      SELECT \((source.labelSelects + ["CAST(sum(total) AS DOUBLE) / CAST(sum(span) AS DOUBLE) AS `mean`"]).joined(separator: ", "))
      FROM islands GROUP BY \(group)
      ORDER BY \(group)
      """
    return SparkQuery(
      sql: sql, columns: source.keyColumns + ["mean"],
      kinds: Array(repeating: .text, count: source.keyColumns.count) + [.real],
      metric: q.metric.id)
  }

  // MARK: - Pieces

  /// The records a query reads: the table (with its tags exploded when grouped by tag), its
  /// cohort, period, dimension and filter expressions.
  struct Source {
    var from: String
    /// The period key: a day number, a Monday's day number, a month index (year·12 + month − 1),
    /// an hour of the week, or 0 without a grain.
    var period: String
    var dimensionSelects: [String]
    /// The grouping columns (d0, d1, …) as the inner query names them.
    var keys: [String]
    var keyColumns: [String]
    /// The period label and the dimensions, for the outermost select (reads `p`, d0, …).
    var labelSelects: [String]
    var dimensionLabels: [String]
    var filterConditions: [String]
    /// Cohort present, filters, date range.
    var conditions: [String]

    init(_ q: MetricQuery, compiler: SparkSQL, cohort: String? = nil) {
      let table = q.metric.table
      let cohortDay =
        cohort
        ?? (table == .chats
          ? "started_day" : q.metric.cohort == .solved ? "solved_day" : "created_day")
      let cohortHour = cohortDay.replacingOccurrences(of: "_day", with: "_how")
      let name = table == .tickets ? "tickets" : "chats"
      let tagArray =
        "CASE WHEN `tags` IS NULL THEN CAST(array() AS ARRAY<STRING>) ELSE split(`tags`, '\\u001F') END"
      from =
        name + (q.by.contains("tag") ? " LATERAL VIEW OUTER explode(\(tagArray)) tg AS `tag`" : "")
      let date = "date_add(DATE'1970-01-01', \(cohortDay))"
      switch q.grain {
      case .none: period = "0"
      case .day: period = cohortDay
      case .week: period = "(\(cohortDay) - pmod(\(cohortDay) + 3, 7))"
      case .month: period = "(year(\(date)) * 12 + month(\(date)) - 1)"
      case .hourOfWeek: period = cohortHour
      }
      keys = q.by.indices.map { "d\($0)" }
      dimensionSelects = q.by.enumerated().map { k, d in
        "coalesce(\(SparkSQL.identifier(d)), 'none') AS d\(k)"
      }
      keyColumns = (q.grain.map { [$0.rawValue] } ?? []) + q.by
      dimensionLabels = q.by.enumerated().map { k, d in "d\(k) AS \(SparkSQL.identifier(d))" }
      var labels: [String] = []
      if let grain = q.grain {
        let alias = SparkSQL.identifier(grain.rawValue)
        switch grain {
        case .day, .week: labels.append("CAST(date_add(DATE'1970-01-01', p) AS STRING) AS \(alias)")
        case .month:
          labels.append(
            "substr(CAST(make_date(CAST(p DIV 12 AS INT), CAST(pmod(p, 12) + 1 AS INT), 1) AS STRING), 1, 7) AS \(alias)"
          )
        case .hourOfWeek:
          labels.append(
            "concat(element_at(array('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'), CAST(p DIV 24 AS INT) + 1), ' ', lpad(CAST(pmod(p, 24) AS STRING), 2, '0')) AS \(alias)"
          )
        }
      }
      labelSelects = labels + dimensionLabels
      var filters: [String] = []
      for f in q.filters {
        if f.dimension == "tag" {
          filters.append(
            f.value == "none"
              ? "`tags` IS NULL" : "array_contains(\(tagArray), \(SparkSQL.literal(f.value)))")
        } else {
          let c = SparkSQL.identifier(f.dimension)
          filters.append(f.value == "none" ? "\(c) IS NULL" : "\(c) = \(SparkSQL.literal(f.value))")
        }
      }
      filterConditions = filters.isEmpty ? ["true"] : filters
      var all = ["\(cohortDay) IS NOT NULL"] + filters
      if let from = q.from { all.append("\(cohortDay) >= \(from.daysSinceEpoch)") }
      if let to = q.to { all.append("\(cohortDay) <= \(to.daysSinceEpoch)") }
      conditions = all
    }
  }

  /// A quoted identifier.
  public static func identifier(_ name: String) -> String {
    "`" + name.replacingOccurrences(of: "`", with: "``") + "`"
  }

  /// A quoted string literal (Spark reads backslash escapes in literals).
  public static func literal(_ s: String) -> String {
    var out = "'"
    for ch in s.unicodeScalars {
      switch ch {
      case "\\": out += "\\\\"
      case "'": out += "\\'"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if ch.value < 0x20 {
          let hex = String(ch.value, radix: 16, uppercase: true)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(ch)
        }
      }
    }
    return out + "'"
  }

  /// The divisor of `DurationUnit.perMillisecond`, as a Spark double literal (the engine scales
  /// by 1.0 / this, computed the same way).
  static func millisecondsPerUnit(_ unit: DurationUnit) -> String {
    switch unit {
    case .seconds: "1000.0D"
    case .minutes: "60000.0D"
    case .hours: "3600000.0D"
    }
  }

  /// A double, exactly: its shortest decimal form, which Spark (Java) parses back to the same
  /// value.
  static func double(_ d: Double) -> String { "CAST('\(d)' AS DOUBLE)" }
}
