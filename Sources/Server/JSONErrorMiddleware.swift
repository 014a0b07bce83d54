import Hummingbird
import Logging
import PluginKit
import Postgres
import Vault

/// Turns every error into a JSON `{"detail": …}` response (SPEC §3).
///
/// ``APIError`` answers as itself, a `VaultError` as `APIError.init(_:)` maps it; Hummingbird's
/// `HTTPError` (e.g. the router's 404) keeps its status with a JSON body; a database that cannot
/// be reached → 503. Anything else is a server
/// fault: logged, and answered 500 without detail.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, logger: context.logger)
        }
    }

    static func response(for error: any Error, logger: Logger) -> Response {
        switch error {
        case let error as APIError:
            return error.response()
        case let error as VaultError:
            return APIError(error).response()
        case let error as HTTPError:
            let detail = error.status == .notFound ? "Not found." : (error.body ?? error.status.reasonPhrase)
            var apiError = APIError(error.status, detail: detail)
            apiError.headers = error.headers
            return apiError.response()
        case let error as any HTTPResponseError:
            return APIError(error.status, detail: error.status.reasonPhrase).response()
        case let error as PGError where error.isUnavailable:
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return APIError.unavailable.response()
        default:
            logger.error("unhandled error", metadata: ["error": "\(error)"])
            return APIError.internalError.response()
        }
    }
}
