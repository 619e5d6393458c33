/// 64-bit FNV-1a: a fast, stable (not secret) hash for fingerprints and deterministic splits.
public struct FNV1a: Sendable {
  public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

  public init() {}

  public mutating func add(_ s: String) {
    for b in s.utf8 { add(b) }
  }

  @inline(__always) public mutating func add(_ byte: UInt8) {
    value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
  }

  /// A unit separator between fields, so that ("ab", "c") and ("a", "bc") differ.
  public mutating func separate() { add(0x1F) }
}
