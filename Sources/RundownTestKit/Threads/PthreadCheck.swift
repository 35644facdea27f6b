#if canImport(Glibc)
import Glibc
#endif

/// Stops the process unless a pthread call succeeded: `result` is its return value, `call` its
/// name (so the message says which call failed, and with which error).
@inlinable
package func checkPthread(_ result: Int32, _ call: StaticString) {
    if result != 0 {
        fatalError("\(call) failed with error \(result) (\(String(cString: strerror(result))))")
    }
}
