import TicketLensModel
import TicketLensWarehouse

/// What to compute: a metric, its grouping, filters and statistics.
public struct MetricQuery: Sendable {
  public var metric: MetricDefinition
  /// Dimensions to group by, in output column order (after the grain column).
  public var by: [String] = []
  public var grain: Grain?
  /// Inclusive cohort date range in the report zone.
  public var from: CivilDate?
  public var to: CivilDate?
  /// Equality filters on dimensions (`none` matches a missing value).
  public var filters: [(dimension: String, value: String)] = []
  public var stats: [Statistic] = [.count, .median, .p90]
  public var unit: DurationUnit = .minutes
  /// Emit every period in range for time series (zero counts).
  public var fill = false
  public var zone: ZoneRules = .utc
  /// Durations in the schedule's business hours instead of calendar time.
  public var business = false

  public init(metric: MetricDefinition) { self.metric = metric }
}

extension Statistic {
  public static let p90 = Statistic.percentile(90)
}

/// The unit durations are reported in.
public enum DurationUnit: String, Sendable, CaseIterable {
  case minutes, seconds, hours

  var perMillisecond: Double {
    switch self {
    case .seconds: 1.0 / 1000
    case .minutes: 1.0 / 60_000
    case .hours: 1.0 / 3_600_000
    }
  }
}

/// A query that cannot run as asked.
public struct MetricQueryError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// Everything a metric query reads: the loaded columns and the run's settings.
public struct MetricData: Sendable {
  public var tickets: TicketColumns
  public var chats: ChatColumns
  /// The instant the data describes (SLA clocks of unreplied tickets stop here).
  public var asOf: Instant
  /// The business-hours schedule for `--business` durations.
  public var schedule: BusinessSchedule?
  public var sla: SLAPolicy?
  /// What marks a ticket as escalated.
  public var escalation = EscalationRule()
  /// The columns `tickets` and `chats` hold (the others are empty): a query needing one that
  /// is not here is refused.
  public var loaded = ColumnSelection.all
  /// Names merged because they differ only in case or spacing (reported with the run).
  public var spellingMerges: [SpellingMerge] = []

  public init(tickets: TicketColumns, chats: ChatColumns = ChatColumns(), asOf: Instant) {
    self.tickets = tickets
    self.chats = chats
    self.asOf = asOf
  }
}

/// What marks a ticket as escalated (a pipeline's `escalation:`): an escalation tag, a group
/// that only handles escalations, or a recorded escalation instant (an `escalated_at` column, or
/// a change event that raised the priority or added an escalation tag).
public struct EscalationRule: Sendable, Equatable {
  public var tags: [String] = ["escalated", "escalation", "tier2"]
  /// Tier-2 groups: a ticket in one of them was escalated to it.
  public var groups: [String] = []

  public init(tags: [String] = ["escalated", "escalation", "tier2"], groups: [String] = []) {
    self.tags = tags
    self.groups = groups
  }
}
