import COpenBLAS

/// Topics among texts, with the number of topics chosen by the data: a graph of the texts'
/// shared nearest neighbours (each text linked to its `neighbours` most similar texts, weighted
/// by how many of those neighbours the two share), cut into communities by Louvain modularity
/// optimisation. Unlike k-means it needs no number of clusters, does not force topics into
/// spheres of one size, and a link through one shared word or filler phrase carries little
/// weight unless the two texts' neighbourhoods agree. Every text is then assigned to the nearest
/// community centre.
///
/// Deterministic: the graph is built in parallel fixed chunks, the Louvain passes visit nodes in
/// index order, and ties go to the lower index, so results do not depend on the thread count.
/// At most `sample` texts (an even stride) build the graph (its cost grows with the square of
/// the texts); the others are assigned to the centres.
public struct TopicClustering: Sendable {
  /// Cluster per text (-1 for texts without a vector).
  public var assignment: [Int]
  /// Unit centroid per cluster (`centroids.count / dimensions` clusters).
  public var centroids: [Float]
  public var dimensions: Int
  /// Texts per cluster.
  public var sizes: [Int]

  public var count: Int { sizes.count }

  /// - Parameters:
  ///   - vectors: `n × dimensions` unit vectors (all-zero rows have no vector).
  ///   - neighbours: the nearest texts each text is linked to.
  ///   - resolution: Louvain's resolution (higher: more, smaller communities).
  ///   - sample: at most this many texts build the graph.
  public init(
    vectors: [Float], dimensions dims: Int, neighbours: Int = 10, resolution: Double = 2,
    mergeSimilarity: Float = 2, sample: Int = 10_000, threads: Int = 0
  ) {
    dimensions = dims
    let n = dims == 0 ? 0 : vectors.count / dims
    let (usable, chosen) = Self.graphSample(vectors, dims: dims, sample: sample)
    let k = min(neighbours, max(0, chosen.count - 1))
    var labels: [Int] = []
    if k > 0 {
      let knn = Self.nearestNeighbours(vectors, dims, chosen, k: k, threads: threads)
      let graph = Self.sharedNeighbourGraph(knn, k: k)
      labels = Louvain.communities(graph, resolution: resolution)
    } else {
      labels = [Int](repeating: 0, count: chosen.count)
    }
    // Centres of the communities (numbered in order of their first member).
    var kk = (labels.max() ?? -1) + 1
    var sums = [Double](repeating: 0, count: kk * dims)
    for (p, c) in labels.enumerated() {
      let row = chosen[p] * dims
      for d in 0..<dims { sums[c * dims + d] += Double(vectors[row + d]) }
    }
    // Communities whose centres are nearly the same direction are one topic: merge the closest
    // pair while it reaches `mergeSimilarity`.
    func cosine(_ a: Int, _ b: Int) -> Double {
      var ab = 0.0
      var aa = 0.0
      var bb = 0.0
      for d in 0..<dims {
        ab += sums[a * dims + d] * sums[b * dims + d]
        aa += sums[a * dims + d] * sums[a * dims + d]
        bb += sums[b * dims + d] * sums[b * dims + d]
      }
      return aa > 0 && bb > 0 ? ab / (aa * bb).squareRoot() : -1
    }
    var alive = [Bool](repeating: true, count: kk)
    var renumber = Array(0..<kk)
    while mergeSimilarity <= 1 {
      var best: (Int, Int, Double) = (0, 0, -2)
      for a in 0..<kk where alive[a] {
        for b in (a + 1)..<kk where alive[b] {
          let c = cosine(a, b)
          if c > best.2 { best = (a, b, c) }
        }
      }
      guard best.2 >= Double(mergeSimilarity) else { break }
      for d in 0..<dims { sums[best.0 * dims + d] += sums[best.1 * dims + d] }
      alive[best.1] = false
      for i in renumber.indices where renumber[i] == best.1 { renumber[i] = best.0 }
    }
    let kept = (0..<kk).filter { alive[$0] }
    let newIndex = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
    labels = labels.map { newIndex[renumber[$0]]! }
    sums = kept.flatMap { sums[($0 * dims)..<(($0 + 1) * dims)] }
    kk = kept.count
    var centroids = [Float](repeating: 0, count: kk * dims)
    for c in 0..<kk {
      var norm = 0.0
      for d in 0..<dims { norm += sums[c * dims + d] * sums[c * dims + d] }
      guard norm > 0 else { continue }
      let inv = 1 / norm.squareRoot()
      for d in 0..<dims { centroids[c * dims + d] = Float(sums[c * dims + d] * inv) }
    }
    var assignment = [Int](repeating: -1, count: n)
    let centres = centroids
    let clusters = kk
    let nearest = Parallel.fixedChunks(usable.count, size: 2048, threads: threads) { lo, hi in
      Self.similarities(vectors, rows: usable[lo..<hi], centres: centres, dims: dims) { _, s in
        var best = 0
        var bestS = -Float.infinity
        for j in 0..<clusters where s[j] > bestS {
          bestS = s[j]
          best = j
        }
        return best
      }
    }.flatMap { $0 }
    for (p, j) in nearest.enumerated() where kk > 0 { assignment[usable[p]] = j }
    self.assignment = assignment
    self.centroids = centroids
    var sizes = [Int](repeating: 0, count: kk)
    for j in assignment where j >= 0 { sizes[j] += 1 }
    self.sizes = sizes
  }

