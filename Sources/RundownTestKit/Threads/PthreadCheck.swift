import _RundownShims

/// Stops the process unless a pthread call succeeded: `result` is its return value, `call` its
/// name. The message is the one every checked system call gives (`rundown: CALL failed: ERRNO
/// (description)`, from the library shim).
@inlinable
package func checkPthread(_ result: Int32, _ call: StaticString) {
    if result != 0 {
        rundown_check_error(result, UnsafeRawPointer(call.utf8Start).assumingMemoryBound(to: CChar.self))
    }
}
