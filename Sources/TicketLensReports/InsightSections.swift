import TicketLensInsights
import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// The knowledge-gap part of the report: the gap list (and its headline tile), every topic with
/// its best article, unanswered searches and stale articles.
public enum GapSection {
  public static func make(_ a: GapAnalysis, settings: GapSettings) -> ReportSection {
    var out = ReportSection()
    out.kpis.append(
      KPI(
        label: "Knowledge gaps", value: String(a.gaps.count),
        note: "of \(a.topics.count) topics in the last \(settings.windowDays) days"
          + (a.sampled.map { " (from a sample of \($0) of \(a.contacts) contacts)" } ?? "")))
    out.metrics.append(
      ReportMetric(
        title: "Knowledge gaps",
        definition:
          "Topics of tickets and chats in the last \(settings.windowDays) days (at least \(settings.minTickets) contacts, grouped by meaning) that no article answers: "
          + (a.textModel == .sentence
            ? "the articles' sentences, spread through the graph of contacts, reach their contacts less than \(Presentation.grouped(settings.coverMass, decimals: 2)) of what they reach of a typical contact."
            : "their nearest article answers another topic better, or is far (similarity below \(Presentation.grouped(a.scale.matchFloor, decimals: 2)): \(Presentation.grouped(settings.matchThreshold, decimals: 2)) of the way from \(Presentation.grouped(a.scale.articles, decimals: 2)), the mean similarity of a contact and an article here, to 1).")
          + " Ranked by contacts × (1 − similarity) × relative resolution time. Trend: change of the topic's share against the \(settings.windowDays) days before."
          + (a.textModel == .sentence
            ? " Texts read by the sentence model (all-MiniLM-L6-v2)."
            : " Texts read by the static embedding distilled from all-MiniLM-L6-v2.")
          + (a.sampled.map {
            " Read from an even sample of \($0) of the window's \(a.contacts) contacts: counts are the sample's, scaled to the window."
          } ?? ""),
        table: a.gapTable(), csvName: "gaps.csv", chart: nil))
    out.metrics.append(
      ReportMetric(
        title: "Topics and their best article",
        definition:
          "Every topic with its contacts, trend, its nearest article and their similarity, whether it is a gap, and its most typical tickets.",
        table: a.topicTable(), csvName: "topics.csv", chart: nil))
    let searches = a.searchGapTable()
    if !searches.rows.isEmpty {
      out.metrics.append(
        ReportMetric(
          title: "Searches without an answer",
          definition:
            "Help-center searches (at least \(settings.minSearches) in the window) that found no article, or found some that nobody opened.",
          table: searches, csvName: "search_gaps.csv", chart: nil))
    }
    let stale = a.staleArticleTable()
    if !stale.rows.isEmpty {
      out.metrics.append(
        ReportMetric(
          title: "Stale articles of growing topics",
          definition:
            "Articles that cover a topic whose share grew more than 10 % while the article has not been updated for \(settings.staleDays) days.",
          table: stale, csvName: "stale_articles.csv", chart: nil))
    }
    return out
  }
}