  /// The rows with a vector (`usable`) and the at most `sample` of them, an even stride, that
  /// build a graph (`chosen`).
  static func graphSample(_ vectors: [Float], dims: Int, sample: Int) -> (
    usable: [Int], chosen: [Int]
  ) {
    let n = dims == 0 ? 0 : vectors.count / dims
    let usable = (0..<n).filter { i in (0..<dims).contains { vectors[i * dims + $0] != 0 } }
    let stride = max(1, (usable.count + sample - 1) / max(1, sample))
    return (usable, Swift.stride(from: 0, to: usable.count, by: stride).map { usable[$0] })
  }

  /// Each chosen text's `k` most similar chosen texts (positions in `chosen`), most similar
  /// first; ties go to the lower position.
  static func nearestNeighbours(
    _ vectors: [Float], _ dims: Int, _ chosen: [Int], k: Int, threads: Int
  ) -> [[Int]] {
    let m = chosen.count
    // The chosen vectors packed contiguously.
    var packed = [Float](repeating: 0, count: m * dims)
    for (p, i) in chosen.enumerated() {
      for d in 0..<dims { packed[p * dims + d] = vectors[i * dims + d] }
    }
    let rows = packed
    // Similarities of a block of 128 rows with every row as one matrix product (several times
    // the speed of a dot product per pair); blocks are fixed by position.
    return Parallel.fixedChunks(m, size: 128, threads: threads) { lo, hi in
      Self.similarities(rows, rows: Array(lo..<hi)[...], centres: rows, dims: dims) { a, sims in
        var best = [(Float, Int)](repeating: (-Float.infinity, Int.max), count: k)
        for b in 0..<m where b != a {
          let s = sims[b]
          // Keep the k best, ordered by (similarity desc, position asc).
          if s > best[k - 1].0 || (s == best[k - 1].0 && b < best[k - 1].1) {
            var at = k - 1
            while at > 0 && (s > best[at - 1].0 || (s == best[at - 1].0 && b < best[at - 1].1)) {
              best[at] = best[at - 1]
              at -= 1
            }
            best[at] = (s, b)
          }
        }
        return best.map(\.1)
      }
    }.flatMap { $0 }
  }

