import Foundation
import Glibc

/// Output files (the JSON summary, the sweep's chart and table, the controls table): probed
/// before any work starts, so that hours of soak are not lost to a typo, and written whole to a
/// temporary file in the same folder that is then renamed into place, so that a reader never
/// sees half a file. Every failure is described in one line, with the system's reason
/// (`strerror`) and what to do.
package enum OutputFile {
    /// A file could not be written; `description` is one line: what, where and why.
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Checks that `path` can be written the way ``write(_:to:)`` writes it, by doing it: creates
    /// (and removes) a temporary file in its folder, and creates (and removes) `path` itself
    /// unless it already exists. Returns nil when it can be written, or one line naming
    /// `option`, the problem and the fix (`example` is a file name to suggest).
    package static func problem(writing path: String, option: String, example: String) -> String? {
        if path.isEmpty { return "\(option) was given an empty path; give a file name, e.g. \(option) \(example)" }
        if path.hasSuffix("/") {
            return "\(option) \(path) is a folder; give a file name inside it, e.g. \(option) \(path)\(example)"
        }
        var status = stat()
        if stat(path, &status) == 0 {
            if status.st_mode & S_IFMT == S_IFDIR {
                return "\(option) \(path) is a folder; give a file name inside it, e.g. \(option) \(path)/\(example)"
            }
            if status.st_mode & S_IFMT != S_IFREG {
                return
                    "\(option) \(path) is not a regular file (a device, pipe or socket), which cannot be replaced whole; give a file name"
            }
        } else if errno != ENOENT {
            return "\(option) \(path): cannot look at it: \(reason(errno))\(fix(errno))"
        }
        let folder = folderOf(path)
        let temporary: String
        do { temporary = try createTemporary(besides: path) } catch {
            return "\(option) \(path): \(error)"
        }
        defer { _ = unlink(temporary) }  // a file this probe created; nothing to report if it is already gone
        if stat(path, &status) == 0 {
            return ownedByAnotherInStickyFolder(path, status: status, folder: folder).map { "\(option) \(path): \($0)" }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            if errno == EEXIST { return nil }  // created meanwhile by someone else: it can be replaced
            return "\(option) \(path): cannot create it: \(reason(errno))\(fix(errno))"
        }
        let closeError = close(fd) == 0 ? 0 : errno
        if unlink(path) != 0 {
            return "\(option) \(path): created it as a test but cannot remove it: \(reason(errno)); remove it by hand"
        }
        if closeError != 0 { return "\(option) \(path): cannot close a test file there: \(reason(closeError))" }
        return nil
    }

    /// Writes `data` to `path` whole: to a temporary file in the same folder, flushed to disk,
    /// then renamed over `path`.
    /// - Throws: ``Failure`` naming the step that failed and the system's reason.
    package static func write(_ data: Data, to path: String) throws(Failure) {
        let temporary = try createTemporary(besides: path)
        do {
            try writeWhole(data, toNew: temporary)
        } catch {
            _ = unlink(temporary)  // cleanup after the failure reported below; a second one adds nothing
            throw error
        }
        if rename(temporary, path) != 0 {
            let error = errno
            _ = unlink(temporary)  // cleanup after the failure reported below; a second one adds nothing
            throw Failure(description: "cannot rename the finished file into place: \(reason(error))")
        }
    }

    /// Writes `data` to `path` (see ``write(_:to:)``); when that fails, says why in one line on
    /// standard error and keeps the data anyway: in a new file in the temporary folder (`TMPDIR`
    /// or /tmp), or, if even that fails, on standard output. Returns true when `path` was written.
    package static func writeOrKeep(_ data: Data, to path: String, what: String) -> Bool {
        do {
            try write(data, to: path)
            return true
        } catch {
            let head = "rundown-soak: could not write \(what) to \(path): \(error)"
            if let elsewhere = try? writeToTemporaryFolder(data, suffix: URL(fileURLWithPath: path).pathExtension) {
                SoakConsole.error("\(head); wrote it to \(elsewhere) instead\n")
            } else {
                SoakConsole.error("\(head); the temporary folder failed too, so here it is on standard output\n")
                SoakConsole.out(String(decoding: data, as: UTF8.self) + (data.last == 0x0A ? "" : "\n"))
            }
            return false
        }
    }

    /// A new file in the temporary folder holding `data`; its path.
    static func writeToTemporaryFolder(_ data: Data, suffix: String) throws(Failure) -> String {
        let folder = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let tail = suffix.isEmpty ? "" : "." + suffix
        var template = Array("\(folder)/rundown-soak-\(getpid())-XXXXXX\(tail)".utf8CString)
        let fd = mkstemps(&template, Int32(tail.utf8.count))
        if fd < 0 { throw Failure(description: "cannot create a file in \(folder): \(reason(errno))") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        close(fd)
        try writeWhole(data, toNew: path)
        return path
    }

    /// Creates an empty temporary file next to `path` (a dot file with a random suffix); its path.
    static func createTemporary(besides path: String) throws(Failure) -> String {
        let folder = folderOf(path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        var template = Array("\(folder)/.\(name).XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        if fd < 0 {
            let error = errno
            throw Failure(description: "cannot create a file in the folder \(folder): \(reason(error))\(fix(error))")
        }
        close(fd)
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Writes all of `data` into the existing file `path`, flushed to disk, mode 0644.
    static func writeWhole(_ data: Data, toNew path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        if fd < 0 { throw Failure(description: "cannot open \(path): \(reason(errno))") }
        defer { close(fd) }
        if fchmod(fd, 0o644) != 0 { throw Failure(description: "cannot set the mode of \(path): \(reason(errno))") }
        let bytes = [UInt8](data)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                throw Failure(description: "cannot write \(path): \(n < 0 ? reason(errno) : "nothing was written")")
            }
            offset += n
        }
        if fsync(fd) != 0 { throw Failure(description: "cannot flush \(path) to disk: \(reason(errno))") }
    }

    /// In a folder with the sticky bit (like /tmp), only a file's owner (or the folder's, or
    /// root) may replace it: the rename at the end would fail.
    static func ownedByAnotherInStickyFolder(_ path: String, status: stat, folder: String) -> String? {
        var folderStatus = stat()
        guard stat(folder, &folderStatus) == 0, folderStatus.st_mode & S_ISVTX != 0 else { return nil }
        let me = geteuid()
        if me == 0 || status.st_uid == me || folderStatus.st_uid == me { return nil }
        return
            "it belongs to another user in a folder with the sticky bit, so it cannot be replaced; remove it or choose another name"
    }

    /// The folder `path` is in ("." for a bare file name).
    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// The system's text for `error`, as strerror gives it.
    static func reason(_ error: Int32) -> String { String(cString: strerror(error)) }

    /// What to do about `error`, after a semicolon; empty when there is nothing useful to say.
    static func fix(_ error: Int32) -> String {
        switch error {
        case ENOENT: "; create the folder first"
        case ENOTDIR: "; a part of the path is a file, not a folder"
        case EACCES, EPERM, EROFS: "; choose a folder you can write to"
        case ENAMETOOLONG: "; choose a shorter name"
        default: ""
        }
    }
}
