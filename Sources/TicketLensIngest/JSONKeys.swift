import TicketLensModel

/// The record keys of each JSON format: those its mapper reads, and those its vendor documents
/// that TicketLens deliberately leaves (URLs, internal ids, flags no metric needs). Any other key
/// of a file's records is warned about once per file, with its JSON path and the nearest key
/// the format does read ("did you mean"), so that no field is dropped without a word.
extension JSONFormat {
  /// Keys the mapper reads (top level of a record, after the `wrapperKey`).
  var readKeys: Set<String> {
    switch self {
    case .zendeskJSON:
      [
        "id", "created_at", "updated_at", "subject", "raw_subject", "description", "status",
        "priority", "type", "via", "requester_id", "assignee_id", "group_id", "organization_id",
        "tags", "custom_fields", "satisfaction_rating", "metric_set", "metric_sets",
        "submitter_id", "comments", "audits",
      ]
    case .zendeskTicketMetrics:
      [
        "ticket_id", "updated_at", "solved_at", "reopens", "replies", "reply_time_in_minutes",
        "first_resolution_time_in_minutes", "full_resolution_time_in_minutes",
        "agent_wait_time_in_minutes", "requester_wait_time_in_minutes", "on_hold_time_in_minutes",
      ]
    case .freshdeskJSON:
      [
        "id", "created_at", "updated_at", "subject", "description_text", "description", "status",
        "priority", "source", "type", "requester_id", "email", "name", "responder_id", "group_id",
        "company_id", "custom_fields", "stats", "spam", "deleted", "tags",
      ]
    case .zendeskChat:
      [
        "id", "type", "timestamp", "end_timestamp", "update_timestamp", "missed",
        "department_name", "agent_ids", "agent_names", "rating", "zendesk_ticket_id", "visitor",
        "history", "message", "response_time", "tags",
      ]
    case .intercom:
      [
        "id", "type", "created_at", "updated_at", "admin_assignee_id", "team_assignee_id",
        "source", "conversation_message", "contacts", "user", "conversation_parts",
        "conversation_rating", "tags", "statistics", "state", "open",
      ]
    case .genericChat:
      [
        "id", "type", "visitor_id", "agent_id", "group", "ticket_id", "started_at", "ended_at",
        "updated_at", "first_agent_message_at", "missed", "rating", "messages", "tags",
        "escalated", "escalation",
      ]
    case .helpCenter:
      [
        "id", "title", "body", "label_names", "section_id", "locale", "html_url", "draft",
        "created_at", "edited_at", "updated_at",
      ]
    case .mappedTickets, .genericTickets:
      Set(TicketFormat.genericColumns)
    }
  }

