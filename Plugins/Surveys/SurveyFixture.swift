import Fixtures
import Foundation
import JSON
import Policy
import Postgres
import SurveysPolicy

/// The fixture file's `surveys` section (SPEC §8): surveys, their memberships and response times.
struct SurveyFixtureRows: FixtureRows {
    static let section = "surveys"
    let surveys: [FixtureSurvey]

    init(items: [FixtureSurvey]) { surveys = items }

    var counts: [String: Int] {
        [
            "surveys": surveys.count,
            "survey_memberships": surveys.reduce(0) { $0 + $1.members.count },
            "survey_responses": surveys.reduce(0) { $0 + $1.responses.count },
        ]
    }

    func insert(with writer: inout FixtureWriter) async throws {
        for survey in surveys {
            let id = try await writer.insertReturningID("""
                INSERT INTO surveys (name, slug, description, owner_id, organisation_id, team_id, status, start_at, end_at)
                VALUES (\(survey.name), \(survey.slug), \(survey.description), \(writer.id(.user, survey.owner)),
                        \(writer.id(.organisation, survey.organisation)), \(writer.id(.team, survey.team)), \(survey.status),
                        \(survey.startAt), \(survey.endAt))
                RETURNING id
                """, for: survey.item)
            writer.record(.survey, survey.ref, id, as: "survey")
            try await writer.insert(survey.members, of: id, "INSERT INTO survey_memberships (survey_id, user_id, role)")
            if !survey.responses.isEmpty {
                let format = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
                let times = survey.responses.map { format.format($0) }
                try await writer.run("""
                    INSERT INTO survey_responses (survey_id, submitted_at)
                    SELECT \(id), submitted_at FROM unnest(\(times)::timestamptz[]) AS submitted_at
                    """, for: "\(survey.item).responses")
            }
        }
    }
}

extension FixtureCatalog.Kind {
    /// Surveys (`survey:<ref>` in the import's result).
    static let survey = Self(rawValue: "survey")
}

/// An item of the fixture's `surveys` section, with its memberships and response times.
struct FixtureSurvey: FixtureItem {
    static let fields = ["ref", "name", "slug", "description", "owner", "organisation", "team", "status", "start_at", "end_at", "members", "responses"]
    static let statuses = ["draft", "published", "closed"]

    let item: String, ref: String, name: String
    let slug: String, description: String, owner: String
    let organisation: String?, team: String?, status: String
    let startAt: Date?, endAt: Date?, members: [FixtureMember]
    /// When each response was submitted (a response without `submitted_at` counts as now).
    let responses: [Date]

    init(_ value: JSONValue, index: Int, catalog: inout FixtureCatalog) throws(FixtureError) {
        let fields = try FixtureFieldReader(value, item: FixtureFieldReader.itemName("surveys", index, of: value), fields: Self.fields)
        item = fields.item
        ref = try fields.string("ref")
        name = try fields.string("name")
        slug = try fields.string("slug")
        description = try fields.string("description", default: "")
        owner = try fields.requiredRef("owner", to: "user", among: catalog.refs(.user))
        organisation = try fields.ref("organisation", to: "organisation", among: catalog.refs(.organisation))
        team = try fields.ref("team", to: "team", among: catalog.refs(.team))
        status = try fields.choice("status", from: Self.statuses, default: "draft")
        startAt = try fields.date("start_at")
        endAt = try fields.date("end_at")
        members = try FixtureMember.list(in: fields, roles: SurveyRole.allCases.map(\.rawValue), catalog: catalog)
        var responses: [Date] = []
        for (index, response) in try fields.items("responses").enumerated() {
            let responseFields = try FixtureFieldReader(response, item: "\(item).responses[\(index)]", fields: ["submitted_at"])
            responses.append(try responseFields.date("submitted_at") ?? Date())
        }
        self.responses = responses
        try catalog.define(.survey, ref: ref, by: item)
        try catalog.claim("survey slug", slug, by: item)
    }
}
