/// Display names of people and groups by the ids exports carry (Zendesk's `assignee_id`,
/// `requester_id`, `group_id`; Freshdesk's `responder_id`, …), read from a users or groups export
/// or a `people:` CSV. Reports show the names; the CSVs keep the ids.
public struct NameDirectory: Sendable, Equatable {
  /// Users (agents and requesters share one id space in every vendor's export) by id.
  public var people: [String: String] = [:]
  /// Groups (teams) by id.
  public var groups: [String: String] = [:]

  /// Whether requesters are named too (off when the report is redacted: a customer's name
  /// would undo the pseudonym).
  public var namesRequesters = true

  public init() {}

  public var isEmpty: Bool { people.isEmpty && groups.isEmpty }

  /// Report columns that hold a user's id, and those that hold a group's.
  public static let peopleColumns: Set<String> = ["assignee", "requester"]
  public static let groupColumns: Set<String> = ["group", "main_group", "fastest_group"]

  /// The name `value` stands for in a column of that name, if the directory has it.
  public func name(of value: String, column: String) -> String? {
    if column == "requester" && !namesRequesters { return nil }
    if Self.peopleColumns.contains(column) { return people[value] }
    if Self.groupColumns.contains(column) { return groups[value] }
    return nil
  }
}
