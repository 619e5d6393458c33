/// Read-only access to an array's elements without reference counting in hot loops.
///
/// Reading an array captured by a closure or stored in a shared struct can retain and release
/// its buffer on every access; from several threads that turns the buffer's reference count into
/// a contended cache line, and the parallel group-by got slower with more threads. A pinned
/// column keeps the array alive (`owner`) and reads through a raw pointer to its never-mutated
/// storage.
struct Pinned<T>: @unchecked Sendable {
  private let owner: [T]
  private let base: UnsafePointer<T>?

  init(_ array: [T]) {
    owner = array
    base = array.withUnsafeBufferPointer { $0.baseAddress }
  }

  var count: Int { owner.count }

  @inline(__always) subscript(i: Int) -> T { base.unsafelyUnwrapped[i] }
}
