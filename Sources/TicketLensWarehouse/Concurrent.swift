import Dispatch

/// Calls `body` for every index below `n` at once on Dispatch's workers and returns each call's
/// result in its own slot (nil where it returned nil). Each slot is written by its own call
/// alone; a caller that takes a result out of its slot (`results[i].take()`) holds the only
/// reference to it.
func concurrentSlots<T>(_ n: Int, _ body: @Sendable (Int) -> T?) -> [T?] {
  [T?](unsafeUninitializedCapacity: n) { buffer, count in
    buffer.initialize(repeating: nil)
    nonisolated(unsafe) let out = buffer
    DispatchQueue.concurrentPerform(iterations: n) { out[$0] = body($0) }
    count = n
  }
}
