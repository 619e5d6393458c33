import Testing

@testable import TicketLensMetrics
@testable import TicketLensModel

/// The Spark SQL compiler's refusals match the engine's, and its literals are safe. (That its
/// results equal the engine's is checked against a real Spark in EndToEndTests/SparkTests.)
@Suite struct SparkSQLTests {
  static func compiler(schedule: Bool = false, sla: Bool = false) -> SparkSQL {
    SparkSQL(
      asOf: Instant(milliseconds: 1_775_433_527_000), zone: .utc,
      ticketValues: Set(
        RecordFacts.specs(.tickets, schedule: schedule, sla: sla).map(\.name)),
      chatValues: Set(RecordFacts.specs(.chats, schedule: schedule, sla: sla).map(\.name)),
      hasSchedule: schedule)
  }

  @Test func queriesTheEngineRefusesAreRefusedWithTheSameMessage() {
    func message(_ q: MetricQuery, _ c: SparkSQL = SparkSQLTests.compiler()) -> String? {
      do {
        _ = try c.compile(q)
        return nil
      } catch { return error.message }
    }
    var business = MetricQuery(metric: Catalog.firstReplyTime)
    business.business = true
    #expect(message(business)?.contains("--business needs a schedule") == true)
    #expect(message(business, Self.compiler(schedule: true)) == nil)
    #expect(
      message(MetricQuery(metric: Catalog.slaFirstReply))?.contains("needs SLA targets") == true)
    #expect(message(MetricQuery(metric: Catalog.slaFirstReply), Self.compiler(sla: true)) == nil)
    var chatByChannel = MetricQuery(metric: Catalog.chatWaitTime)
    chatByChannel.by = ["channel"]
    #expect(message(chatByChannel)?.contains("not available for chat metrics") == true)
    var unknown = MetricQuery(metric: Catalog.ticketsCreated)
    unknown.by = ["chanel"]
    #expect(message(unknown)?.contains("did you mean 'channel'") == true)
    var filled = MetricQuery(metric: Catalog.ticketsCreated)
    filled.fill = true
    filled.grain = .day
    #expect(message(filled)?.contains("--fill") == true)
    var author = MetricQuery(metric: Catalog.chatWaitTime)
    author.filters = [("author", "agent")]
    #expect(message(author)?.contains("chat_messages only") == true)
  }

  @Test func columnsAndKindsFollowTheEngine() throws {
    var q = MetricQuery(metric: Catalog.firstReplyTime)
    q.grain = .week
    q.by = ["assignee", "tag"]
    q.stats = [.count, .mean, .median, .p90, .atMost(60)]
    q.unit = .hours
    let s = try Self.compiler().compile(q)
    #expect(
      s.columns == [
        "week", "assignee", "tag", "count", "mean_hours", "median_hours", "p90_hours",
        "le60_hours",
      ])
    #expect(s.kinds == [.text, .text, .text, .int, .real, .real, .real, .int])
    #expect(s.sql.contains("LATERAL VIEW OUTER explode"))
    #expect(s.sql.contains("v * (1.0D / 3600000.0D)"))
    let rate = try Self.compiler().compile(MetricQuery(metric: Catalog.csat))
    #expect(rate.columns == ["rated", "good", "csat"])
    #expect(rate.kinds == [.int, .int, .real])
  }

  @Test func literalsAndIdentifiersCannotBreakOutOfTheStatement() throws {
    #expect(SparkSQL.literal("it's") == "'it\\'s'")
    #expect(SparkSQL.literal("a\\b") == "'a\\\\b'")
    #expect(SparkSQL.literal("x\ny\u{1}") == "'x\\ny\\u0001'")
    #expect(SparkSQL.identifier("group") == "`group`")
    #expect(SparkSQL.identifier("a`b") == "`a``b`")
    var q = MetricQuery(metric: Catalog.ticketsCreated)
    q.filters = [("assignee", "x'); DROP VIEW tickets; --")]
    let s = try Self.compiler().compile(q)
    #expect(s.sql.contains("`assignee` = 'x\\'); DROP VIEW tickets; --'"))
  }
}