  /// Keys the vendor documents that no TicketLens field needs.
  var documentedKeys: Set<String> {
    switch self {
    case .zendeskJSON:
      [
        "url", "external_id", "recipient", "collaborator_ids", "follower_ids", "email_cc_ids",
        "forum_topic_id", "problem_id", "has_incidents", "is_public", "due_at",
        "sharing_agreement_ids", "custom_status_id", "fields", "followup_ids", "ticket_form_id",
        "brand_id", "allow_channelback", "allow_attachments", "from_messaging_channel",
        "generated_timestamp", "encoded_id", "result_type", "dates", "comment_count",
        "collaborators", "macro_ids", "safe_update", "updated_stamp", "satisfaction_probability",
      ]
    case .zendeskTicketMetrics:
      [
        "id", "url", "created_at", "group_stations", "assignee_stations", "assignee_updated_at",
        "requester_updated_at", "status_updated_at", "initially_assigned_at", "assigned_at",
        "latest_comment_added_at", "custom_status_updated_at", "reply_time_in_seconds",
      ]
    case .freshdeskJSON:
      [
        "cc_emails", "fwd_emails", "reply_cc_emails", "ticket_cc_emails", "to_emails",
        "email_config_id", "product_id", "due_by", "fr_due_by", "nr_due_by", "nr_escalated",
        "attachments", "facebook_id", "twitter_id", "phone", "unique_external_id",
        "source_additional_info", "structured_description", "association_type",
        "associated_tickets_count", "requester", "company", "sentiment_score",
        "initial_sentiment_score", "support_email", "form_id", "internal_agent_id",
        "internal_group_id", "custom_status", "fr_escalated", "is_escalated", "conversations",
        "priority_name", "status_name", "source_name",
      ]
    case .zendeskChat:
      [
        "duration", "unread", "department_id", "comment", "session", "triggered",
        "triggered_response", "webpath", "count", "conversions", "started_by", "referrer_url",
        "url", "zendesk_ticket", "deleted",
      ]
    case .intercom:
      [
        "waiting_since", "snoozed_until", "first_contact_reply", "read", "priority",
        "sla_applied", "teammates", "title", "custom_attributes", "topics", "ticket",
        "linked_objects", "ai_agent_participated", "ai_agent", "assignee", "customers",
        "customer_first_reply", "tags_added",
      ]
    case .helpCenter:
      [
        "url", "author_id", "comments_disabled", "outdated", "outdated_locales", "promoted",
        "position", "vote_sum", "vote_count", "source_locale", "user_segment_id",
        "permission_group_id", "content_tag_ids", "html_url", "name",
      ]
    case .genericChat, .mappedTickets, .genericTickets: []
    }
  }

  /// The JSON ticket formats a file may be read as (see `InputOpener`'s re-detection).
  static let ticketFormats: [JSONFormat] = [.zendeskJSON, .freshdeskJSON, .genericTickets]
}

/// Keys of the first records of a file, each with the JSON path where it was first seen.
struct KeySample {
  /// Key → path (and NDJSON line) of its first occurrence, in the order first seen.
  var paths: [(key: String, path: String, line: Int?)] = []
  private var seen: Set<String> = []
  /// Records sampled.
  var records = 0
  static let limit = 500

  mutating func add(_ v: JSONValue, path: String, line: Int? = nil) {
    guard v.kind == .object else { return }
    records += 1
    for (k, _) in v.members where seen.insert(k).inserted {
      paths.append((k, path.isEmpty || path == "$" ? "$.\(k)" : "\(path).\(k)", line))
    }
  }

  /// How many sampled keys `format` reads.
  func fit(_ format: JSONFormat) -> Int {
    let read = format.readKeys
    return paths.count { read.contains($0.key) }
  }

  /// One warning per key `format` neither reads nor knows, naming its path and the nearest key
  /// the format reads, or the format that reads it.
  func warnings(_ format: JSONFormat, file: String, rename: [String: String] = [:]) -> [IngestIssue]
  {
    let read = format.readKeys.union(rename.keys)
    let known = read.union(format.documentedKeys)
    return paths.filter { !known.contains($0.key) }.map { k, path, line in
      var hint = ""
      if let near = Self.nearest(k, in: read) {
        hint = "; did you mean '\(near)'?"
      } else if let other = JSONFormat.allCases.first(where: {
        $0 != format && $0 != .mappedTickets && $0.kind == format.kind
          && $0.readKeys.contains(k)
      }) {
        hint = "; it is a field of \(other.rawValue)"
      }
      return IngestIssue(
        .unknownColumn, .warning, at: InputLocation(file: file, line: line, field: path),
        "unknown key '\(k)' is ignored (format \(format.rawValue))\(hint)")
    }
  }

  /// The key of `keys` nearest to `key` in edit distance (at most 2, and less than half the
  /// key's length; ties by name).
  static func nearest(_ key: String, in keys: Set<String>) -> String? {
    let a = Array(key.lowercased().utf8)
    var best: (String, Int)?
    for k in keys.sorted() {
      let d = distance(a, Array(k.utf8))
      if d <= 2, d * 2 < a.count, d < (best?.1 ?? Int.max) { best = (k, d) }
    }
    return best?.0
  }

  /// Levenshtein distance of two byte strings.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        current[j] = Swift.min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
