import TicketLensMetrics
import TicketLensModel
import TicketLensWarehouse

/// The classifiers' results as report tables (each also written as a CSV).
public enum ClassifierTables {
  /// One row per model: how it did on the held-out tickets, next to always guessing the commonest
  /// class (the bar a useful model must clear).
  public static func quality(_ models: [StoredClassifierModel]) -> MetricTable {
    MetricTable(
      metric: "classifier_quality",
      columns: [
        "model", "labelled", "held_out", "accuracy", "macro_f1", "majority_baseline",
        "predicted", "vocabulary",
      ],
      rows: models.map { m in
        let e = ClassifierEvaluation(m)
        let majority = e.confusion.map { $0.reduce(0, +) }.max() ?? 0
        let evaluated = e.total > 0
        return [
          .text(m.model), .int(m.labelled), .int(e.total),
          evaluated ? .real(e.accuracy) : .null, evaluated ? .real(e.macroF1) : .null,
          evaluated ? .real(Double(majority) / Double(e.total)) : .null, .int(m.predicted),
          .int(m.vocabulary),
        ]
      })
  }

  /// The held-out confusion table of one model: a row per actual class, a column per predicted
  /// class, then the class's support, precision, recall and F1.
  public static func confusion(_ m: StoredClassifierModel) -> MetricTable {
    let e = ClassifierEvaluation(m)
    return MetricTable(
      metric: "\(m.model)_confusion",
      columns: ["actual"] + e.classes.map { "predicted_" + $0 } + [
        "tickets", "precision", "recall", "f1",
      ],
      rows: e.classes.indices.map { a in
        let s = e.scores(a)
        return [.text(e.classes[a])] + e.confusion[a].map { Cell.int($0) } + [
          .int(s.support), .real(s.precision), .real(s.recall), .real(s.f1),
        ]
      })
  }

  /// Tickets whose text reads as urgent while their priority is low or normal (unresolved ones
  /// first, then most urgent first), with the words that made them look urgent.
  public static func urgentLooking(_ rows: [UrgentLooking], zone: ZoneRules) -> MetricTable {
    MetricTable(
      metric: "urgent_looking",
      columns: [
        "ticket", "urgency", "priority", "suggested_priority", "status", "assignee", "created",
        "why", "subject",
      ],
      rows: rows.map { u in
        [
          .text(u.source + "/" + u.id), .real(u.urgency), .text(u.priority ?? "none"),
          .text(u.suggestedPriority ?? "none"), .text(u.status ?? "none"),
          .text(u.assignee ?? "none"),
          .text(zone.civilDate(of: Instant(milliseconds: u.createdAt)).iso8601),
          .text(u.terms), .text(u.subject),
        ]
      })
  }

  /// Every classified ticket: its category and where it came from, the suggested priority and
  /// the urgency.
  public static func tickets(_ rows: [TicketCategory]) -> MetricTable {
    MetricTable(
      metric: "ticket_categories",
      columns: [
        "ticket", "category", "origin", "confidence", "priority", "suggested_priority", "urgency",
        "subject",
      ],
      rows: rows.map { t in
        [
          .text(t.source + "/" + t.id), .text(t.category ?? "none"), .text(t.origin ?? "none"),
          t.confidence.map(Cell.real) ?? .null, .text(t.priority ?? "none"),
          .text(t.suggestedPriority ?? "none"), t.urgency.map(Cell.real) ?? .null,
          .text(t.subject),
        ]
      })
  }
}
