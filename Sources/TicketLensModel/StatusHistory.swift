/// Time spent in each status, from a ticket's status changes (Zendesk audits).
public enum StatusHistory {
  /// One change: from `at` on, the ticket is in `status`.
  public struct Change: Sendable, Hashable {
    public var at: Instant
    public var status: TicketStatus
    public init(at: Instant, status: TicketStatus) {
      self.at = at
      self.status = status
    }
  }

  /// Minutes in New + Open + On-hold (requester wait), Pending (agent wait) and On-hold, from
  /// creation up to the final solve. Nil when the ticket was never solved (the durations do not
  /// exist yet) or there are no changes.
  public static func durations(created: Instant, changes: [Change]) -> (
    requesterWait: Double, agentWait: Double, onHold: Double
  )? {
    let sorted = changes.sorted { $0.at < $1.at }
    guard let finalSolve = sorted.lastIndex(where: { $0.status.isSolved }) else { return nil }
    var requester = 0.0
    var agent = 0.0
    var hold = 0.0
    var status = TicketStatus.new
    var since = created
    for change in sorted[...finalSolve] {
      let at = max(change.at, since)
      let minutes = since.minutes(until: at)
      switch status {
      case .new, .open: requester += minutes
      case .onHold:
        requester += minutes
        hold += minutes
      case .waitingOnCustomer: agent += minutes
      case .solved, .closed, .deleted: break
      }
      status = change.status
      since = at
    }
    return (requester, agent, hold)
  }
}
