import Foundation

/// A small JSON Schema validator for the keywords `docs/soak-summary.schema.json` uses: type
/// (one or a list), enum, required, properties, additionalProperties (false), items, minimum and
/// maximum. An unknown keyword in the schema is itself an error, so the schema cannot grow past
/// what this validator checks without the tests saying so.
struct SchemaValidator {
    static let knownKeywords: Set<String> = [
        "$schema", "$id", "title", "description", "type", "enum", "required", "properties",
        "additionalProperties", "items", "minimum", "maximum",
    ]

    /// Problems found, each with the JSON path where it is; empty when `value` conforms.
    static func validate(_ value: Any, against schema: [String: Any], path: String = "$") -> [String] {
        var problems: [String] = []
        for keyword in schema.keys where !knownKeywords.contains(keyword) {
            problems.append("\(path): schema keyword '\(keyword)' is not supported by this validator")
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [type as? String ?? "?"]
            if !allowed.contains(where: { matches(value, type: $0) }) {
                problems.append("\(path): expected \(allowed.joined(separator: " or ")), found \(describe(value))")
                return problems
            }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { equal($0, value) }) {
            problems.append("\(path): \(describe(value)) is not one of \(options)")
        }
        if let number = value as? NSNumber, !isBool(value) {
            if let minimum = schema["minimum"] as? NSNumber, number.doubleValue < minimum.doubleValue {
                problems.append("\(path): \(number) is below the minimum \(minimum)")
            }
            if let maximum = schema["maximum"] as? NSNumber, number.doubleValue > maximum.doubleValue {
                problems.append("\(path): \(number) is above the maximum \(maximum)")
            }
        }
        if let object = value as? [String: Any] {
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                problems.append("\(path): required property '\(name)' is missing")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (name, member) in object {
                if let memberSchema = properties[name] as? [String: Any] {
                    problems += validate(member, against: memberSchema, path: "\(path).\(name)")
                } else if (schema["additionalProperties"] as? Bool) == false {
                    problems.append("\(path): property '\(name)' is not in the schema")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                problems += validate(element, against: items, path: "\(path)[\(index)]")
            }
        }
        return problems
    }

    /// JSONSerialization gives booleans as NSNumbers whose type code is "c" (numbers from JSON
    /// text are never of that type).
    static func isBool(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": value is [String: Any]
        case "array": value is [Any]
        case "string": value is String
        case "boolean": isBool(value)
        case "null": value is NSNull
        case "number": value is NSNumber && !isBool(value)
        case "integer":
            if let number = value as? NSNumber, !isBool(number) {
                number.doubleValue == number.doubleValue.rounded()
            } else {
                false
            }
        default: false
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let a = a as? String, let b = b as? String { return a == b }
        if let a = a as? NSNumber, let b = b as? NSNumber { return a == b }
        return false
    }

    static func describe(_ value: Any) -> String {
        if value is String { return "a string" }
        if isBool(value) { return "a boolean" }
        if value is NSNumber { return "a number" }
        if value is [Any] { return "an array" }
        if value is [String: Any] { return "an object" }
        if value is NSNull { return "null" }
        return "\(type(of: value))"
    }

    /// The schema file kept in the repository.
    static func summarySchema() throws -> [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/soak-summary.schema.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }
}
