/// `GET /api/datasets/available-tags/`: `{"tags":[{"tag","count"}]}`, most used first, then by
/// tag.
struct DatasetTagCounts: Sendable, Encodable, Equatable {
    /// One tag and how many visible datasets carry it.
    struct Entry: Sendable, Encodable, Equatable {
        var tag: String
        var count: Int
    }

    var tags: [Entry]
}
