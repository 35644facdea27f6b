// Reduces the symbol graph files of one module (swift package dump-symbol-graph) to a sorted
// list, one line per public declaration and per conformance, for ci/public-api.
//
// Usage: swift ci/public-api-list.swift MODULE SYMBOLGRAPH-FOLDER
//
// A declaration line:  <path>: <declaration as written>     e.g.
//     RundownRef.acquire(count:): func acquire(count: Int) -> Bool
// A conformance line:  <type> conforms to <protocol>         e.g.
//     RundownRef conforms to RundownProtection
// (conformances to SendableMetatype, implied by Sendable, are left out).

import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 2, let module = arguments.first, let folder = arguments.last else {
    FileHandle.standardError.write(Data("usage: swift ci/public-api-list.swift MODULE SYMBOLGRAPH-FOLDER\n".utf8))
    exit(2)
}

/// The module's own graph and its extension graphs (`MODULE@Other.symbols.json`).
let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
    .filter { $0 == "\(module).symbols.json" || ($0.hasPrefix("\(module)@") && $0.hasSuffix(".symbols.json")) }
    .sorted()
if !files.contains("\(module).symbols.json") {
    FileHandle.standardError.write(Data("public-api-list: no \(module).symbols.json in \(folder)\n".utf8))
    exit(1)
}

var lines = Set<String>()
for file in files {
    let data = try Data(contentsOf: URL(fileURLWithPath: folder).appendingPathComponent(file))
    guard let graph = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
    var pathOf: [String: String] = [:]
    for symbol in graph["symbols"] as? [[String: Any]] ?? [] {
        guard let identifier = (symbol["identifier"] as? [String: Any])?["precise"] as? String,
              let components = symbol["pathComponents"] as? [String] else { continue }
        let path = components.joined(separator: ".")
        pathOf[identifier] = path
        let fragments = symbol["declarationFragments"] as? [[String: Any]] ?? []
        let declaration = fragments.compactMap { $0["spelling"] as? String }.joined()
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        lines.insert("\(path): \(declaration)")
    }
    for relationship in graph["relationships"] as? [[String: Any]] ?? [] {
        guard let kind = relationship["kind"] as? String, kind == "conformsTo" || kind == "inheritsFrom",
              let source = relationship["source"] as? String, let sourcePath = pathOf[source],
              let target = relationship["target"] as? String else { continue }
        let targetName = pathOf[target] ?? relationship["targetFallback"] as? String ?? target
        // Implied by every Sendable conformance, and listed only by newer toolchains.
        if targetName == "Swift.SendableMetatype" { continue }
        lines.insert("\(sourcePath) \(kind == "conformsTo" ? "conforms to" : "inherits from") \(targetName)")
    }
}
print(lines.sorted().joined(separator: "\n"))
