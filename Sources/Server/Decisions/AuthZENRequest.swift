import PluginKit

/// The AuthZEN Authorization API 1.0 request shapes (subject, action, resource, context).
enum AuthZEN {
    struct Subject: Decodable, Sendable, Hashable {
        var type: String
        var id: String
    }

    struct Action: Decodable, Sendable {
        var name: String
    }

    struct Resource: Decodable, Sendable {
        var type: String
        var id: String?
    }

    /// One evaluation; in a batch every part may be left to the top-level defaults.
    struct Evaluation: Decodable, Sendable {
        var subject: Subject?
        var action: Action?
        var resource: Resource?
        var context: [String: AnyJSON]?
    }

    /// `POST /access/v1/evaluations`: defaults, the items, and options.
    struct Evaluations: Decodable, Sendable {
        var subject: Subject?
        var action: Action?
        var resource: Resource?
        var context: [String: AnyJSON]?
        var evaluations: [Evaluation]?
        var options: Options?

        struct Options: Decodable, Sendable {
            var evaluationsSemantic: Semantic?

            enum CodingKeys: String, CodingKey { case evaluationsSemantic = "evaluations_semantic" }
        }

        /// How a batch answers: every item, or up to the first deny or permit.
        enum Semantic: String, Decodable, Sendable {
            case executeAll = "execute_all"
            case denyOnFirstDeny = "deny_on_first_deny"
            case permitOnFirstPermit = "permit_on_first_permit"
        }
    }

    /// The largest batch served.
    static let batchLimit = 1_000
}

/// One fully specified question for the decision service.
struct DecisionQuestion: Sendable {
    var subject: AuthZEN.Subject
    var action: String
    var resource: AuthZEN.Resource

    /// The item at `index` with the batch's defaults filled in; 400 naming what is missing.
    init(_ item: AuthZEN.Evaluation, defaults: AuthZEN.Evaluations?, label: String) throws {
        guard let subject = item.subject ?? defaults?.subject else { throw JSONBody.invalid("'\(label)subject' is required") }
        guard let action = item.action ?? defaults?.action else { throw JSONBody.invalid("'\(label)action' is required") }
        guard let resource = item.resource ?? defaults?.resource else { throw JSONBody.invalid("'\(label)resource' is required") }
        self.subject = subject
        self.action = action.name
        self.resource = resource
    }
}
