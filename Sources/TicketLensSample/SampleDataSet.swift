import Foundation
import TicketLensModel

/// Writes the whole sample data set: every supported format, sized from one ticket count.
public enum SampleDataSet {
  /// Writes into `dir`; returns (file, records) in the order written.
  public static func write(
    to dir: String, tickets: Int, zendeskCSVTickets: Int? = nil, seed: UInt64, days: Int,
    accountZone: ZoneRules
  ) throws(SampleError) -> [(String, Int)] {
    do {
      try FileManager.default.createDirectory(
        atPath: dir + "/kb", withIntermediateDirectories: true)
    } catch {
      throw SampleError(message: "\(dir): cannot create: \(error.localizedDescription)")
    }
    func options(_ n: Int, _ s: UInt64) -> SampleOptions {
      var o = SampleOptions(tickets: n, seed: s)
      o.days = days
      return o
    }
    var out: [(String, Int)] = []
    func file(_ name: String) -> String { dir + "/" + name }
    let generic = SampleGenerator(options: options(tickets, seed))
    out.append(("tickets.csv", try generic.write(.genericCSV, to: file("tickets.csv"))))
    let zcsv = SampleGenerator(
      options: options(zendeskCSVTickets ?? max(1, tickets / 4), seed &+ 1))
    out.append(
      (
        "zendesk_tickets.csv",
        try zcsv.write(.zendeskCSV, to: file("zendesk_tickets.csv"), zone: accountZone)
      ))
    let small = max(1, tickets / 10)
    let zjson = SampleGenerator(options: options(small, seed &+ 2))
    out.append(
      (
        "zendesk/tickets.ndjson",
        try zjson.write(
          .zendeskNDJSON, count: small, to: ensure(dir + "/zendesk", "tickets.ndjson"))
      ))
    out.append(
      (
        "zendesk/ticket_metrics.json",
        try zjson.write(
          .zendeskTicketMetrics, count: small, to: file("zendesk/ticket_metrics.json"))
      ))
    let zxml = SampleGenerator(options: options(max(1, tickets / 20), seed &+ 3))
    out.append(
      (
        "zendesk_tickets.xml",
        try zxml.write(.zendeskXML, count: max(1, tickets / 20), to: file("zendesk_tickets.xml"))
      ))
    let fd = SampleGenerator(options: options(max(1, tickets / 20), seed &+ 4))
    out.append(
      (
        "freshdesk_tickets.json",
        try fd.write(
          .freshdeskJSON, count: max(1, tickets / 20), to: file("freshdesk_tickets.json"))
      ))
    let fdc = SampleGenerator(options: options(max(1, tickets / 20), seed &+ 5))
    try save(fdc.freshdeskCSV(count: max(1, tickets / 20)), file("freshdesk_tickets.csv"))
    out.append(("freshdesk_tickets.csv", max(1, tickets / 20)))
    let chats = SampleGenerator(options: options(max(1, tickets / 6), seed &+ 6))
    out.append(
      (
        "chats.ndjson",
        try chats.write(.genericChat, count: max(1, tickets / 6), to: file("chats.ndjson"))
      ))
    let zc = SampleGenerator(options: options(max(1, tickets / 20), seed &+ 7))
    out.append(
      (
        "zendesk_chats.json",
        try zc.write(.zendeskChat, count: max(1, tickets / 20), to: file("zendesk_chats.json"))
      ))
    let ic = SampleGenerator(options: options(max(1, tickets / 20), seed &+ 8))
    out.append(
      (
        "intercom_conversations.json",
        try ic.write(
          .intercom, count: max(1, tickets / 20), to: file("intercom_conversations.json"))
      ))
    let kb = SampleKnowledgeBase.helpCenterJSON()
    try save(kb, file("help_center_articles.json"))
    out.append(("help_center_articles.json", SampleKnowledgeBase.coveredTopics.count))
    for (name, text) in SampleKnowledgeBase.markdownArticles() {
      try save(text, file("kb/" + name))
      out.append(("kb/" + name, 1))
    }
    let terms = SampleKnowledgeBase.searchTermsCSV(
      days: days, start: SampleOptions(tickets: 1).start, seed: seed)
    try save(terms, file("search_terms.csv"))
    out.append(("search_terms.csv", terms.split(separator: "\n").count - 1))
    try save(zendeskUsers(), file("zendesk_users.json"))
    out.append(("zendesk_users.json", SampleGenerator.agentNames.count))
    return out
  }

  /// The agents as Zendesk's users export lists them (`GET /api/v2/users?role[]=agent`): the
  /// ids the Zendesk and generic exports carry for assignees, with their names (pipeline
  /// `people:`).
  static func zendeskUsers() -> String {
    let users = SampleGenerator.agentNames.enumerated().map { i, name in
      let email = name.lowercased().filter { $0.isLetter || $0 == " " }
        .replacingOccurrences(of: " ", with: ".")
      return "    {\"id\": \(381_234_500 + i), \"name\": \(JSONQuote.quote(name)), "
        + "\"email\": \(JSONQuote.quote(email + "@example.com")), \"role\": \"agent\", "
        + "\"active\": true}"
    }
    return "{\n  \"users\": [\n" + users.joined(separator: ",\n")
      + "\n  ],\n  \"next_page\": null,\n  \"count\": \(users.count)\n}\n"
  }

  static func ensure(_ dir: String, _ name: String) throws(SampleError) -> String {
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw SampleError(message: "\(dir): cannot create: \(error.localizedDescription)")
    }
    return dir + "/" + name
  }

  static func save(_ text: String, _ path: String) throws(SampleError) {
    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
      throw SampleError(message: "\(path): cannot write")
    }
  }
}
