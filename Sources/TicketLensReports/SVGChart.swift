import TicketLensMetrics

/// Small inline SVG charts drawn by our own code (no scripts, no external requests).
public enum SVGChart {
  /// Okabe–Ito colours: distinguishable with the common forms of colour blindness.
  public static let palette = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
  ]

  /// A stacked bar chart: one bar per x label, one stack segment per series.
  /// - Parameters:
  ///   - x: the bar labels in order (e.g. days).
  ///   - series: (name, value per x label).
  ///   - partial: bars of periods the data covers only in part (drawn lighter, label marked *).
  public static func stackedBars(
    title: String, x: [String], series: [(String, [Int])], partial: Set<Int> = []
  ) -> String {
    let (w, h, left, top, bottom, plotW, plotH) = Frame(left: 40).parts
    let totals = x.indices.map { i in series.reduce(0) { $0 + $1.1[i] } }
    let maxV = max(1, totals.max() ?? 1)
    let bw = x.isEmpty ? 0 : plotW / Double(x.count)
    let t = HTMLText.escape(title)
    var svg = """
      <svg class="chart" viewBox="0 0 \(Int(w)) \(Int(h + 20 + Double(series.count / 6) * 16))" \
      role="img" aria-labelledby="chart-title"><title>\(t)</title>
      """
    svg += grid(left: left, right: w - 10, top: top, plotH: plotH, maxV: Double(maxV)) {
      String(Int($0.rounded()))
    }
    for (i, label) in x.enumerated() {
      var y = top + plotH
      for (s, (name, values)) in series.enumerated() {
        let v = values[i]
        guard v > 0 else { continue }
        let bh = plotH * Double(v) / Double(maxV)
        y -= bh
        let part = partial.contains(i)
        svg +=
          "<rect x=\"\(f(left + Double(i) * bw + bw * 0.1))\" y=\"\(f(y))\" width=\"\(f(bw * 0.8))\" "
        svg +=
          "height=\"\(f(bh))\" fill=\"\(palette[s % palette.count])\"\(part ? " class=\"partial\"" : "")>"
        svg +=
          "<title>\(HTMLText.escape(label))\(part ? " (partial)" : "") \(HTMLText.escape(name)): \(v)</title></rect>"
      }
    }
    svg += axisLabels(
      x.indices.map { x[$0] + (partial.contains($0) ? "*" : "") },
      at: x.indices.map { left + Double($0) * bw + bw / 2 }, y: h - bottom + 14, width: plotW,
      right: w - 2)
    // Legend.
    for (s, (name, _)) in series.enumerated() {
      svg += legendItem(s, x: left + Double(s % 6) * 110, y: h + Double(s / 6) * 16, name: name)
    }
    return svg + "</svg>"
  }

  /// The geometry of the 720 × 240 charts (bars, lines, histogram): margins for the axis
  /// labels (`left` fits the widest value label), 10 on the right, the rest for the plot.
  struct Frame {
    var left: Double
    let w = 720.0
    let h = 240.0
    let top = 10.0
    let bottom = 30.0

    var parts:
      (
        w: Double, h: Double, left: Double, top: Double, bottom: Double, plotW: Double,
        plotH: Double
      )
    {
      (w, h, left, top, bottom, w - left - 10, h - top - bottom)
    }
  }

  /// The x-axis labels that fit: every k-th from the last (k such that labels of the widest
  /// length do not overlap; about 6.5 units per character at the axis font size), the last one
  /// ending at `right` when centred it would run past it, and any label that would still touch
  /// the one after it left out. The newest period is always named.
  static func axisLabels(
    _ labels: [String], at xs: [Double], y: Double, width: Double, right: Double
  ) -> String {
    let widest = Double(labels.map(\.count).max() ?? 1) * 6.5 + 12
    let fit = max(1, Int(width / widest))
    let every = max(1, (labels.count + fit - 1) / fit)
    var out: [String] = []
    var limit = Double.infinity  // the left edge of the label placed after this one
    for i in labels.indices.reversed() where (labels.count - 1 - i) % every == 0 {
      let w = Double(labels[i].count) * 6.5
      let (at, anchor, start) =
        xs[i] + w / 2 > right ? (right, "end", right - w) : (xs[i], "middle", xs[i] - w / 2)
      guard (start + w) + 8 <= limit else { continue }
      limit = start
      out.append(
        "<text x=\"\(f(at))\" y=\"\(f(y))\" class=\"axis\" text-anchor=\"\(anchor)\">"
          + HTMLText.escape(labels[i]) + "</text>")
    }
    return out.reversed().joined()
  }

  /// Horizontal gridlines with their axis labels, at 0, ¼, ½, ¾ and all of `maxV`.
  static func grid(
    left: Double, right: Double, top: Double, plotH: Double, maxV: Double,
    label: (Double) -> String
  ) -> String {
    var svg = ""
    for k in 0...4 {
      let v = maxV * Double(k) / 4
      let y = top + plotH - plotH * Double(k) / 4
      svg +=
        "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(right))\" y2=\"\(f(y))\" class=\"grid\"/>"
      svg +=
        "<text x=\"\(f(left - 4))\" y=\"\(f(y + 4))\" class=\"axis\" text-anchor=\"end\">\(label(v))</text>"
    }
    return svg
  }

  /// One legend entry: a colour swatch and the series name.
  static func legendItem(_ k: Int, x: Double, y: Double, name: String) -> String {
    "<rect x=\"\(f(x))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(palette[k % palette.count])\"/>"
      + "<text x=\"\(f(x + 14))\" y=\"\(f(y))\" class=\"legend\">\(HTMLText.escape(name))</text>"
  }

  /// An SVG path through the values (a nil value lifts the pen).
  static func path(_ values: [Double?], x: (Int) -> Double, y: (Double) -> Double) -> String {
    var path = ""
    var pen = false
    for (i, v) in values.enumerated() {
      guard let v else {
        pen = false
        continue
      }
      path += (pen ? " L" : " M") + "\(f(x(i))) \(f(y(v)))"
      pen = true
    }
    return path
  }

  static func f(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }
}

