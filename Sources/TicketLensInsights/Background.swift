import Foundation

/// A value computed on a thread of its own while the caller goes on; `value()` waits for it.
/// (A thread, not a Dispatch worker: beside `concurrentPerform` on every core a worker may not
/// be free until the caller's own work is done.)
public final class Background<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private let done = DispatchGroup()
  private var result: Result<T, any Error>?

  public init(_ work: @escaping @Sendable () throws -> T) {
    done.enter()
    let thread = Thread { [self] in
      let r = Result { try work() }
      lock.withLock { result = r }
      done.leave()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }

  public func value() throws -> T {
    done.wait()
    return try lock.withLock { result! }.get()
  }
}
