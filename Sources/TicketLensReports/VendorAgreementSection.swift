import TicketLensMetrics

/// Where our first reply and resolution times disagree with the helpdesk's own minutes, per
/// source (`vendor_agreement.csv`); nothing when no export gives them.
public enum VendorAgreementSection {
  public static func make(_ facts: MetricData) -> ReportSection {
    let agreement = VendorAgreement.table(facts)
    guard !agreement.rows.isEmpty else { return ReportSection() }
    return ReportSection(metrics: [
      ReportMetric(
        title: "Where our times disagree with the helpdesk's",
        definition:
          "Tickets whose export also gives the helpdesk's own minutes: our first reply (created to first public agent reply) and full resolution (created to last solve) against the export's calendar minutes; disagree: more than 1 minute apart (the helpdesk's minutes are whole).",
        table: agreement, csvName: "vendor_agreement.csv", chart: nil)
    ])
  }
}