extension SVGChart {
  /// A line chart: one or more series over the same x labels (nil values leave gaps), and an
  /// optional shaded band (e.g. a forecast interval) given as (lower, upper) per x.
  public static func lines(
    title: String, x: [String], series: [(name: String, values: [Double?], dashed: Bool)],
    band: [(Double, Double)?]? = nil
  ) -> String {
    let (w, h, left, top, bottom, plotW, plotH) = Frame(left: 44).parts
    var maxV = 1.0
    for s in series { for v in s.values { if let v { maxV = max(maxV, v) } } }
    for b in band ?? [] { if let b { maxV = max(maxV, b.1) } }
    let n = max(1, x.count - 1)
    func px(_ i: Int) -> Double { left + plotW * Double(i) / Double(n) }
    func py(_ v: Double) -> Double { top + plotH - plotH * v / maxV }
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h + 20))\" role=\"img\"><title>\(HTMLText.escape(title))</title>"
    svg += grid(left: left, right: w - 10, top: top, plotH: plotH, maxV: maxV) {
      String(Int($0.rounded()))
    }
    if let band {
      var upper: [String] = []
      var lower: [String] = []
      for (i, b) in band.enumerated() {
        guard let b else { continue }
        upper.append("\(f(px(i))),\(f(py(b.1)))")
        lower.insert("\(f(px(i))),\(f(py(b.0)))", at: 0)
      }
      if !upper.isEmpty {
        svg +=
          "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(palette[1])\" fill-opacity=\"0.2\"/>"
      }
    }
    for (k, s) in series.enumerated() {
      let dash = s.dashed ? " stroke-dasharray=\"5 4\"" : ""
      svg +=
        "<path d=\"\(path(s.values, x: px, y: py))\" fill=\"none\" stroke=\"\(palette[k % palette.count])\" stroke-width=\"2\"\(dash)/>"
      svg += legendItem(k, x: left + Double(k) * 170, y: h + 13, name: s.name)
    }
    svg += axisLabels(x, at: x.indices.map(px), y: h - bottom + 14, width: plotW, right: w - 2)
    return svg + "</svg>"
  }

  /// A weekday × hour heatmap (7 rows of 24 values, Monday first), colour-blind-safe shades of
  /// blue, with each cell's count as its tooltip.
  public static func heatmap(title: String, values: [[Int]]) -> String {
    let cell = 26.0
    let left = 40.0
    let top = 18.0
    let maxV = max(1, values.flatMap { $0 }.max() ?? 1)
    let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(left + cell * 24 + 4)) \(Int(top + cell * 7 + 4))\" role=\"img\"><title>\(HTMLText.escape(title))</title>"
    for hr in stride(from: 0, to: 24, by: 3) {
      svg +=
        "<text x=\"\(f(left + Double(hr) * cell + cell / 2))\" y=\"12\" class=\"axis\" text-anchor=\"middle\">\(hr)</text>"
    }
    for (d, row) in values.enumerated() {
      svg +=
        "<text x=\"\(f(left - 4))\" y=\"\(f(top + Double(d) * cell + cell * 0.65))\" class=\"axis\" text-anchor=\"end\">\(days[d])</text>"
      for (hr, v) in row.enumerated() {
        let t = Double(v) / Double(maxV)
        let light = Int(97 - t * 62)
        svg +=
          "<rect x=\"\(f(left + Double(hr) * cell))\" y=\"\(f(top + Double(d) * cell))\" width=\"\(f(cell - 2))\" height=\"\(f(cell - 2))\" fill=\"hsl(205,75%,\(light)%)\"><title>\(days[d]) \(hr):00 — \(v)</title></rect>"
      }
    }
    return svg + "</svg>"
  }
}

