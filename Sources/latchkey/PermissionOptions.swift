import ArgumentParser
import Policy
import Vault

/// `--permission TYPE:VERBS` and `--resource TYPE:REF` (SPEC §8, §15), repeatable: a key's verbs
/// per resource type and the objects it is limited to.
struct PermissionOptions: ParsableArguments {
    @Option(name: .customLong("permission"),
            help: "Verbs on one resource type, e.g. surveys:view,edit; repeatable. The key then reaches no other type.")
    var permission: [String] = []
    @Option(name: .customLong("resource"),
            help: "An object the key is limited to, e.g. surveys:12, surveys:my-survey (a survey's slug) or datasets:ethnicity (a dataset's key); repeatable.")
    var resource: [String] = []

    /// The permissions named, or `nil` when none are.
    func permissions() throws -> KeyPermissions? {
        guard !permission.isEmpty else { return nil }
        var verbs: [String: [String]] = [:]
        for item in permission {
            let (type, names) = try Self.split(item, "--permission", example: "surveys:view,edit")
            verbs[type, default: []] += names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        do {
            return try KeyPermissions(verbs: verbs)
        } catch {
            throw ValidationError("--permission: \(error)")
        }
    }

    /// The objects named, per type.
    func resources() throws -> [String: [String]] {
        var references: [String: [String]] = [:]
        for item in resource {
            let (type, reference) = try Self.split(item, "--resource", example: "surveys:12")
            references[type, default: []].append(reference)
        }
        return references
    }

    /// Checks the options alone; with `capabilities` (an explicit `--capabilities`), that every
    /// verb the permissions name is among them (permissions narrow capabilities, never widen).
    func validate(capabilities: Capabilities?) throws {
        let permissions = try permissions()
        _ = try resources()
        if !resource.isEmpty, permissions == nil { throw ValidationError("--resource needs a --permission for its type") }
        if let permissions, let capabilities, !permissions.union.isSubset(of: capabilities) {
            throw ValidationError("--permission names verbs beyond --capabilities \(capabilities)")
        }
    }

    private static func split(_ item: String, _ option: String, example: String) throws -> (String, String) {
        let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw ValidationError("\(option) takes TYPE:VALUE, e.g. \(example)")
        }
        return (parts[0], parts[1])
    }
}
