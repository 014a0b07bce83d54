import ArgumentParser
import Foundation
import Policy
import Server
import Vault

/// `latchkey keys issue|list|roll|revoke`.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Issue, list and revoke API keys.",
        subcommands: [Issue.self, List.self, Revoke.self, Roll.self]
    )

    struct Issue: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a key; prints the raw key once, alone on its own line of stdout.")

        @Option(help: "Username the key is for.") var user: String
        @Option(help: "A name for the key.") var name: String
        @Option(help: "Organisation slug the key acts in.") var org: String?
        @Option(help: "Team slug whose admin issues the key (with --by): the key is confined to that team.") var team: String?
        @Option(help: "Days until the key expires.") var expiresDays: Int?
        @Option(help: "Comma-separated capabilities: view,add,edit,delete,superuser (default view).") var capabilities: String?
        @Option(help: "Username of the issuer; the issuance rules apply to them. Without it, the operator acts as staff.")
        var by: String?
        @Option(name: .customLong("allow-cidr"), help: "An IPv4 or IPv6 range (CIDR) the key may be used from; repeatable. None: anywhere.")
        var allowCIDR: [String] = []
        @Option(help: "A JSON object (at most 4 KiB) attached to the key, returned as given by verify and the presenting key.")
        var meta: String?
        @Option(help: "The key's own rate limit, replacing the authenticated rate: N/sec, N/min or N/hour, e.g. 100/min.")
        var rateLimit: String?
        @OptionGroup var fineGrained: PermissionOptions
        @OptionGroup var database: DatabaseOptions

        /// The `--allow-cidr` ranges, or why they are refused.
        var allowedCIDRs: Result<[AddressRange], AddressRangeError> { AddressRange.list(allowCIDR) }

        func validate() throws {
            if let expiresDays, expiresDays <= 0 { throw ValidationError("--expires-days must be a positive number of days") }
            if case .failure(let problem) = allowedCIDRs { throw ValidationError("--allow-cidr: \(problem)") }
            if let capabilities, Capabilities(parsing: capabilities) == nil {
                throw ValidationError("--capabilities takes a comma-separated subset of view,add,edit,delete,superuser")
            }
            try fineGrained.validate(capabilities: capabilities.flatMap(Capabilities.init(parsing:)))
            if let meta { do { _ = try KeyMeta(meta) } catch { throw ValidationError("--meta: \(error)") } }
            if let rateLimit { do { _ = try KeyRateLimit(rateLimit) } catch { throw ValidationError("--rate-limit: \(error)") } }
        }

        func run(_ configuration: Configuration) async throws {
            var request = KeyIssueRequest(
                username: user, name: name, organisationSlug: org, teamSlug: team,
                capabilities: capabilities.flatMap(Capabilities.init(parsing:)) ?? .default,
                expiresAt: expiresDays.map { Date().addingTimeInterval(Double($0) * 86_400) },
                issuer: by.map(KeyIssuer.user) ?? .platformOperator,
                allowedCIDRs: (try? allowedCIDRs.get()) ?? [])
            request.meta = try meta.map(KeyMeta.init)
            request.rateLimit = try rateLimit.map(KeyRateLimit.init)
            request.permissions = try fineGrained.permissions()
            request.resources = try fineGrained.resources()
            let issued = try await configuration.withVault("latchkey.keys") { vault in
                request.selections = configuration.selections(for: vault)
                return try await vault.issue(request)
            }
            FileHandle.standardError.write(Data("issued key \(issued.record.id) (\(issued.record.prefix)…) for \(user)\n".utf8))
            print(issued.secret)
        }
    }

    struct List: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "List a user's keys (never the secrets).")

        @Option(help: "Username.") var user: String
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            let keys = try await configuration.withVault("latchkey.keys") { try await $0.listKeys(username: user) }
            let now = Date()
            let format = ISO8601DateFormatter()
            func date(_ value: Date?) -> String { value.map(format.string(from:)) ?? "-" }
            for key in keys {
                print([key.id.uuidString.lowercased(), key.name, key.prefix + "…" + key.last4, key.status(at: now),
                       "created=\(date(key.createdAt))", "expires=\(date(key.expiresAt))",
                       "last_used=\(date(key.lastUsedAt))", "revoked=\(date(key.revokedAt))",
                       "capabilities=\(key.capabilities)",
                       "permissions=\(key.permissions?.permissionsJSON ?? "-")",
                       "resources=\(key.permissions?.resourcesJSON ?? "-")",
                       "allowed_cidrs=\(key.allowedCIDRs.isEmpty ? "any" : key.allowedCIDRs.map(\.description).joined(separator: ","))",
                       "rolled_to=\(key.rolledTo?.uuidString.lowercased() ?? "-")",
                      ].joined(separator: "\t"))
            }
        }
    }

    struct Roll: ConfiguredCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace a key by a new one (printed once, alone on its line); the old one works for the grace period.")

        @Argument(help: "The key id (uuid).") var id: String
        @Option(help: "Hours the old key keeps working (0 to 168, never past its own expiry).") var graceHours = Vault.defaultGraceHours
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (0...Vault.longestGraceHours).contains(graceHours) else { throw ValidationError("--grace-hours must be 0 to 168") }
        }

        func run(_ configuration: Configuration) async throws {
            guard let keyID = UUID(uuidString: id) else { throw ValidationError("\(id) is not a key id (uuid)") }
            let rolled = try await configuration.withVault("latchkey.keys") { try await $0.roll(keyID: keyID, graceHours: graceHours, via: "cli") }
            FileHandle.standardError.write(Data("rolled \(keyID.uuidString.lowercased()) to \(rolled.record.id.uuidString.lowercased()) (\(rolled.record.prefix)…)\n".utf8))
            print(rolled.secret)
        }
    }

    struct Revoke: ConfiguredCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key (idempotent).")

        @Argument(help: "The key id (uuid).") var id: String
        @Option(help: "Username of the revoker; the revocation rules apply to them.") var by: String?
        @OptionGroup var database: DatabaseOptions

        func run(_ configuration: Configuration) async throws {
            guard let keyID = UUID(uuidString: id) else { throw ValidationError("\(id) is not a key id (uuid)") }
            let record = try await configuration.withVault("latchkey.keys") {
                try await $0.revoke(keyID: keyID, by: by.map(KeyIssuer.user) ?? .platformOperator)
            }
            print("revoked \(record.id.uuidString.lowercased()) (\(record.prefix)…)")
        }
    }
}
