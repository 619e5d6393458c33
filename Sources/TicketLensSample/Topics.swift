/// What customers write about: topics with subject and body phrasings and their word variants.
struct Topic: Sendable {
  var name: String
  /// Whether the generated knowledge base has an article for this topic (the others are the
  /// knowledge gaps a gap finder should report).
  var covered: Bool = false
  var group: String
  var weight: Double
  var tags: [String]
  var subjects: [String]
  var sentences: [String]
  /// Filled into `{x}` placeholders.
  var fillers: [String]
}

enum Topics {
  static let all: [Topic] = [
    Topic(
      name: "refund", covered: true, group: "billing", weight: 14, tags: ["billing", "refund"],
      subjects: [
        "Charged twice, need refund", "Refund for order {x}", "Double charge on my card",
        "Where is my refund?", "Requesting a refund for {x}", "I was billed twice for {x}",
      ],
      sentences: [
        "My card was charged twice for order {x}.",
        "I still have not received the refund you promised.",
        "Can you refund one of the payments?", "The bank statement shows two identical charges.",
        "It has been more than a week since I asked for my money back.",
      ],
      fillers: ["#7781", "#10442", "the annual plan", "my last invoice", "the March renewal"]),
    Topic(
      name: "password", covered: true, group: "accounts", weight: 12, tags: ["login", "password"],
      subjects: [
        "Can't log in", "Password reset link not working", "Locked out of my account",
        "Reset email never arrives", "Login fails with {x}",
      ],
      sentences: [
        "I tried to reset my password but the link has expired.",
        "The reset email never arrives, I checked spam.",
        "After three attempts the account got locked.", "The login page just says {x}.",
        "I need access today for a deadline.",
      ],
      fillers: ["'invalid credentials'", "error 401", "'something went wrong'", "a blank page"]),
    Topic(
      name: "shipping", covered: true, group: "logistics", weight: 11,
      tags: ["shipping", "delivery"],
      subjects: [
        "Where is my order?", "Package not delivered", "Tracking shows no movement for {x}",
        "Delivery is late", "Wrong address on shipment {x}",
      ],
      sentences: [
        "The tracking number has not updated in five days.",
        "The courier says it was delivered but nothing arrived.",
        "Can you change the delivery address for {x}?",
        "I ordered express shipping and it is still not here.",
        "Please send a replacement if the parcel is lost.",
      ],
      fillers: ["order 55120", "parcel DE8812", "my package", "order 66013"]),
    Topic(
      name: "invoice", covered: true, group: "billing", weight: 8, tags: ["billing", "invoice"],
      subjects: [
        "Need a copy of invoice {x}", "Change company address on invoices",
        "VAT number missing on invoice",
        "Invoice shows the wrong amount",
      ],
      sentences: [
        "Our accounting needs the VAT number printed on every invoice.",
        "Please resend invoice {x} as PDF.",
        "The company name on the invoice is outdated.",
        "The amount does not match the quote we agreed.",
      ],
      fillers: ["INV-2026-0113", "INV-2026-0402", "for February", "for the last quarter"]),
    Topic(
      name: "export", group: "technical", weight: 7, tags: ["export", "data"],
      subjects: [
        "CSV export is empty", "Export times out for {x}", "Data export missing columns",
        "Cannot download report",
      ],
      sentences: [
        "When I export the report the CSV file only has a header.",
        "The export spinner runs forever for {x}.",
        "Columns like region and owner are missing from the export.",
        "The download button does nothing in Firefox.",
      ],
      fillers: ["large date ranges", "the yearly report", "all contacts", "last month"]),
    Topic(
      name: "integration", group: "technical", weight: 6, tags: ["api", "integration"],
      subjects: [
        "API returns 500 on {x}", "Webhook not firing", "Slack integration disconnected",
        "Rate limit errors from the API",
      ],
      sentences: [
        "Since yesterday every call to {x} fails with a server error.",
        "Our webhook endpoint receives nothing anymore.",
        "The Slack app keeps asking us to reconnect.",
        "We hit rate limits even though we send few requests.",
      ],
      fillers: ["/v2/orders", "/v2/customers", "the search endpoint", "bulk updates"]),
    Topic(
      name: "cancel", covered: true, group: "accounts", weight: 6,
      tags: ["cancellation", "subscription"],
      subjects: [
        "Cancel my subscription", "How do I close my account?", "Stop automatic renewal",
        "Downgrade to the free plan",
      ],
      sentences: [
        "Please cancel my subscription at the end of this period.",
        "I cannot find where to turn off auto-renewal.",
        "We no longer need the team plan, please downgrade us.",
        "Delete my account and all my data.",
      ],
      fillers: ["this month", "immediately", "before {x}"]),
    Topic(
      name: "bug", group: "technical", weight: 8, tags: ["bug"],
      subjects: [
        "App crashes when {x}", "Button does not work", "Page loads forever",
        "Error message after update",
      ],
      sentences: [
        "The app crashes every time I {x}.", "After the latest update the dashboard stays blank.",
        "Clicking save does nothing and my changes are lost.",
        "I see an error saying 'unexpected token'.",
      ],
      fillers: ["open settings", "upload a photo", "switch workspaces", "print a label"]),
    Topic(
      name: "feature", group: "product", weight: 4, tags: ["feature_request"],
      subjects: ["Feature request: {x}", "Would love {x}", "Suggestion for the dashboard"],
      sentences: [
        "It would help us a lot to have {x}.", "Is {x} on your roadmap?",
        "Other tools we use already offer this.",
      ],
      fillers: ["dark mode", "two-factor login via SMS", "bulk editing", "a calendar view"]),
    Topic(
      name: "sso", group: "accounts", weight: 3, tags: ["sso", "login"],
      subjects: ["SAML SSO setup fails", "Okta login loops", "SSO certificate expired"],
      sentences: [
        "Our SAML assertion is rejected with an audience mismatch.",
        "Users end up in a redirect loop after the Okta login.",
        "The identity provider certificate expired and nobody can log in.",
      ],
      fillers: ["Okta", "Azure AD", "Google Workspace"]),
  ]
}
