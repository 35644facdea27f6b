import Foundation

/// Finds the LLVM tools that come with the Swift toolchain (`llvm-profdata`, `llvm-cov`): beside
/// the `swift` driver found on PATH (`dirname $(which swift)`), where a swift.org toolchain keeps
/// them, else on PATH. The toolchain's own come first: a profile written by its compiler's
/// runtime may be in a format an older LLVM on PATH (a distribution's) cannot read.
package enum Toolchain {
    /// The absolute path of `tool`, or a failure saying where it was looked for.
    package static func tool(_ tool: String) throws(ToolFailure) -> String {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/swift") {
            let driver = URL(fileURLWithPath: folder + "/swift").resolvingSymlinksInPath().deletingLastPathComponent()
            let candidate = driver.appendingPathComponent(tool).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + tool) {
            return folder + "/" + tool
        }
        throw ToolFailure(
            "\(tool) is neither on PATH nor beside the swift driver: install the Swift toolchain's LLVM tools or put \(tool) on PATH"
        )
    }
}
