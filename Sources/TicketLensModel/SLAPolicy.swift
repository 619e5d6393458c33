/// Service-level targets per priority, in minutes of calendar time or of a schedule's
/// business time.
public struct SLAPolicy: Sendable {
  public var name: String
  public var firstReply: [TicketPriority: Double]
  public var resolution: [TicketPriority: Double]
  /// Business hours the targets count in; nil for calendar time.
  public var schedule: BusinessSchedule?

  public init(
    name: String, firstReply: [TicketPriority: Double] = [:],
    resolution: [TicketPriority: Double] = [:], schedule: BusinessSchedule? = nil
  ) {
    self.name = name
    self.firstReply = firstReply
    self.resolution = resolution
    self.schedule = schedule
  }
}
