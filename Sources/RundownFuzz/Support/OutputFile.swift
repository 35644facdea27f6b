import Foundation

/// An output file the user named: probed by really creating it before any work starts (so
/// that an hour of work is never lost to a typo), then written whole at the end.
package enum OutputFile {
    /// Creates `path` (empty) or fails with a usage error saying why.
    package static func probe(_ path: String) throws(UsageError) {
        if path.isEmpty { throw UsageError("the output path is empty; name a file") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError("cannot write \(path): it is a folder; name a file")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            throw UsageError("cannot write \(path): the folder \(folder) does not exist; create it first")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        guard let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            throw UsageError("cannot write \(path): permission denied or read-only file system")
        }
        try? handle.close()
        if !existed { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Writes `text` to `path` (through a temporary file renamed into place).
    package static func write(_ text: String, to path: String) throws {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ToolFailure("cannot write \(path): \((error as NSError).localizedFailureReason ?? String(describing: error))")
        }
    }
}