  /// The dot product of two rows of `dims` floats, in 8-wide lanes (the same order of additions
  /// on every call, so equal inputs give equal results).
  @inline(__always)
  static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ dims: Int) -> Float {
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var d = 0
    let rx = UnsafeRawPointer(x)
    let ry = UnsafeRawPointer(y)
    while d + 16 <= dims {
      acc0 +=
        rx.loadUnaligned(fromByteOffset: d * 4, as: SIMD8<Float>.self)
        * ry.loadUnaligned(fromByteOffset: d * 4, as: SIMD8<Float>.self)
      acc1 +=
        rx.loadUnaligned(fromByteOffset: (d + 8) * 4, as: SIMD8<Float>.self)
        * ry.loadUnaligned(fromByteOffset: (d + 8) * 4, as: SIMD8<Float>.self)
      d += 16
    }
    var s = (acc0 + acc1).sum()
    while d < dims {
      s += x[d] * y[d]
      d += 1
    }
    return s
  }

  /// Undirected edges a–b for every b among a's neighbours, weighted by the share of the `k`
  /// neighbours the two have in common (edges with none shared are dropped).
  static func sharedNeighbourGraph(_ knn: [[Int]], k: Int) -> Louvain.Graph {
    let sets = knn.map { Set($0) }
    var weights: [Int: [Int: Double]] = [:]
    for (a, list) in knn.enumerated() {
      for b in list {
        let shared = sets[a].intersection(sets[b]).count
        guard shared > 0 else { continue }
        let w = Double(shared) / Double(k)
        weights[min(a, b), default: [:]][max(a, b)] = w
      }
    }
    var edges: [(Int, Int, Double)] = []
    for a in weights.keys.sorted() {
      for (b, w) in weights[a]!.sorted(by: { $0.key < $1.key }) { edges.append((a, b, w)) }
    }
    return Louvain.Graph(nodes: knn.count, edges: edges)
  }

  /// The clustering with clusters joined: `into[c]` is the cluster that `c` joins (clusters not
  /// named stay). Clusters are renumbered in order and centres recomputed from their members'
  /// `vectors` (the rows `assignment` refers to).
  public func merged(_ into: [Int: Int], vectors: [Float]) -> TopicClustering {
    let dims = dimensions
    let target = renumbering(into)
    let number = Set(target)
    var out = self
    out.assignment = assignment.map { $0 >= 0 ? target[$0] : -1 }
    let kk = number.count
    var sums = [Double](repeating: 0, count: kk * dims)
    for (row, c) in out.assignment.enumerated() where c >= 0 {
      for d in 0..<dims { sums[c * dims + d] += Double(vectors[row * dims + d]) }
    }
    out.centroids = [Float](repeating: 0, count: kk * dims)
    for c in 0..<kk {
      var norm = 0.0
      for d in 0..<dims { norm += sums[c * dims + d] * sums[c * dims + d] }
      guard norm > 0 else { continue }
      for d in 0..<dims {
        out.centroids[c * dims + d] = Float(sums[c * dims + d] / norm.squareRoot())
      }
    }
    out.sizes = [Int](repeating: 0, count: kk)
    for c in out.assignment where c >= 0 { out.sizes[c] += 1 }
    return out
  }

  /// Each cluster's number after `merged(into, …)`.
  public func renumbering(_ into: [Int: Int]) -> [Int] {
    var number: [Int: Int] = [:]
    for c in 0..<count where into[c] == nil { number[c] = number.count }
    return (0..<count).map { number[into[$0] ?? $0]! }
  }

  /// Cosine of a unit vector (`vectors[row]`) with cluster `j`'s centroid.
  public func similarity(_ vectors: [Float], row: Int, cluster j: Int) -> Float {
    var s: Float = 0
    for d in 0..<dimensions { s += vectors[row * dimensions + d] * centroids[j * dimensions + d] }
    return s
  }

  /// `pick(row, similarities)` of each of `rows` of `vectors` with every centre: the rows packed
  /// and multiplied by the centres as one OpenBLAS product (callers pass chunks of rows fixed by
  /// position, so each similarity is the same on every run whatever the thread count).
  static func similarities<T>(
    _ vectors: [Float], rows: ArraySlice<Int>, centres: [Float], dims: Int,
    _ pick: (Int, UnsafeBufferPointer<Float>) -> T
  ) -> [T] {
    let clusters = centres.count / max(1, dims)
    guard clusters > 0, !rows.isEmpty else {
      return rows.map { pick($0, UnsafeBufferPointer(start: nil, count: 0)) }
    }
    BLAS.singleThreaded()
    var packed = [Float](repeating: 0, count: rows.count * dims)
    vectors.withUnsafeBufferPointer { v in
      for (k, r) in rows.enumerated() {
        for d in 0..<dims { packed[k * dims + d] = v[r * dims + d] }
      }
    }
    var sims = [Float](repeating: 0, count: rows.count * clusters)
    cblas_sgemm(
      CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(clusters), Int32(dims), 1,
      packed, Int32(dims), centres, Int32(dims), 0, &sims, Int32(clusters))
    return sims.withUnsafeBufferPointer { s in
      rows.enumerated().map { k, r in
        pick(r, UnsafeBufferPointer(rebasing: s[(k * clusters)..<((k + 1) * clusters)]))
      }
    }
  }

  /// Cosine of two clusters' centroids.
  public func centroidSimilarity(_ a: Int, _ b: Int) -> Float {
    var s: Float = 0
    for d in 0..<dimensions { s += centroids[a * dimensions + d] * centroids[b * dimensions + d] }
    return s
  }

  /// The nearest cluster of each of `rows` (unit vectors in `vectors`), or nil below
  /// `minimumSimilarity`; in parallel fixed chunks, 8-wide.
  public func nearest(
    _ vectors: [Float], rows: [Int], minimumSimilarity: Float = 0.1, threads: Int = 0
  ) -> [Int?] {
    let dims = dimensions
    let clusters = count
    let centres = centroids
    return Parallel.fixedChunks(rows.count, size: 2048, threads: threads) { lo, hi in
      Self.similarities(vectors, rows: rows[lo..<hi], centres: centres, dims: dims) { _, s in
        var best: Int?
        var bestS = -Float.infinity
        for j in 0..<clusters where s[j] >= minimumSimilarity && s[j] > bestS {
          bestS = s[j]
          best = j
        }
        return best
      }
    }.flatMap { $0 }
  }
}

