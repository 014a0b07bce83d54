import Hummingbird
import Policy

/// The operation ids of a collection's writes in a plugin's OpenAPI part.
public struct WriteOperations: Sendable {
    public var create: String, replace: String, update: String, delete: String

    public init(create: String, replace: String, update: String, delete: String) {
        (self.create, self.replace, self.update, self.delete) = (create, replace, update, delete)
    }
}

extension RouteTable {
    /// The writes of one collection (SPEC §4), each with its action and operation: `POST
    /// collection` creates; `PUT` and `PATCH collection{object}/` replace and update (the
    /// handler's `partial` tells them apart); `DELETE` removes.
    public func writes(
        _ collection: String, object parameter: String, documented part: OpenAPIPart, _ operations: WriteOperations,
        create: Action, update: Action, delete: Action,
        creating: @escaping @Sendable (Request, Context) async throws -> Response,
        updating: @escaping @Sendable (Request, Context, _ partial: Bool) async throws -> Response,
        deleting: @escaping @Sendable (Context) async throws -> Response
    ) {
        let object = "\(collection){\(parameter)}/"
        on(collection, method: .post, .action(create), documented: part.operation(operations.create), use: creating)
        on(object, method: .put, .action(update, object: parameter), documented: part.operation(operations.replace)) { try await updating($0, $1, false) }
        on(object, method: .patch, .action(update, object: parameter), documented: part.operation(operations.update)) { try await updating($0, $1, true) }
        on(object, method: .delete, .action(delete, object: parameter), documented: part.operation(operations.delete)) { try await deleting($1) }
    }
}
