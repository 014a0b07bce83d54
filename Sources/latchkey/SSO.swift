import ArgumentParser
import Federation
import Foundation
import Policy
import Server
import Vault

/// `latchkey sso trust|list|remove` (SPEC §8, §11): which OpenID Connect issuers an organisation
/// trusts for token exchange.
struct SSO: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sso", abstract: "Trust OpenID Connect issuers for SSO token exchange.", subcommands: [Trust.self, List.self, Remove.self])

    struct Trust: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Trust an issuer for an organisation (replacing its earlier trust of that issuer); prints the trust's id.")

        @Option(help: "Organisation slug.") var org: String
        @Option(help: "The issuer (the ID tokens' iss).") var issuer: String
        @Option(help: "The audience the ID tokens must carry in aud (the client id).") var audience: String
        @Option(help: "The signing keys: a JWKS file, or an https URL to fetch it from.") var jwks: String
        @Option(help: "Comma-separated capabilities the keys may carry: view,add,edit,delete.") var capabilities = "view"
        @Option(help: "Lifetime of the exchanged keys in hours (at most 168).") var ttlHours: Int = 12
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard let parsed = Capabilities(parsing: capabilities) else {
                throw ValidationError("--capabilities takes a comma-separated subset of view,add,edit,delete")
            }
            if parsed.contains(.superuser) { throw ValidationError("--capabilities: superuser is granted by staff only, never through SSO") }
            guard (1...168).contains(ttlHours) else { throw ValidationError("--ttl-hours must be 1 to 168") }
            for (name, value) in [("--issuer", issuer), ("--audience", audience)] where value.isEmpty || value.count > 2048 || value.contains("\u{0}") {
                throw ValidationError("\(name) must be 1 to 2048 characters")
            }
        }

        func run(_ configuration: Configuration) async throws {
            let trust = SSOTrust(
                organisationSlug: org, issuer: issuer, audience: audience, keys: try keySource(),
                capabilities: Capabilities(parsing: capabilities) ?? .view, keyLifetime: TimeInterval(ttlHours) * 3600)
            let id = try await configuration.withVault("latchkey.sso") { vault in
                try await SSOTrustStore(pool: vault.pool).save(trust)
            }
            print(id)
        }

        /// The JWKS as a document read (and checked) now, or a URL fetched when serving.
        func keySource() throws -> SSOTrust.KeySource {
            if jwks.hasPrefix("https://") || jwks.hasPrefix("http://") {
                guard let url = URL(string: jwks), SSOTrust.acceptable(url) else {
                    throw CommandFailure(message: "--jwks: \(jwks) is not an https URL (plain http only to this machine)")
                }
                return .url(url)
            }
            guard let data = FileManager.default.contents(atPath: jwks) else { throw CommandFailure(message: "--jwks: cannot read \(jwks)") }
            do { _ = try JWKS(json: Array(data)) } catch { throw CommandFailure(message: "--jwks: \(jwks): \(error)") }
            guard let text = String(data: data, encoding: .utf8), !text.contains("\u{0}") else { throw CommandFailure(message: "--jwks: \(jwks) is not UTF-8 text") }
            return .document(text)
        }
    }

    struct List: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "List the trusts: one line each.")
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let trusts = try await configuration.withVault("latchkey.sso") { try await SSOTrustStore(pool: $0.pool).list() }
            for trust in trusts {
                let keys: String = switch trust.keys {
                case .document: "jwks=document"
                case .url(let url): "jwks=\(url.absoluteString)"
                }
                print([String(trust.id), trust.organisationSlug, "issuer=\(trust.issuer)", "audience=\(trust.audience)", keys,
                       "capabilities=\(trust.capabilities)", "ttl_hours=\(Int(trust.keyLifetime / 3600))"].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a trust (keys already exchanged stay until they expire or are revoked).")
        @Argument(help: "The trust's id.") var id: Int64
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let removed = try await configuration.withVault("latchkey.sso") { try await SSOTrustStore(pool: $0.pool).remove(id: id) }
            guard removed else { throw CommandFailure(message: "no such trust: \(id)") }
            print("removed trust \(id)")
        }
    }
}
