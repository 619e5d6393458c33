import Dispatch
import TicketLensModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Settings for generated sample exports.
public struct SampleOptions: Sendable {
  public var tickets: Int
  public var seed: UInt64
  /// First day of the generated period (UTC).
  public var start = CivilDate(year: 2026, month: 1, day: 5)
  public var days = 91
  /// Share of records written broken on purpose (bad timestamp, bad value, ragged row).
  public var dirtyRate = 0.002
  /// Share of tickets that also appear as an older version earlier in the same file.
  public var duplicateRate = 0.005

  public init(tickets: Int, seed: UInt64 = 42) {
    self.tickets = tickets
    self.seed = seed
  }
}

/// One generated ticket before it is written in some export format.
struct SampleTicket {
  var id: Int
  var topic: Int
  var subject: String
  var description: String
  /// The recorded contact reason (a topic name, occasionally the wrong one), or nil.
  var contactReason: String?
  var status: String
  var priority: String?
  var channel: String?
  var requester: Int
  var assignee: Int?
  var group: String?
  var tags: [String]
  var created: Int64  // seconds
  var updated: Int64
  /// When the ticket was escalated (seconds), for tickets tagged `escalated`.
  var escalated: Int64?
  var firstReply: Int64?
  var solved: Int64?
  var reopens: Int
  var replies: Int
  var satisfaction: String?
  var dirty: Int  // 0 clean, 1 bad timestamp, 2 bad priority, 3 ragged
  var olderVersion: Bool
}

/// Generates realistic helpdesk exports: topics with varied wording, weekday and hour seasonality,
/// growth over the period, a few busy agents and many quiet ones, repeat requesters, missing
/// values, multi-line quoted descriptions, a few broken records and duplicate versions.
///
/// The output depends only on the options (seed included), never on the thread count.
public struct SampleGenerator: Sendable {
  public let options: SampleOptions
  let cumulative: [Double]
  let agentTable: [Double]
  let requesterTable: [Double]
  let startSecond: Int64

  public static let agentNames = [
    "Priya N", "Tom Becker", "Ana Souza", "@Ops Desk", "Kenji Sato", "Lea Martin", "Omar Haddad",
    "Sara Lind", "Jonas Vogel", "Maria Rossi", "Chen Wei", "Fatima Zahra", "Luis Ortega",
    "Eva Novak", "Noah Fischer", "Aisha Bello", "Marek Kowalski", "Ingrid Berg", "Ravi Kumar",
    "Zoe Laurent", "Yuki Tanaka", "Daniel Cohen", "Olga Ivanova", "Pedro Alves", "Hannah Weiss",
  ]

  public init(options: SampleOptions) {
    self.options = options
    startSecond = Int64(options.start.daysSinceEpoch) * 86_400
    // Hourly intensity: growth, weekday seasonality and a daytime profile.
    let hourly: [Double] = [
      0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.45, 0.8, 1.2, 1.5, 1.6, 1.55, 1.4, 1.5, 1.55, 1.45, 1.3,
      1.1, 0.9, 0.75, 0.6, 0.45, 0.3, 0.2,
    ]
    var acc = 0.0
    var cum: [Double] = []
    cum.reserveCapacity(options.days * 24)
    for d in 0..<options.days {
      let wd = options.start.adding(days: d).isoWeekday
      let weekday = wd >= 6 ? 0.35 : (wd == 1 ? 1.15 : 1.0)
      let growth = 1 + 0.6 * Double(d) / Double(max(1, options.days))
      for h in 0..<24 {
        acc += growth * weekday * hourly[h]
        cum.append(acc)
      }
    }
    cumulative = cum
    agentTable = RandomSource.zipfTable(Self.agentNames.count, s: 1.1)
    requesterTable = RandomSource.zipfTable(max(10, options.tickets / 3), s: 0.9)
  }

  /// The instant the data describes: the end of the generated period.
  public var asOf: Int64 { startSecond + Int64(options.days) * 86_400 }

  /// The topic the generator wrote ticket `i` about (its generic-CSV id is 100000 + i); the
  /// knowledge-gap tests compare the gap finder's topics with these.
  public func topicName(ofTicket i: Int) -> String { Topics.all[ticket(i).topic].name }

