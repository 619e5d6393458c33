import Dispatch
import TicketLensModel
import TicketLensWarehouse

/// Backlog: at the end of each period, tickets created by then and not solved by then.
enum Backlog {
  static func table(_ plan: GroupPlan, _ q: MetricQuery, _ d: MetricData, engine: MetricEngine)
    -> MetricTable
  {
    let t = d.tickets
    let grain = q.grain ?? .day
    let lastDay = plan.day(d.asOf.milliseconds)
    let created = Pinned(t.createdAt)
    let solved = Pinned(t.solvedAt)
    let shards = max(1, (t.count + engine.shardSize - 1) / engine.shardSize)
    // The earliest creation among the rows the filters keep (days are monotone in instants).
    let firsts = UnsafeMutableBufferPointer<Int64>.allocate(capacity: shards)
    defer { firsts.deallocate() }
    nonisolated(unsafe) let firstOut = firsts
    engine.forEachShard(rows: t.count) { sh, rows in
      var m = Int64.max
      for r in rows where plan.passes(r) { m = min(m, created[r]) }
      firstOut[sh] = m
    }
    let earliest = firsts.min() ?? Int64.max
    let firstDay =
      q.from?.daysSinceEpoch ?? (earliest == Int64.max ? lastDay : min(lastDay, plan.day(earliest)))
    let endDay = q.to.map { min($0.daysSinceEpoch, lastDay) } ?? lastDay
    guard firstDay <= endDay else {
      return MetricTable(
        metric: q.metric.id, columns: [grain.rawValue] + q.by + ["count"], rows: [])
    }
    // Per dimension combination: tickets created before the range, and daily deltas in it;
    // computed per fixed-size shard in parallel and summed in shard order.
    let span = endDay - firstDay + 1
    let partials = UnsafeMutableBufferPointer<[UInt64: (before: Int, delta: [Int])]>.allocate(
      capacity: shards)
    partials.initialize(repeating: [:])
    defer {
      partials.deinitialize()
      partials.deallocate()
    }
    nonisolated(unsafe) let out = partials
    engine.forEachShard(rows: t.count) { sh, rows in
      // Groups of this shard by slot, their counts kept in arrays updated in place.
      var slots = SlotMap()
      var before: [Int] = []
      var delta: [[Int]] = []
      var tagged: [UInt64] = []
      for r in rows where plan.passes(r) {
        var key: UInt64
        if plan.tagPosition == nil {
          key = plan.dimensionKey(r)
        } else {
          // By tag: the row is open in each of its tags' groups.
          tagged = plan.groupKeys(r)
          key = tagged.removeLast()
        }
        let c = plan.day(created[r])
        let s = solved[r] == TicketColumns.null ? Int.max : plan.day(solved[r])
        while true {
          let g = slots.slot(key)
          if g == before.count {
            before.append(0)
            delta.append(Array(repeating: 0, count: span + 1))
          }
          // Open on day D iff c <= D < s.
          if c < firstDay { before[g] += 1 } else if c <= endDay { delta[g][c - firstDay] += 1 }
          if s != Int.max {
            if s < firstDay { before[g] -= 1 } else if s <= endDay { delta[g][s - firstDay] -= 1 }
          }
          guard let next = tagged.popLast() else { break }
          key = next
        }
      }
      var local: [UInt64: (before: Int, delta: [Int])] = [:]
      for (g, key) in slots.keys.enumerated() { local[key] = (before[g], delta[g]) }
      out[sh] = local
    }
    var packed: [UInt64: (before: Int, delta: [Int])] = [:]
    for sh in 0..<shards {
      for (k, v) in partials[sh] {
        var g = packed.removeValue(forKey: k) ?? (0, Array(repeating: 0, count: span + 1))
        g.before += v.before
        for i in 0..<v.delta.count { g.delta[i] += v.delta[i] }
        packed[k] = g
      }
    }
    var groups: [[Int32]: (before: Int, delta: [Int])] = [:]
    for (k, v) in packed { groups[plan.decode(k).codes] = v }
    var rows: [[Cell]] = []
    let order = groups.keys.map { codes in (codes, codes.enumerated().map { plan.text($0, $1) }) }
      .sorted { a, b in
        for (x, y) in zip(a.1, b.1) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        return false
      }
    // One row per period end (the last day of each period inside the range).
    var ends: [(label: String, offset: Int)] = []
    for day in firstDay...endDay {
      let isEnd: Bool
      switch grain {
      case .day, .hourOfWeek: isEnd = true
      case .week: isEnd = CivilDate(daysSinceEpoch: day).isoWeekday == 7 || day == endDay
      case .month: isEnd = CivilDate(daysSinceEpoch: day + 1).day == 1 || day == endDay
      }
      if isEnd { ends.append((plan.periodLabel(plan.period(ofDay: day)), day - firstDay)) }
    }
    var periodRows: [(Int, [Cell])] = []
    for (codes, texts) in order {
      let g = groups[codes]!
      var open = g.before
      var k = 0
      var running: [Int] = []
      for delta in g.delta.prefix(span) {
        open += delta
        running.append(open)
      }
      for (n, end) in ends.enumerated() {
        periodRows.append(
          (n, [.text(end.label)] + texts.map(Cell.text) + [.int(running[end.offset])]))
        k += 1
      }
    }
    rows = periodRows.sorted { $0.0 < $1.0 }.map(\.1)
    let label = grain == .hourOfWeek ? "day" : grain.rawValue
    return MetricTable(metric: q.metric.id, columns: [label] + q.by + ["count"], rows: rows)
  }
}

/// Agent concurrency: per group, the time-weighted mean number of open chats while at least one
/// is open = (sum of chat durations) / (length of the union of their intervals).
enum Concurrency {
  static func table(_ plan: GroupPlan, _ q: MetricQuery, _ d: MetricData) -> MetricTable {
    let c = d.chats
    var intervals: [UInt64: [(Int64, Int64)]] = [:]
    for r in 0..<c.count where !c.offline[r] {
      guard c.endedAt[r] != TicketColumns.null, c.endedAt[r] > c.startedAt[r],
        let keys = plan.keys(r)
      else { continue }
      for k in keys { intervals[k, default: []].append((c.startedAt[r], c.endedAt[r])) }
    }
    var rows: [[Cell]] = []
    for (k, period, texts) in plan.sortedKeys(Set(intervals.keys)) {
      let list = intervals[k]!.sorted { $0 < $1 }
      var total: Int64 = 0
      var union: Int64 = 0
      var curStart = list[0].0
      var curEnd = list[0].1
      for (s, e) in list {
        total += e - s
        if s > curEnd {
          union += curEnd - curStart
          curStart = s
          curEnd = e
        } else {
          curEnd = max(curEnd, e)
        }
      }
      union += curEnd - curStart
      var row: [Cell] = []
      if plan.grain != nil { row.append(.text(plan.periodLabel(period))) }
      row += texts.map(Cell.text)
      row.append(.real(Double(total) / Double(union)))
      rows.append(row)
    }
    return MetricTable(metric: q.metric.id, columns: plan.keyColumns + ["mean"], rows: rows)
  }
}
