/// A mistake in how the tool was called (an unknown name, a number out of range, a missing
/// file): reported in one line with what to do, exit status 64, before anything runs.
package struct UsageError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// A stop signal (SIGINT, SIGTERM) ended the command before its work was done: exit status
/// 128 + the signal, as shells report it, after saying what was left as it was.
package struct StopRequested: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}

/// Something the tool could not do although it was called correctly (a build that failed, a
/// file that could not be written): one line with what went wrong and where, exit status 2.
package struct ToolFailure: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
