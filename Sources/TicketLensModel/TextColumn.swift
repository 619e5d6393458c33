/// Many texts kept as UTF-8 bytes back to back, in blocks of a few megabytes, instead of a
/// String each: a million ticket texts of 130 bytes take about 140 MB here against about 340 MB
/// as Strings (a heap object per text, and the array of them), and growing never copies what
/// is already kept. A text is made into a String when it is read.
public struct TextColumn: Sendable {
  /// Block size: a text longer than this gets a block of its own.
  static let blockSize = 4 << 20
  private var blocks: [[UInt8]] = []
  /// Per text: its block, where it starts and how many bytes it has.
  private var locations: [(block: Int32, start: Int32, count: Int32)] = []

  public init() {}

  public init(_ texts: some Sequence<String>) {
    for t in texts { append(t) }
  }

  public var count: Int { locations.count }

  public mutating func reserveCapacity(_ texts: Int) { locations.reserveCapacity(texts) }

  public mutating func append(_ utf8: UnsafeBufferPointer<UInt8>) {
    let n = utf8.count
    if blocks.isEmpty || blocks[blocks.count - 1].count + n > Self.blockSize {
      var block: [UInt8] = []
      block.reserveCapacity(max(Self.blockSize, n))
      blocks.append(block)
    }
    let b = blocks.count - 1
    let start = blocks[b].count
    blocks[b].append(contentsOf: utf8)
    locations.append((Int32(b), Int32(start), Int32(n)))
  }

  public mutating func append(_ text: String) {
    var t = text
    t.withUTF8 { append($0) }
  }

  /// Appends every text of `other`, in order; its blocks are taken over, not copied.
  public mutating func append(contentsOf other: TextColumn) {
    let shift = Int32(blocks.count)
    blocks += other.blocks
    locations += other.locations.lazy.map { ($0.block + shift, $0.start, $0.count) }
  }

  /// Text `i`, as a String.
  public subscript(i: Int) -> String {
    let l = locations[i]
    return blocks[Int(l.block)].withUnsafeBufferPointer {
      String(
        decoding: UnsafeBufferPointer(
          rebasing: $0[Int(l.start)..<(Int(l.start) + Int(l.count))]), as: UTF8.self)
    }
  }
}
