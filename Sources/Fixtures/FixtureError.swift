/// Why a fixture was refused: the item it concerns and what is wrong with it.
///
/// The message never contains passwords or keys. When a fixture is refused nothing is imported.
public struct FixtureError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The item, e.g. `users[2] (ref "bob")` or `organisations[0] (ref "acme").members[1]`.
    public var item: String
    /// What is wrong, e.g. `unknown field "emali"`.
    public var problem: String

    public init(item: String, problem: String) {
        self.item = item
        self.problem = problem
    }

    /// `<item>: <problem>`.
    public var description: String { "\(item): \(problem)" }
}