  func ticket(_ i: Int) -> SampleTicket {
    var r = RandomSource(seed: options.seed &* 0x2545_F491_4F6C_DD1D ^ UInt64(i) &* 0x9E37_79B9)
    // Creation time from the intensity curve: monotone in i, jittered within the hour.
    let u =
      (Double(i) + r.unit()) / Double(max(1, options.tickets)) * cumulative[cumulative.count - 1]
    var lo = 0
    var hi = cumulative.count - 1
    while lo < hi {
      let mid = (lo + hi) / 2
      if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
    }
    let created = startSecond + Int64(lo) * 3600 + Int64(r.int(0..<3600))
    let topicIndex = r.weighted(Topics.all.map(\.weight))
    let topic = Topics.all[topicIndex]
    func fill(_ s: String) -> String {
      guard s.contains("{x}") else { return s }
      let f = r.pick(topic.fillers)
      return s.replacingOccurrences("{x}", f)
    }
    var subject = fill(r.pick(topic.subjects))
    if r.chance(0.15) { subject = subject.lowercased() }
    if r.chance(0.1) { subject += r.pick(["!!", " - urgent", " (again)", "?"]) }
    let sentenceCount = min(topic.sentences.count, 1 + r.int(0..<2))
    var lines: [String] = [r.pick(["Hi,", "Hello team,", "Hi there,", "Good morning,", "Hey,"])]
    var pool = topic.sentences
    for _ in 0..<sentenceCount { lines.append(fill(pool.remove(at: r.int(0..<pool.count)))) }
    if r.chance(0.1) { lines.append("He said \"it should work\" but it doesn't.") }
    lines.append(r.pick(["Thanks", "Regards,\nDana", "Best, Sam", "Thank you!", "Cheers"]))
    let separator = r.chance(0.3) ? "\r\n" : "\n"
    let priorities = ["low", "normal", "high", "urgent"]
    let pIndex = r.weighted([20, 55, 18, 7])
    let priority: String? = r.chance(0.03) ? nil : priorities[pIndex]
    let channels = ["email", "web", "chat", "phone", "api"]
    let channel: String? = r.chance(0.01) ? nil : channels[r.weighted([45, 25, 15, 10, 5])]
    let replyMedian =
      [600.0, 240, 90, 25][pIndex] * (channel == "chat" ? 0.2 : channel == "email" ? 1.3 : 1)
    let replyMinutes = r.logNormal(median: replyMedian, sigma: 1.0)
    let solveHours = r.logNormal(median: 20, sigma: 1.2)
    var firstReply: Int64? = created + Int64(replyMinutes * 60) + 1
    if firstReply! > asOf { firstReply = nil }
    var solved: Int64? = nil
    var status: String
    if let fr = firstReply {
      let s = fr + Int64(solveHours * 3600)
      if s <= asOf {
        solved = s
        status = s < asOf - 4 * 86_400 ? "closed" : "solved"
      } else {
        status = ["open", "pending", "hold"][r.weighted([55, 35, 10])]
      }
    } else {
      status = r.chance(0.6) ? "new" : "open"
    }
    let assignee: Int? =
      (firstReply != nil || r.chance(0.3))
      ? r.zipf(Self.agentNames.count, s: 1.1, table: agentTable) : nil
    let reopens = solved == nil ? 0 : (r.chance(0.07) ? 1 : (r.chance(0.01) ? 2 : 0))
    let replies = firstReply == nil ? 0 : 1 + (r.chance(0.5) ? r.int(0..<4) : 0)
    var satisfaction: String? = nil
    if solved != nil {
      satisfaction = ["good", "bad", "offered", "unoffered"][r.weighted([45, 9, 26, 20])]
    }
    let updated = max(created, firstReply ?? created, solved ?? created) + Int64(r.int(0..<600))
    var tags = topic.tags
    if r.chance(0.1) { tags.append("vip") }
    if r.chance(0.05) { tags.append("escalated") }
    let dirty = r.chance(options.dirtyRate) ? 1 + r.int(0..<3) : 0
    let olderVersion = r.chance(options.duplicateRate)
    // Drawn after the values above, so that adding them left those unchanged.
    // Urgent wording: common in urgent tickets, rare in low ones (what the priority model learns).
    if r.chance([0.02, 0.04, 0.25, 0.6][pIndex]) {
      lines.insert(r.pick(Self.urgentSentences), at: lines.count - 1)
    }
    // The newest ticket has a hostile subject and an angry, unresolved customer, so that the
    // report's follow-up list shows it (a browser test checks the subject stays text).
    if i == options.tickets - 1 {
      subject = Self.hostileSubject
      lines.insert("This is terrible, I am really angry and nothing works!", at: lines.count - 1)
    }
    // The contact reason: a drop-down field that also sets a tag, as Zendesk's do; agents fill
    // it in for three tickets in four and pick a wrong reason for one in thirty.
    var reason: String? = nil
    if r.chance(0.75) {
      reason = r.chance(0.03) ? Topics.all[r.int(0..<Topics.all.count)].name : topic.name
      tags.append("contact_reason_" + reason!)
    }
    // One ticket in five is handled by another group than its topic's; an escalated ticket was
    // escalated some time before it was solved (or last updated), and half of them moved to the
    // tier-2 group.
    var group: String? = r.chance(0.02) ? nil : topic.group
    if group != nil, r.chance(0.2) { group = r.pick(Self.groups) }
    var escalated: Int64? = nil
    if tags.contains("escalated") {
      let end = solved ?? updated
      escalated = created + Int64(r.unit() * 0.5 * Double(max(0, end - created)))
      if r.chance(0.5) { group = "tier2" }
    }
    return SampleTicket(
      id: 100_000 + i, topic: topicIndex, subject: subject,
      description: lines.joined(separator: separator), contactReason: reason,
      status: status, priority: priority, channel: channel,
      requester: r.zipf(requesterTable.count, s: 0.9, table: requesterTable), assignee: assignee,
      group: group, tags: tags, created: created, updated: updated, escalated: escalated,
      firstReply: firstReply, solved: solved, reopens: reopens, replies: replies,
      satisfaction: satisfaction, dirty: dirty, olderVersion: olderVersion)
  }

