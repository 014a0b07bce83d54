import JSON
import PluginKit

/// `GET /api/datasets/available-tags/`: `{"tags":[{"tag","count"}]}`, most used first, then by
/// tag.
struct DatasetTagCounts: Sendable, Equatable, JSONWritable {
    /// One tag and how many visible datasets carry it.
    struct Entry: Sendable, Equatable, JSONWritable {
        var tag: String
        var count: Int

        func write(to json: inout JSONWriter) {
            json.object { json in
                json.field("tag", tag)
                json.field("count", count)
            }
        }
    }

    var tags: [Entry]

    func write(to json: inout JSONWriter) {
        json.object { json in json.field("tags", tags) }
    }
}
