import Foundation
import JSON
import Policy
import SurveysPolicy
import Postgres

/// An item of the fixture's `surveys` section, with its memberships and response times.
struct FixtureSurvey: Sendable {
    static let fields = ["ref", "name", "slug", "description", "owner", "organisation", "team", "status", "start_at", "end_at", "members", "responses"]
    static let statuses = ["draft", "published", "closed"]

    let item: String
    let ref: String
    let name: String
    let slug: String
    let description: String
    let owner: String
    let organisation: String?
    let team: String?
    let status: String
    let startAt: Date?
    let endAt: Date?
    let members: [FixtureMember]
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
