import Policy
import Vault

/// The optional **Fine-grained permissions** part of a key form (SPEC §15, §10): verbs per
/// permission type (a grid of checkboxes `permission-<type>`), the objects of each type the key
/// is limited to (`resources-<type>`: ids, survey slugs, dataset keys), metadata (`meta`, a JSON
/// object) and the key's own rate limit (`rate_limit`, `N/sec|min|hour`).
///
/// Reading checks the shape of each field and keeps what was typed, to show it again with the
/// problems next to their fields. Issuance checks the rest (types, grantable verbs, that every
/// object is visible to the key's user) and refuses in words. No verb ticked: a plain key.
struct FineGrainedForm {
    /// The verbs ticked, per permission type.
    var verbs: [String: [String]] = [:]
    /// The references typed, per permission type, as typed.
    var references: [String: String] = [:]
    var meta = ""
    var rate = ""
    /// Problems by field: `permissions`, `resources-<type>`, `meta`, `rate_limit`.
    var problems: [String: String] = [:]

    /// The key's permissions; `nil` for a plain key.
    private(set) var permissions: KeyPermissions?
    /// The references per type, split (checked against the objects at issuance).
    private(set) var resources: [String: [String]] = [:]
    private(set) var keyMeta: KeyMeta?
    private(set) var rateLimit: KeyRateLimit?

    /// The most characters one reference may have.
    static let referenceLength = 100

    init() {}

    /// Reads the fields of `types` (the engine's permission types); `offered` are the verbs the
    /// page lets the issuer grant.
    init(_ form: ConsoleForm, types: [String], offered: [Capability]) {
        for type in types {
            let ticked = form.values("permission-\(type)")
            if !ticked.isEmpty { verbs[type] = ticked }
            let typed = form["resources-\(type)"]
            if !typed.isEmpty { references[type] = typed }
        }
        meta = form["meta"]
        rate = form["rate_limit"]

        let unoffered = verbs.values.joined().filter { Capability(rawValue: $0).map { !offered.contains($0) } ?? true }
        if !unoffered.isEmpty {
            problems["permissions"] = "Choose only the permissions listed here."
        } else if !verbs.isEmpty {
            do { permissions = try KeyPermissions(verbs: verbs) } catch { problems["permissions"] = error.description }
        }
        for (type, text) in references {
            guard verbs[type] != nil else {
                problems["resources-\(type)"] = "Tick a permission for \(type) to limit the key to some of them."
                continue
            }
            guard let list = Self.references(text) else {
                problems["resources-\(type)"] = "Give ids, slugs or dataset keys separated by commas or spaces, e.g. 12, 40."
                continue
            }
            guard list.count <= KeyPermissions.selectionLimit else {
                problems["resources-\(type)"] = KeyPermissionsError.tooManySelected(type: type).description
                continue
            }
            resources[type] = list
        }
        if !meta.isEmpty {
            if meta.utf8.count > KeyMeta.limit {
                problems["meta"] = "Metadata takes at most \(KeyMeta.limit) bytes."
            } else if let parsed = try? KeyMeta(meta) {
                keyMeta = parsed
            } else {
                problems["meta"] = #"Give metadata as a JSON object, e.g. {"team": "billing"}."#
            }
        }
        if !rate.isEmpty {
            rateLimit = try? KeyRateLimit(rate)
            if rateLimit == nil { problems["rate_limit"] = "Give the rate limit as N/sec, N/min or N/hour, e.g. 100/min." }
        }
    }

    /// The references in `text`, separated by commas or white space, duplicates dropped; `nil`
    /// when one is not an id, slug or key: a positive integer, or letters, digits, `-`, `_` and
    /// `.` not starting with `.` (a survey's slug may start with `-` or `_`).
    static func references(_ text: String) -> [String]? {
        var seen = Set<String>()
        var list: [String] = []
        for part in text.split(whereSeparator: { $0 == "," || $0.isWhitespace }) {
            let reference = String(part)
            let scalars = reference.unicodeScalars
            guard reference.count <= referenceLength, scalars.first != ".",
                  scalars.allSatisfy({ isAlphanumeric($0) || "-_.".unicodeScalars.contains($0) })
            else { return nil }
            if reference.allSatisfy(\.isNumber), (Int64(reference) ?? 0) <= 0 { return nil }
            if seen.insert(reference).inserted { list.append(reference) }
        }
        return list
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// `request` with this part of the form: permissions, resources (found through
    /// `selections`), metadata and rate limit.
    func apply(to request: inout KeyIssueRequest, selections: (any KeySelectionLookup)?) {
        request.permissions = permissions
        request.resources = resources
        if !resources.isEmpty { request.selections = selections }
        request.meta = keyMeta
        request.rateLimit = rateLimit
    }

    /// Whether anything was typed or ticked (the section then opens).
    var isUsed: Bool { !verbs.isEmpty || !references.isEmpty || !meta.isEmpty || !rate.isEmpty || !problems.isEmpty }

    /// The section's data: the verb columns `offered`, one row per permission type of `types`
    /// with its boxes, references and problem, and what was typed.
    func fields(types: [String], offered: [Capability]) -> PageFields {
        let rows: [PageFields] = types.map { type in
            let cells: [PageFields] = offered.map { verb in
                ["id": .text("permission-\(type)-\(verb.rawValue)"), "verb": .text(verb.rawValue),
                 "checked": .flag(verbs[type]?.contains(verb.rawValue) ?? false)]
            }
            // Always set, so a row never falls back to a page value of the same name.
            return ["type": .text(type), "cells": .list(cells), "resources": .text(references[type] ?? ""),
                    "problem": .text(problems["resources-\(type)"] ?? "")]
        }
        var fields: PageFields = [
            "open": .flag(isUsed), "verbs": .list(offered.map(\.rawValue)), "rows": .list(rows),
            "meta": .text(meta), "rate": .text(rate), "metaLimit": .text(String(KeyMeta.limit)),
        ]
        for name in ["permissions", "meta_problem", "rate_problem"] { fields[name] = .text("") }
        if let problem = problems["permissions"] { fields["permissions"] = .text(problem) }
        if let problem = problems["meta"] { fields["meta_problem"] = .text(problem) }
        if let problem = problems["rate_limit"] { fields["rate_problem"] = .text(problem) }
        return fields
    }
}