extension SVGChart {
  /// A sparkline for a KPI tile: one small line over the values (nil leaves a gap), the last
  /// value marked; `title` is its text alternative.
  public static func sparkline(title: String, values: [Double?]) -> String {
    let w = 160.0
    let h = 32.0
    let known = values.compactMap { $0 }
    let lo = known.min() ?? 0
    let hi = known.max() ?? 1
    let span = hi > lo ? hi - lo : 1
    let n = max(1, values.count - 1)
    func px(_ i: Int) -> Double { 2 + (w - 4) * Double(i) / Double(n) }
    func py(_ v: Double) -> Double { h - 3 - (h - 6) * (v - lo) / span }
    var svg =
      "<svg class=\"spark\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\"><title>\(HTMLText.escape(title))</title>"
    svg +=
      "<path d=\"\(path(values, x: px, y: py))\" fill=\"none\" stroke=\"\(palette[0])\" stroke-width=\"1.5\"/>"
    if let last = values.indices.last, let v = values[last] {
      svg += "<circle cx=\"\(f(px(last)))\" cy=\"\(f(py(v)))\" r=\"2.5\" fill=\"\(palette[5])\"/>"
    }
    return svg + "</svg>"
  }

  /// A histogram of shares: one group of bars per bucket, one bar per series (each series'
  /// values are fractions of its total), with the percentage as each bar's tooltip.
  public static func histogram(
    title: String, buckets: [String], series: [(name: String, counts: [Int])]
  ) -> String {
    let (w, h, left, top, bottom, plotW, plotH) = Frame(left: 40).parts
    let shares = series.map { s -> [Double] in
      let total = Double(max(1, s.counts.reduce(0, +)))
      return s.counts.map { Double($0) / total }
    }
    let maxV = max(0.01, shares.flatMap { $0 }.max() ?? 0.01)
    let groupW = buckets.isEmpty ? 0 : plotW / Double(buckets.count)
    let barW = groupW * 0.8 / Double(max(1, series.count))
    var svg =
      "<svg class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h + 20))\" role=\"img\"><title>\(HTMLText.escape(title))</title>"
    svg += grid(left: left, right: w - 10, top: top, plotH: plotH, maxV: maxV) {
      "\(Int(($0 * 100).rounded()))%"
    }
    for (b, label) in buckets.enumerated() {
      for (s, values) in shares.enumerated() {
        let bh = plotH * values[b] / maxV
        let x = left + Double(b) * groupW + groupW * 0.1 + Double(s) * barW
        svg += "<rect x=\"\(f(x))\" y=\"\(f(top + plotH - bh))\" width=\"\(f(barW))\" "
        svg += "height=\"\(f(bh))\" fill=\"\(palette[s % palette.count])\">"
        svg +=
          "<title>\(HTMLText.escape(series[s].name)) \(HTMLText.escape(label)): \(series[s].counts[b]) (\(f(values[b] * 100)) %)</title></rect>"
      }
      svg += "<text x=\"\(f(left + Double(b) * groupW + groupW / 2))\" y=\"\(f(h - bottom + 14))\" "
      svg += "class=\"axis\" text-anchor=\"middle\">\(HTMLText.escape(label))</text>"
    }
    for (s, item) in series.enumerated() {
      svg += legendItem(s, x: left + Double(s) * 175, y: h + 13, name: item.name)
    }
    return svg + "</svg>"
  }
}
