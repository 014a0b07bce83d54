import ArgumentParser
import Federation
import Foundation

/// `latchkey-bench sso`: ID-token verification alone (parse, signature, claims), µs per token.
struct SSOBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sso", abstract: "ID-token verification µs per RS256-2048 and ES256 token.")

    func run() throws {
        print("SSO ID-token verification (parse + signature + claims, one thread)")
        for algorithm in [JWS.Algorithm.rs256, .es256] {
            let signer = try JWSSigner(algorithm, keyID: "bench")
            let keys = try JWKS(json: Array(String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [signer.jwk]]), as: UTF8.self).utf8))
            let now = Date()
            let tokens = try (0..<256).map { index in
                try signer.sign(claims: BenchTokens.claims(email: "bench@example.com", jti: "t\(index)", now: now))
            }
            var verified = 0
            let iterations = algorithm == .rs256 ? 20_000 : 10_000
            let start = DispatchTime.now().uptimeNanoseconds
            for index in 0..<iterations {
                let raw = tokens[index & 255]
                if let token = try? IDToken(JWS(compact: raw), raw: raw, keys: keys, issuer: BenchTokens.issuer, audience: BenchTokens.audience, now: now) {
                    verified += token.email.utf8.count > 0 ? 1 : 0
                }
            }
            let micros = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations) / 1_000
            print("  \(algorithm.rawValue)\(algorithm == .rs256 ? "-2048" : ""): \(String(format: "%.1f", micros)) µs/token (\(verified) of \(iterations) verified)")
        }
    }
}

/// `latchkey-bench mint`: a key pair's JWKS and N single-use ID tokens for one user, for the
/// HTTP benchmark's whole exchanges (`deploy/bench-http.sh`).
struct MintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mint", abstract: "Write a JWKS file and N ES256 ID tokens (one per line).")

    @Option(help: "The user's email.") var email: String
    @Option(help: "How many tokens.") var count = 1_000
    @Option(help: "Where to write the JWKS.") var jwks: String
    @Option(help: "Where to write the tokens.") var tokens: String

    func run() throws {
        let signer = try JWSSigner(.es256, keyID: "bench")
        try JSONSerialization.data(withJSONObject: ["keys": [signer.jwk]]).write(to: URL(fileURLWithPath: jwks))
        let now = Date()
        let lines = try (0..<count).map { _ in try signer.sign(claims: BenchTokens.claims(email: email, jti: UUID().uuidString, now: now, lifetime: 3600)) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: tokens, atomically: true, encoding: .utf8)
    }
}

enum BenchTokens {
    static let issuer = "https://idp.bench.example"
    static let audience = "latchkey-bench"

    static func claims(email: String, jti: String, now: Date, lifetime: Int = 600) -> String {
        let seconds = Int(now.timeIntervalSince1970)
        return #"{"iss":"\#(issuer)","aud":"\#(audience)","sub":"\#(email)","email":"\#(email)","email_verified":true,"iat":\#(seconds),"exp":\#(seconds + lifetime),"jti":"\#(jti)"}"#
    }
}
