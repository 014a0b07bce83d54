import JSON
import PluginKit
import Postgres

/// `GET /api/surveys/{id}/metrics/responses/`: response counts, never responses.
///
/// `today` counts from 00:00 UTC; `last7`/`last14` count `submitted_at >= now - N days`.
struct SurveyResponseCounts: Sendable, Equatable, JSONWritable {
    var total: Int
    var today: Int
    var last7: Int
    var last14: Int

    /// The SQL computing the counts for the survey `s`, as columns `total, today, last7, last14`.
    static let lateral: PGQuery = """
        SELECT count(*) AS total,
               count(*) FILTER (WHERE r.submitted_at >= date_trunc('day', now(), 'UTC')) AS today,
               count(*) FILTER (WHERE r.submitted_at >= now() - interval '7 days') AS last7,
               count(*) FILTER (WHERE r.submitted_at >= now() - interval '14 days') AS last14
        FROM survey_responses r WHERE r.survey_id = s.id
        """

    /// Reads the columns of ``lateral`` by name.
    init(row: PGRow) throws {
        (total, today, last7, last14) = (
            try row.decode(Int.self, named: "total"), try row.decode(Int.self, named: "today"),
            try row.decode(Int.self, named: "last7"), try row.decode(Int.self, named: "last14")
        )
    }

    func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("total", total)
            json.field("today", today)
            json.field("last7", last7)
            json.field("last14", last14)
        }
    }
}
