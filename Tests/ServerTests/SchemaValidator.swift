import Foundation
import ServerTestSupport

/// Checks a decoded JSON value against a schema of the OpenAPI document (the JSON Schema
/// keywords the document uses: `$ref`, `type`, `enum`, `oneOf`, `properties`, `required`,
/// `additionalProperties`, `items`, `maxItems`, `maxLength`, `minLength`, `minimum`,
/// `format: date-time`). Returns what does not fit, each with its JSON path.
struct SchemaValidator {
    let document: [String: Any]

    /// `object` with its `$ref` (a `#/…` pointer into the document) followed, repeatedly.
    func resolve(_ object: [String: Any]) -> [String: Any] {
        var current = object
        while let reference = current["$ref"] as? String {
            var target: Any? = document
            for component in reference.dropFirst(2).split(separator: "/") {
                target = (target as? [String: Any])?[String(component)]
            }
            guard let resolved = target as? [String: Any] else { return [:] }
            current = resolved
        }
        return current
    }

    func problems(_ value: Any, _ schema: [String: Any], at path: String = "$") -> [String] {
        let schema = resolve(schema)
        if let variants = schema["oneOf"] as? [[String: Any]] {
            let fitting = variants.filter { problems(value, $0, at: path).isEmpty }
            return fitting.isEmpty ? ["\(path): fits none of oneOf"] : []
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { ($0 as? NSObject)?.isEqual(value) == true }) {
            return ["\(path): \(value) is not one of \(allowed)"]
        }
        let types: [String] = (schema["type"] as? [String]) ?? (schema["type"] as? String).map { [$0] } ?? []
        if !types.isEmpty, !types.contains(where: { Self.isOfType(value, $0) }) {
            return ["\(path): \(String(describing: value).prefix(60)) is not \(types)"]
        }
        var found: [String] = []
        if let text = value as? String, !(value is NSNumber) {
            if let most = schema["maxLength"] as? Int, text.count > most { found.append("\(path): longer than \(most)") }
            if let least = schema["minLength"] as? Int, text.count < least { found.append("\(path): shorter than \(least)") }
            if schema["format"] as? String == "date-time", text.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$"#, options: .regularExpression) == nil {
                found.append("\(path): \(text) is not a date-time")
            }
        }
        if let number = value as? NSNumber, !Self.isBoolean(number), let least = schema["minimum"] as? NSNumber,
           number.doubleValue < least.doubleValue {
            found.append("\(path): below \(least)")
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                found.append("\(path).\(name): required but missing")
            }
            for (name, member) in object {
                if let property = properties[name] as? [String: Any] {
                    found += problems(member, property, at: "\(path).\(name)")
                } else if schema["additionalProperties"] as? Bool == false {
                    found.append("\(path).\(name): not a documented property")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    found += problems(member, extra, at: "\(path).\(name)")
                }
            }
        }
        if let array = value as? [Any] {
            if let most = schema["maxItems"] as? Int, array.count > most { found.append("\(path): more than \(most) items") }
            if let items = schema["items"] as? [String: Any] {
                for (index, item) in array.enumerated() { found += problems(item, items, at: "\(path)[\(index)]") }
            }
        }
        return found
    }

    static func isBoolean(_ number: NSNumber) -> Bool {
        let type = String(cString: number.objCType)
        return type == "c" || type == "B"
    }

    static func isOfType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String && !(value is NSNumber)
        case "boolean": return (value as? NSNumber).map(isBoolean) ?? false
        case "integer":
            guard let number = value as? NSNumber, !isBoolean(number) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        case "number": return (value as? NSNumber).map { !isBoolean($0) } ?? false
        default: return false
        }
    }
}