  /// A subject that tries to run script wherever it is not escaped.
  public static let hostileSubject = "<script>alert(1)</script><img src=x onerror=alert(2)>"

  /// The first-line groups (topics' groups); escalations may go to `tier2`.
  static let groups = ["accounts", "billing", "logistics", "product", "technical"]

  /// What customers write when something is urgent to them.
  static let urgentSentences = [
    "This is blocking our whole team, please treat it as urgent.",
    "Our production system is down right now.",
    "We have a deadline today, please help asap.",
    "Customers cannot check out, we are losing sales every minute.",
    "Please escalate this immediately, it is critical for us.",
  ]

  /// Ticket `i` as a text classifier sees it: subject and description (as the warehouse joins
  /// them), the recorded contact reason, the true topic and the priority.
  public func classifierExample(ofTicket i: Int) -> (
    text: String, recordedReason: String?, topic: String, priority: String?
  ) {
    let t = ticket(i)
    return (t.subject + "\n" + t.description, t.contactReason, Topics.all[t.topic].name, t.priority)
  }

  /// Whether ticket `i`'s description has urgent wording (see `urgentSentences`).
  public func hasUrgentWording(ofTicket i: Int) -> Bool {
    let d = ticket(i).description
    return Self.urgentSentences.contains { d.contains($0) }
  }

  /// The contact reason an agent recorded on ticket `i` (nil when none was), which may be wrong.
  public func contactReason(ofTicket i: Int) -> String? { ticket(i).contactReason }

  /// Writes the export in `format` to `path`; returns the number of records written.
  @discardableResult
  public func write(_ format: SampleFormat, to path: String, zone: ZoneRules = .utc)
    throws(SampleError)
    -> Int
  {
    let n = options.tickets
    let chunk = 16_384
    let chunks = (n + chunk - 1) / chunk
    let parts = UnsafeMutableBufferPointer<[UInt8]>.allocate(capacity: max(1, chunks))
    parts.initialize(repeating: [])
    defer {
      parts.deinitialize()
      parts.deallocate()
    }
    let box = PartsBox(parts)
    let counts = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, chunks))
    counts.initialize(repeating: 0)
    defer { counts.deallocate() }
    let countBox = CountBox(counts)
    DispatchQueue.concurrentPerform(iterations: chunks) { c in
      var w = SampleWriter(format: format, zone: zone)
      var records = 0
      for i in (c * chunk)..<min(n, (c + 1) * chunk) {
        records += w.append(self.ticket(i))
      }
      box.buffer[c] = w.bytes
      countBox.buffer[c] = records
    }
    guard let f = fopen(path, "wb") else {
      throw SampleError(message: "\(path): cannot create: \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    let header = Array((SampleWriter.header(format) + "\n").utf8)
    var ok = fwrite(header, 1, header.count, f) == header.count
    for c in 0..<chunks where ok {
      let p = parts[c]
      ok = p.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) == $0.count } || p.isEmpty
    }
    guard ok else { throw SampleError(message: "\(path): write failed") }
    return counts.reduce(0, +)
  }
}

/// The export formats the generator writes.
public enum SampleFormat: String, Sendable, CaseIterable {
  case genericCSV = "generic-csv"
  case zendeskCSV = "zendesk-csv"
}

/// The generator could not write its output.
public struct SampleError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var description: String { message }
}

struct PartsBox: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<[UInt8]>
  init(_ b: UnsafeMutableBufferPointer<[UInt8]>) { buffer = b }
}

struct CountBox: @unchecked Sendable {
  let buffer: UnsafeMutableBufferPointer<Int>
  init(_ b: UnsafeMutableBufferPointer<Int>) { buffer = b }
}

extension String {
  func replacingOccurrences(_ target: String, _ replacement: String) -> String {
    var out = ""
    var rest = self[...]
    while let r = rest.range(of: target) {
      out += rest[..<r.lowerBound]
      out += replacement
      rest = rest[r.upperBound...]
    }
    return out + rest
  }
}

extension Substring {
  func range(of target: String) -> Range<Substring.Index>? {
    guard !target.isEmpty else { return nil }
    var i = startIndex
    while i < endIndex {
      if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
      i = index(after: i)
    }
    return nil
  }
}
