import PluginKit
import Policy

/// Fully specified questions for the ``DecisionService``: the batch's defaults filled in, each
/// action parsed, and each distinct subject listed once (items point at theirs by index).
struct DecisionBatch: Sendable {
    struct Question: Sendable {
        /// The index of the question's subject in ``DecisionBatch/subjects``.
        var subject: Int
        var action: Action
        var resource: AuthZEN.Resource
    }

    var subjects: [AuthZEN.Subject] = []
    var questions: [Question] = []
    /// Batch items that could not be asked, by position, with what is wrong: each is answered
    /// `decision: false` with `context.error`, and the rest of the batch is decided.
    var problems: [(index: Int, message: String)] = []

    /// One evaluation (`POST /access/v1/evaluation`).
    init(_ evaluation: AuthZEN.Evaluation) throws {
        try append(evaluation, defaults: AuthZEN.Evaluation(), at: .root)
    }

    /// Each of `actions` asked by `subject` about `resource` (an action search).
    init(subject: AuthZEN.Subject, actions: [Action], resource: AuthZEN.Resource) {
        subjects = [subject]
        questions = actions.map { Question(subject: 0, action: $0, resource: resource) }
    }

    /// The items of a batch with its defaults; without items, the defaults are the one
    /// evaluation (AuthZEN 1.0 §7.2).
    init(_ batch: AuthZEN.Evaluations) throws {
        guard !batch.evaluations.isEmpty else {
            try append(AuthZEN.Evaluation(), defaults: batch.defaults, at: .root)
            return
        }
        questions.reserveCapacity(batch.evaluations.count)
        // Lent in place: copying each item out would cost more than reading it.
        batch.evaluations.withUnsafeBufferPointer { items in
            for index in items.indices {
                do {
                    try append(items[index], defaults: batch.defaults, at: AuthZEN.Path(item: index))
                } catch {
                    problems.append((index, (error as? APIError)?.detail ?? "The item could not be read."))
                }
            }
        }
    }

    /// The answers to every item in order: the service's decisions for the questions, and a
    /// refusal with the error for each problem item.
    func merging(_ decisions: [Decision]) -> [Decision] {
        guard !problems.isEmpty else { return decisions }
        var merged: [Decision] = []
        merged.reserveCapacity(decisions.count + problems.count)
        var answers = decisions.makeIterator()
        var pending = problems.makeIterator()
        var problem = pending.next()
        while merged.count < decisions.count + problems.count {
            if let current = problem, current.index == merged.count {
                merged.append(Decision.deny(.invalidRequest, "The item could not be evaluated.").adding(reason: current.message))
                problem = pending.next()
            } else if let answer = answers.next() {
                merged.append(answer)
            }
        }
        return merged
    }

    /// 400 naming the part that is missing or malformed.
    private mutating func append(_ item: AuthZEN.Evaluation, defaults: AuthZEN.Evaluation, at path: AuthZEN.Path) throws {
        let ip = item.ip ?? defaults.ip
        let subject: Int
        if let given = item.subject {
            subject = index(of: given, from: ip)
        } else if ip == defaults.ip, let known = defaultSubject(defaults) {
            subject = known
        } else if let fallback = defaults.subject {
            subject = index(of: fallback, from: ip)
        } else {
            throw path.appending("subject").isRequired
        }
        guard let name = item.action ?? defaults.action else { throw path.appending("action").isRequired }
        guard let resource = item.resource ?? defaults.resource else { throw path.appending("resource").isRequired }
        questions.append(Question(subject: subject, action: try action(name, at: path), resource: resource))
    }

    // Items mostly share their subject and action (the defaults): the default subject is
    // looked up once, and each action compared with the last one before it is parsed.
    private var subjectIndices: [AuthZEN.Subject: Int] = [:]
    private var defaultSubjectIndex: Int?

    private mutating func defaultSubject(_ defaults: AuthZEN.Evaluation) -> Int? {
        if let defaultSubjectIndex { return defaultSubjectIndex }
        defaultSubjectIndex = defaults.subject.map { index(of: $0, from: defaults.ip) }
        return defaultSubjectIndex
    }

    /// The index of `subject` presented from `ip` (one subject state per key and address).
    private mutating func index(of given: AuthZEN.Subject, from ip: String?) -> Int {
        var subject = given
        subject.ip = ip
        if let known = subjectIndices[subject] { return known }
        subjects.append(subject)
        subjectIndices[subject] = subjects.count - 1
        return subjects.count - 1
    }

    private var lastAction: (name: String, parsed: Action)?

    private mutating func action(_ name: String, at path: AuthZEN.Path) throws -> Action {
        if let lastAction, lastAction.name == name { return lastAction.parsed }
        guard let parsed = Action(name) else {
            throw JSONBody.invalid("'\(path.appending("action").appending("name"))' must be '<resource>.<verb>', e.g. 'key.revoke'")
        }
        lastAction = (name, parsed)
        return parsed
    }
}
