import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Policy
import Accounts
import Server
import ServerTestSupport
import Vault

/// A page as a browser receives it.
struct Page: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var html: String

    var location: String? { headers[.location] }

    /// The value of the hidden `csrf` field of the page's (first) form.
    var csrf: String { field("csrf") ?? "" }

    /// The `value` of the input named `name`.
    func field(_ name: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The text of `<code id="…">`.
    func code(id: String) -> String? {
        guard let range = html.range(of: #"<code id="\#(id)">"#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "<" })
    }

    /// The recovery codes shown at enrolment.
    var recoveryCodes: [String] {
        guard let list = html.range(of: #"<ul id="recovery-codes""#) else { return [] }
        let rest = html[list.upperBound...].prefix { _ in true }
        let end = rest.range(of: "</ul>")?.lowerBound ?? rest.endIndex
        return rest[..<end].components(separatedBy: "<code>").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }
}

/// A browser over the real router: keeps cookies, follows nothing by itself.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// Every `Set-Cookie` received, as sent.
    private(set) var setCookies: [String] = []
    /// The TOTP secret of the user signed in here, once known.
    var totpSecret: [UInt8]?

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    func get(_ path: String) async throws -> Page {
        try await request(path, method: .get, body: nil)
    }

    func post(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await request(path, method: .post, body: body)
    }

    func request(_ path: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let page = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            Page(status: response.status, headers: response.headers, html: String(buffer: response.body))
        }
        for header in page.headers[values: .setCookie] {
            setCookies.append(header)
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.lowercased().contains("max-age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        return page
    }

    func forget(_ name: String) { cookies[name] = nil }
    func set(_ name: String, _ value: String) { cookies[name] = value }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: Journeys

    /// Signs in with `username` and `password`: the sign-in page, then its form.
    @discardableResult
    func signIn(_ username: String, _ password: String) async throws -> Page {
        let form = try await get("/account/login")
        return try await post("/account/login", [("csrf", form.csrf), ("username", username), ("password", password)])
    }

    /// Signs in and completes MFA, enrolling when needed; returns the TOTP secret. A code works
    /// once, so a user's later sign-ins within one 30 s step use a later step of the ±1 window:
    /// `step` -1, 0 and 1 give three sign-ins, in that order.
    func signInWithMFA(_ username: String, _ password: String, secret known: [UInt8]? = nil, step: Int64 = 0) async throws -> [UInt8] {
        let signedIn = try await signIn(username, password)
        guard signedIn.location == "/account/mfa" else {
            throw JourneyFailure(description: "sign-in failed: \(signedIn.status) \(signedIn.html.prefix(300))")
        }
        // A code judged in a later 30 s step than it was computed in may fall out of the ±1
        // window (step -1 just before a boundary): compute it well inside a step.
        let intoStep = Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 30)
        if intoStep > 24 { try await Task.sleep(for: .milliseconds(Int((30 - intoStep) * 1000) + 200)) }
        let mfa = try await get("/account/mfa")
        var secret = known ?? Base32.decode(mfa.code(id: "mfa-secret") ?? "") ?? []
        let code = try TOTP(secret: secret).code(step: TOTP.step(at: Date()) + step)
        var verified = try await post("/account/mfa", [("csrf", mfa.csrf), ("code", code)])
        if verified.status == .unauthorized, known == nil {
            // Enrolment refused a code that crossed a boundary on a loaded machine: it starts
            // again with a new secret, so enrol with that one (its codes are all unused).
            let again = try await get("/account/mfa")
            secret = Base32.decode(again.code(id: "mfa-secret") ?? "") ?? []
            let fresh = try TOTP(secret: secret).code(step: TOTP.step(at: Date()) + step)
            verified = try await post("/account/mfa", [("csrf", again.csrf), ("code", fresh)])
        } else if verified.status == .unauthorized, known != nil {
            // A code computed just before a 30 s boundary may be judged just after a slow
            // request (CI's loaded cores): once more, with the next step's code.
            let page = try await get("/account/mfa")
            let next = try TOTP(secret: secret).code(step: TOTP.step(at: Date()) + 1)
            verified = try await post("/account/mfa", [("csrf", page.csrf), ("code", next)])
        }
        let problem = verified.html.range(of: #"class="field-problem">"#).map { String(verified.html[$0.upperBound...].prefix(120)) } ?? ""
        guard verified.location == "/account/keys" else {
            throw JourneyFailure(description: "MFA failed: \(verified.status) \(problem) \(verified.html.suffix(600))")
        }
        return secret
    }
}

/// A journey that could not go on: a failed test, never a crashed test process.
struct JourneyFailure: Error, CustomStringConvertible {
    var description: String
}

extension ServerWorld {
    /// A deployment secret for tests.
    static let secretBox = SecretBox(key: Array(repeating: 42, count: 32))!

    /// The router with the console on (a secret key set).
    static var consoleSettings: APISettings { APISettings(secretBox: secretBox) }

    /// A user with a password (cheap scrypt) and a tier.
    @discardableResult
    func person(_ username: String, tier: Tier = .pro, password: String = "correct horse battery") async throws -> Int64 {
        let id = try await user(username, tier: tier)
        try await Accounts(vault: dependencies.vault).setPassword(username: username, password: password)
        return id
    }
}
