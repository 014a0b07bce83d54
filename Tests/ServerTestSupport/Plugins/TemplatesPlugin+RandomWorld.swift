import Foundation
import HTTPTypes
import Templates
import TestSupport

extension ServerWorld {
    /// Inserts a question-group template; `createdAt` is a PostgreSQL timestamp literal.
    @discardableResult
    public func template(
        _ name: String, publisher: Int64, level: String = "global", organisation: Int64? = nil,
        status: String = "active", tags: [String] = [], language: String = "en", importCount: Int = 0,
        description: String = "", markdown: String = "", attribution: String = "{}",
        createdAt: String = "2026-01-02 03:04:05+00"
    ) async throws -> Int64 {
        try await pool.query("""
            INSERT INTO question_group_templates
                (name, description, markdown, publication_level, publisher_id, organisation_id, attribution,
                 tags, language, import_count, status, created_at)
            VALUES (\(name), \(description), \(markdown), \(level), \(publisher), \(organisation), \(attribution)::jsonb,
                    \(tags), \(language), \(importCount), \(status), \(createdAt)::timestamptz)
            RETURNING id
            """)[0].decode(Int64.self, at: 0)
    }
}

/// Six templates, most published to an organisation, the rest global. A template of elsewhere
/// is not found (404).
extension TemplatesPlugin: RandomWorldPlugin {
    public func seedRandomWorld(_ world: ServerWorld, _ tenants: RandomTenants, _ random: inout SplitMix64) async throws -> [PlacedObject] {
        var placed: [PlacedObject] = []
        for index in 0..<6 {
            let organisation = random.chance(0.7) ? tenants.organisations.randomElement(using: &random) : nil
            let id = try await world.template("Template \(index)", publisher: tenants.users.randomElement(using: &random)!,
                                              level: organisation == nil ? "global" : "organisation", organisation: organisation)
            placed.append(PlacedObject(.template, id: String(id), organisations: Set([organisation].compactMap { $0 }), global: organisation == nil))
        }
        return placed
    }

    public var hiddenObjectStatuses: Set<HTTPResponse.Status> { [.notFound] }
}
