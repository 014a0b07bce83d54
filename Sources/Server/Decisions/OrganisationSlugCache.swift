import NIOConcurrencyHelpers
import Postgres

/// Which organisation slugs exist, for the public tenant metadata
/// `/.well-known/authzen-configuration/<slug>` (SPEC §6, issue #34): each answer, known or
/// unknown, is kept a short while, so a slug asked again costs no query — services polling
/// their tenant's document never reach PostgreSQL, and a guesser pays one query per new guess,
/// within the anonymous rate of its address. Bounded: past `capacity` slugs, expired answers
/// are dropped, then all.
final class OrganisationSlugCache: Sendable {
    private struct Answer {
        var exists: Bool
        var until: ContinuousClock.Instant
    }

    private let pool: PGPool
    private let answers = NIOLockedValueBox<[String: Answer]>([:])
    /// How long a slug found stays found (an organisation removed meanwhile keeps its document
    /// that long: it names endpoints only).
    let knownLifetime: Duration
    /// How long a slug not found stays unknown (a new organisation waits that long for it).
    let unknownLifetime: Duration
    let capacity: Int
    /// The clock the lifetimes are measured on (a test's own, where it must not depend on the
    /// machine's speed).
    let now: @Sendable () -> ContinuousClock.Instant

    init(
        pool: PGPool, knownLifetime: Duration = .seconds(30), unknownLifetime: Duration = .seconds(5), capacity: Int = 10_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        self.pool = pool
        self.now = now
        self.knownLifetime = knownLifetime
        self.unknownLifetime = unknownLifetime
        self.capacity = capacity
    }

    /// Whether an organisation has `slug`: the kept answer, else PostgreSQL's (then kept).
    func exists(_ slug: String) async throws -> Bool {
        let now = self.now()
        if let answer = answers.withLockedValue({ $0[slug] }), answer.until > now { return answer.exists }
        let exists = try await !pool.query("SELECT 1 FROM organisations WHERE slug = \(slug)").isEmpty
        answers.withLockedValue { answers in
            if answers.count >= capacity {
                answers = answers.filter { $0.value.until > now }
                if answers.count >= capacity { answers.removeAll(keepingCapacity: true) }
            }
            answers[slug] = Answer(exists: exists, until: now + (exists ? knownLifetime : unknownLifetime))
        }
        return exists
    }
}