/// The classifiers' part: held-out quality, the category confusion table and the urgent-looking
/// tickets (`classifier_quality.csv`, `category_confusion.csv`, `urgent_looking.csv`).
public enum ClassifierSection {
  /// `urgent` is nil when no priority model was trained.
  public static func make(
    models: [StoredClassifierModel], urgent: [UrgentLooking]?, zone: ZoneRules,
    settings: CategorySettings
  ) -> ReportSection {
    var out = ReportSection()
    guard !models.isEmpty else { return out }
    let percent = Presentation.percent
    let holdout = Int((settings.holdoutShare * 100).rounded())
    let category = models.first { $0.model == "category" }
    if let category {
      let e = ClassifierEvaluation(category)
      if e.total > 0 {
        out.kpis.append(
          KPI(
            label: "Category accuracy", value: percent(e.accuracy),
            note: "on \(e.total) held-out tickets; macro-F1 \(percent(e.macroF1))"))
      }
    }
    out.metrics.append(
      ReportMetric(
        title: "Category and priority classifiers",
        definition:
          "Multinomial naive Bayes over TF-IDF words and word pairs of subject and description. Trained on the tickets that record a category (or a priority), measured on a fixed \(holdout) % of them held out; majority_baseline is the accuracy of always answering the commonest class. Tickets without a category get the predicted one (category dimension).",
        table: ClassifierTables.quality(models), csvName: "classifier_quality.csv", chart: nil))
    if let category, category.holdout > 0 {
      out.metrics.append(
        ReportMetric(
          title: "Category confusion on held-out tickets",
          definition:
            "Rows: the category recorded on a held-out ticket; columns: the category predicted from its text. Recorded categories can themselves be wrong.",
          table: ClassifierTables.confusion(category), csvName: "category_confusion.csv",
          chart: nil))
    }
    if let urgent {
      out.kpis.append(
        KPI(
          label: "Urgent-looking, low priority",
          value: String(urgent.count { !["solved", "closed"].contains($0.status ?? "") }),
          note: "unresolved (\(urgent.count) in all)"))
      out.metrics.append(
        ReportMetric(
          title: "Urgent-looking tickets with a low priority",
          definition:
            "Tickets with priority low, normal or none whose text gives high or urgent a probability of at least \(percent(settings.urgentThreshold)) under the priority model, unresolved ones first; why: the words that raised it most.",
          table: ClassifierTables.urgentLooking(urgent, zone: zone), csvName: "urgent_looking.csv",
          chart: nil))
    }
    return out
  }
}

/// Escalation rates and times by category, channel and priority, and the routing suggestions
/// (`escalations.csv`, `routing.csv`).
public enum EscalationSection {
  public static func make(
    facts: MetricData, zone: ZoneRules, threads: Int, minGroupTickets: Int
  ) throws -> ReportSection {
    var out = ReportSection()
    let analysis = EscalationAnalysis(
      zone: zone, threads: threads, minGroupTickets: minGroupTickets)
    var overall = MetricQuery(metric: Catalog.escalationRate)
    overall.zone = zone
    if let row = try MetricEngine(threads: threads).run(overall, data: facts).rows.first,
      case .real(let rate) = row[2]
    {
      out.kpis.append(
        KPI(
          label: "Escalation rate", value: Presentation.percent(rate),
          note: "\(Presentation.display(row[1], column: "escalated")) escalated"))
    }
    out.metrics.append(
      ReportMetric(
        title: "Escalations by category, channel and priority",
        definition: Catalog.escalationRate.definition
          + " timed: escalated tickets whose export says when; median_minutes_to_escalation: created to first escalation.",
        table: try analysis.escalationTable(facts), csvName: "escalations.csv", chart: nil))
    out.metrics.append(
      ReportMetric(
        title: "Routing: which group resolves each category fastest",
        definition:
          "Median full resolution time of each category's solved tickets per group; the fastest group among those that resolved at least \(minGroupTickets) of them, next to the group that resolves the most. median_minutes_saved: main minus fastest; evidence: clear when the two medians' 95 % confidence intervals do not overlap (only then is rerouting worth trying).",
        table: try analysis.routingTable(facts), csvName: "routing.csv", chart: nil))
    return out
  }
}

/// Tickets to look at again (`follow_ups.csv`).
public enum FollowUpSection {
  public static func make(_ table: MetricTable) -> ReportSection {
    ReportSection(metrics: [
      ReportMetric(
        title: "Follow-ups",
        definition:
          "Tickets to look at again, most urgent first (priority × 10 + days since the last update): waiting on the customer more than 3 days, unresolved with a negative customer, or solved in the last 14 days, rated bad and not touched since.",
        table: table, csvName: "follow_ups.csv", chart: nil)
    ])
  }
}
