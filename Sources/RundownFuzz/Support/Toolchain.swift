import Foundation

/// Finds the LLVM tools that come with the Swift toolchain (`llvm-profdata`, `llvm-cov`): on
/// PATH, else beside the `swift` driver found on PATH (`dirname $(which swift)`), where a
/// swift.org toolchain keeps them.
package enum Toolchain {
    /// The absolute path of `tool`, or a failure saying where it was looked for.
    package static func tool(_ tool: String) throws(ToolFailure) -> String {
        let folders = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/" + tool) {
            return folder + "/" + tool
        }
        for folder in folders where FileManager.default.isExecutableFile(atPath: folder + "/swift") {
            let driver = URL(fileURLWithPath: folder + "/swift").resolvingSymlinksInPath().deletingLastPathComponent()
            let candidate = driver.appendingPathComponent(tool).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw ToolFailure(
            "\(tool) is neither on PATH nor beside the swift driver: install the Swift toolchain's LLVM tools or put \(tool) on PATH"
        )
    }
}
