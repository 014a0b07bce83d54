// Uses the client swift-openapi-generator made from /api/schema against a running Latchkey: a typed
// list, a retrieve, a 404 decoded as `Error`, the presenting key, and an enum query parameter.
//
//     LatchkeyClientCheck BASE_URL KEY
import Foundation
import HTTPTypes
import OpenAPIRuntime
import OpenAPIURLSession

/// Presents the key as `Authorization: Bearer …` on every request.
struct BearerKey: ClientMiddleware {
    let key: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.authorization] = "Bearer \(key)"
        return try await next(request, body, baseURL)
    }
}

/// RFC 3339 times with or without fractional seconds: Latchkey writes microseconds where the time
/// has them (key times), as Django REST Framework does, and none where it has none (survey dates);
/// the runtime's default transcoder reads only the second kind.
struct RFC3339Dates: DateTranscoder {
    func encode(_ date: Date) throws -> String { date.ISO8601Format() }

    func decode(_ text: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

struct CheckFailed: Error, CustomStringConvertible {
    let description: String
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw CheckFailed(description: message()) }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let baseURL = URL(string: arguments[1]) else {
    fatalError("usage: LatchkeyClientCheck BASE_URL KEY")
}
let key = arguments[2]
let client = Client(
    serverURL: baseURL, configuration: Configuration(dateTranscoder: RFC3339Dates()),
    transport: URLSessionTransport(), middlewares: [BearerKey(key: key)]
)

// The list is an array or the page envelope (the document says either may come): typed both ways.
let surveys: [Components.Schemas.Survey]
switch try await client.listSurveys(.init()).ok.body.json {
case .case1(let array): surveys = array
case .SurveyPage(let page): surveys = page.results
}
try check(!surveys.isEmpty, "expected surveys")
let first = try await client.retrieveSurvey(path: .init(id: Int64(surveys[0].id))).ok.body.json
try check(first.slug == surveys[0].slug, "retrieve gave \(first.slug), list \(surveys[0].slug)")
let missing = try await client.retrieveSurvey(path: .init(id: 999_999_999)).notFound.body.json
try check(!missing.detail.isEmpty, "a 404 without detail")
let presented = try await client.currentKey(.init()).ok.body.json
try check(key.hasPrefix(presented.prefix), "current key \(presented.prefix) is not the presented one")
let users: [Components.Schemas.DirectoryUser]
switch try await client.listUsers(query: .init(is_active: .True)).ok.body.json {
case .case1(let array): users = array
case .DirectoryUserPage(let page): users = page.results
}
try check(!users.isEmpty && users.allSatisfy { $0.is_active }, "expected active users only")
print("swift client: \(surveys.count) surveys, first \(first.slug), 404 as Error (\(missing.detail)), key \(presented.prefix), \(users.count) active users")
