import Foundation
import Hummingbird
import PluginKit

/// A submitted form (`application/x-www-form-urlencoded`, at most 16 kB): `+` is a space,
/// `%XX` a byte. A field given twice keeps its first value, except where a list is read.
struct ConsoleForm: Sendable {
    static let limit = 16 << 10

    let pairs: [(name: String, value: String)]

    init(encoded: String) {
        pairs = encoded.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(StrictQuery.formDecode(parts[0])), parts.count > 1 ? String(StrictQuery.formDecode(parts[1])) : "")
        }
    }

    /// Reads the request's body; `nil` when it is too large.
    static func read(_ request: Request) async -> ConsoleForm? {
        guard let buffer = try? await request.body.collect(upTo: limit) else { return nil }
        return ConsoleForm(encoded: String(buffer: buffer))
    }

    /// The field's value, trimmed; `""` when absent.
    subscript(_ name: String) -> String {
        (pairs.first { $0.name == name }?.value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The field's value exactly as sent (passwords); `""` when absent.
    func raw(_ name: String) -> String {
        pairs.first { $0.name == name }?.value ?? ""
    }

    /// Every value of a repeated field (checkboxes).
    func values(_ name: String) -> [String] {
        pairs.filter { $0.name == name }.map(\.value)
    }
}
