import Dispatch
import TicketLensModel
import TicketLensWarehouse

/// What a per-record fact column holds.
public enum FactKind: Sendable, Hashable {
  /// A number (a duration in milliseconds, or a plain value); null when the metric leaves the
  /// record out.
  case number
  /// 1 when the record is in the numerator of a rate, 0 when only in its denominator, null when
  /// left out.
  case share
  /// 1 when the record counts, null when not (chats: offline messages are not chats).
  case count
}

/// One metric's value for every record, evaluated by the same code the metric engine runs, so
/// that another engine (Spark) only has to group and aggregate.
public struct FactColumn: Sendable {
  /// `metric`, `metric__business`, or `chat_messages__agent` / `__visitor`.
  public var name: String
  public var kind: FactKind
  /// One value per record of the list; NaN where the metric leaves the record out.
  public var values: [Double]
}

/// The per-record facts of the metric catalog: for each ticket and chat, the value each metric
/// reads (durations in calendar and business time, SLA outcomes, rates' hits), plus the cohort
/// days and dimensions to group by. `ticketlens facts` writes them; `SparkSQL` aggregates them.
public enum RecordFacts {
  /// The fact column a metric reads (`business` for its business-hours variant, `author` for
  /// one side of `chat_messages`).
  public static func columnName(_ m: MetricDefinition, business: Bool, author: String? = nil)
    -> String
  {
    m.id + (business ? "__business" : "") + (author.map { "__" + $0 } ?? "")
  }

  /// A value column: its name, kind, and the query whose row evaluator fills it.
  public struct Spec: Sendable {
    public var name: String
    public var kind: FactKind
    var metric: MetricDefinition
    var business: Bool
    var author: String?
  }

  /// The value columns of a table's records: every catalog metric with a per-record value
  /// (counts of tickets need none; backlog and concurrency read the instants), the business
  /// variant when there is a schedule, the SLA outcomes when there is a policy.
  public static func specs(_ table: MetricTableKind, schedule: Bool, sla: Bool) -> [Spec] {
    var specs: [Spec] = []
    for m in Catalog.all where m.table == table {
      let kind: FactKind
      switch m.kind {
      case .backlog, .concurrency: continue
      case .count:
        // Every ticket counts in its cohort; a chat counts unless it was an offline message.
        guard table == .chats else { continue }
        kind = .count
      case .rate: kind = .share
      case .duration, .value: kind = .number
      }
      if m.id == Catalog.slaFirstReply.id || m.id == Catalog.slaResolution.id, !sla { continue }
      func add(_ business: Bool, _ author: String?) {
        specs.append(
          Spec(
            name: columnName(m, business: business, author: author), kind: kind, metric: m,
            business: business, author: author))
      }
      add(false, nil)
      if m.hasBusinessVariant && schedule { add(true, nil) }
      if m.id == Catalog.chatMessages.id {
        add(false, "agent")
        add(false, "visitor")
      }
    }
    return specs
  }

  /// A value column's evaluator: the value of any record, NaN where the metric leaves it out.
  public struct Evaluator: Sendable {
    public var name: String
    public var kind: FactKind
    public var value: @Sendable (Int) -> Double
  }

  /// The value columns of a table's records as evaluators (see `specs`), to be run on the
  /// records of one partition at a time.
  public static func evaluators(_ table: MetricTableKind, data: MetricData) -> [Evaluator] {
    specs(table, schedule: data.schedule != nil, sla: data.sla != nil).map { spec in
      var q = MetricQuery(metric: spec.metric)
      q.business = spec.business
      // The evaluator cannot fail for the metrics `specs` lists (their settings were checked).
      guard let evaluate = try? RowEvaluator.make(q, data, author: spec.author) else {
        return Evaluator(name: spec.name, kind: spec.kind, value: { _ in .nan })
      }
      return Evaluator(
        name: spec.name, kind: spec.kind,
        value: { r in
          switch evaluate(r) {
          case .none: .nan
          case .one: 1
          case .number(let x): x
          case .share(let hit): hit ? 1 : 0
          }
        })
    }
  }

  /// The values of `rows` (in that order) for each evaluator, the evaluators run side by side.
  public static func values(_ evaluators: [Evaluator], rows: [Int]) -> [FactColumn] {
    var out = evaluators.map { FactColumn(name: $0.name, kind: $0.kind, values: []) }
    out.withUnsafeMutableBufferPointer { buffer in
      nonisolated(unsafe) let slots = buffer
      DispatchQueue.concurrentPerform(iterations: evaluators.count) { k in
        let value = evaluators[k].value
        slots[k].values = rows.map { value($0) }
      }
    }
    return out
  }

  /// The grouping dimensions of a table's records, as stored columns (the tag list aside).
  public static func dimensions(_ table: MetricTableKind) -> [String] {
    switch table {
    case .tickets: Catalog.dimensions.filter { $0 != "tag" }
    case .chats: GroupPlan.chatDimensions.filter { $0 != "tag" }
    }
  }

  /// A record's day in the report zone (days since 1970-01-01), nil for a missing instant.
  public static func day(_ ms: Int64, _ zone: ZoneRules) -> Int? {
    guard ms != TicketColumns.null else { return nil }
    return Int(zone.localSecond(fromUTC: ms.floorDiv(1000)).floorDiv(86_400))
  }

  /// A record's hour of the week in the report zone (Monday 00:00 = 0 … Sunday 23:00 = 167).
  public static func hourOfWeek(_ ms: Int64, _ zone: ZoneRules) -> Int? {
    guard ms != TicketColumns.null else { return nil }
    let local = zone.localSecond(fromUTC: ms.floorDiv(1000))
    let d = Int(local.floorDiv(86_400))
    let hour = Int(local - Int64(d) * 86_400) / 3600
    return (((d + 3) % 7 + 7) % 7) * 24 + hour
  }
}