/// Louvain community detection (Blondel et al. 2008) with a resolution parameter: nodes move to
/// the neighbouring community that raises modularity most, then each community becomes one node
/// and the moves repeat, until nothing moves. Nodes are visited in index order and ties keep the
/// node where it is (else go to the lowest community), so the result is deterministic.
enum Louvain {
  struct Graph {
    var nodes: Int
    /// Undirected weighted edges (a, b, weight); a == b is a self-loop.
    var edges: [(Int, Int, Double)]
  }

  /// The community of each node, numbered by first appearance.
  static func communities(_ graph: Graph, resolution: Double) -> [Int] {
    var membership = Array(0..<graph.nodes)
    var g = graph
    while true {
      let (local, moved) = moveNodes(g, resolution: resolution)
      if !moved { break }
      // Renumber and map the original nodes through this level.
      var number: [Int: Int] = [:]
      for c in local where number[c] == nil { number[c] = number.count }
      let level = local.map { number[$0]! }
      membership = membership.map { level[$0] }
      var merged: [Int: [Int: Double]] = [:]
      for (a, b, w) in g.edges {
        let ca = level[a]
        let cb = level[b]
        merged[min(ca, cb), default: [:]][max(ca, cb), default: 0] += w
      }
      var edges: [(Int, Int, Double)] = []
      for a in merged.keys.sorted() {
        for (b, w) in merged[a]!.sorted(by: { $0.key < $1.key }) { edges.append((a, b, w)) }
      }
      g = Graph(nodes: number.count, edges: edges)
    }
    var number: [Int: Int] = [:]
    for c in membership where number[c] == nil { number[c] = number.count }
    return membership.map { number[$0]! }
  }

  /// One level of local moves; returns each node's community and whether any node moved.
  static func moveNodes(_ g: Graph, resolution: Double) -> ([Int], Bool) {
    let n = g.nodes
    var adjacency = [[(Int, Double)]](repeating: [], count: n)
    var degree = [Double](repeating: 0, count: n)
    var total = 0.0
    for (a, b, w) in g.edges {
      total += w
      if a == b {
        degree[a] += 2 * w
      } else {
        adjacency[a].append((b, w))
        adjacency[b].append((a, w))
        degree[a] += w
        degree[b] += w
      }
    }
    guard total > 0 else { return (Array(0..<n), false) }
    var community = Array(0..<n)
    var communityDegree = degree
    var moved = false
    var weightTo = [Double](repeating: 0, count: n)
    var marked = [Bool](repeating: false, count: n)
    var touched: [Int] = []
    var improved = true
    while improved {
      improved = false
      for node in 0..<n {
        let own = community[node]
        for c in touched {
          weightTo[c] = 0
          marked[c] = false
        }
        touched.removeAll(keepingCapacity: true)
        marked[own] = true
        touched.append(own)
        for (other, w) in adjacency[node] {
          let c = community[other]
          if !marked[c] {
            marked[c] = true
            touched.append(c)
          }
          weightTo[c] += w
        }
        communityDegree[own] -= degree[node]
        let scale = resolution * degree[node] / (2 * total)
        func gain(_ c: Int) -> Double { weightTo[c] - scale * communityDegree[c] }
        var best = own
        var bestGain = gain(own)
        for c in touched.sorted() where c != own {
          let x = gain(c)
          if x > bestGain + 1e-12 {
            best = c
            bestGain = x
          }
        }
        communityDegree[best] += degree[node]
        if best != own {
          community[node] = best
          improved = true
          moved = true
        }
      }
    }
    return (community, moved)
  }
}
