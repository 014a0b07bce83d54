import Foundation
import JSON
import Policy
import Postgres
import Vault

/// RFC 8693 token exchange for the enterprise tier (SPEC §11): an OpenID Connect ID token from
/// a trusted issuer becomes a `ct_live_` key of the organisation, through the vault's issuance
/// path (policy, audit, single use of the token in the same transaction).
public struct TokenExchange: Sendable {
    public static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    public static let idTokenType = "urn:ietf:params:oauth:token-type:id_token"
    public static let accessTokenType = "urn:ietf:params:oauth:token-type:access_token"

    let vault: Vault
    let trusts: SSOTrustStore
    let keys: JWKSSource

    public init(vault: Vault, keys: JWKSSource) {
        self.vault = vault
        self.trusts = SSOTrustStore(pool: vault.pool)
        self.keys = keys
    }

    /// What was issued: the key (shown once), its lifetime in seconds and its capabilities.
    public struct Issued: Sendable {
        public let key: IssuedKey
        public let expiresIn: Int
        public let scope: String
    }

    /// An RFC 6749 §5.2 error.
    public struct Refusal: Error, Equatable, Sendable {
        public let error: String
        public let description: String
        /// Latchkey's code beside the RFC's error, when one applies (`POLICY_VIOLATION`, SPEC §14).
        public let code: String?

        public init(error: String, description: String, code: String? = nil) {
            self.error = error
            self.description = description
            self.code = code
        }

        static func invalidRequest(_ why: String) -> Refusal { Refusal(error: "invalid_request", description: why) }
        static func invalidGrant(_ why: String) -> Refusal { Refusal(error: "invalid_grant", description: why) }
        static func invalidScope(_ why: String) -> Refusal { Refusal(error: "invalid_scope", description: why) }
        static func invalidTarget(_ why: String) -> Refusal { Refusal(error: "invalid_target", description: why) }
        static let unsupportedGrantType = Refusal(error: "unsupported_grant_type", description: "Only token exchange (\(grantType)) is supported.")
        /// One answer for every reason the token's person cannot have a key, so it never tells
        /// whether an email has an account.
        static let notAMember = invalidGrant("The ID token does not name an active enterprise-tier member of the organisation.")
    }

    /// Exchanges the form's ID token (`fields`: the decoded form) for a key.
    public func exchange(_ fields: [String: String], ip: String?, now: Date = Date()) async throws -> Issued {
        guard let grant = fields["grant_type"], !grant.isEmpty else { throw Refusal.invalidRequest("grant_type is required.") }
        guard grant == Self.grantType else { throw Refusal.unsupportedGrantType }
        guard let raw = fields["subject_token"], !raw.isEmpty else { throw Refusal.invalidRequest("subject_token is required.") }
        guard fields["subject_token_type"] == Self.idTokenType else {
            throw Refusal.invalidRequest("subject_token_type must be \(Self.idTokenType).")
        }
        let requested = try Self.scope(fields["scope"])

        let token: JWS
        do { token = try JWS(compact: raw) } catch { throw Refusal.invalidGrant("The subject token is not an acceptable JWS: \(error).") }
        guard let issuer = IDToken.claimedIssuer(of: token) else { throw Refusal.invalidGrant("The subject token has no iss.") }
        // The member is looked up with the trust, from the claims as sent; it is used only once
        // the signature and claims are verified (the verified email is the same claim).
        let (trust, member) = try await self.trust(issuer: issuer, audience: fields["audience"], email: IDToken.claimedEmail(of: token))

        let verified: IDToken
        do {
            let keySet = try await keys.keys(for: trust, token: token)
            verified = try IDToken(token, raw: raw, keys: keySet, issuer: trust.issuer, audience: trust.audience, now: now)
        } catch {
            throw Refusal.invalidGrant("The subject token was refused: \(error).")
        }
        guard trust.capabilities.isSuperset(of: requested) else {
            throw Refusal.invalidScope("The organisation allows SSO keys with \(trust.capabilities.names.joined(separator: " ")) only.")
        }
        guard let username = member, verified.email == IDToken.claimedEmail(of: token) else { throw Refusal.notAMember }

        let lifetime = min(trust.keyLifetime, SSOTrust.longestLifetime)
        var request = KeyIssueRequest(
            username: username, name: "SSO \(UTCDateParts(now).date)", organisationSlug: trust.organisationSlug,
            capabilities: requested, expiresAt: now.addingTimeInterval(lifetime), issuer: .user(username), via: "sso", ip: ip)
        request.exchange = SSOExchange(
            issuer: verified.issuer, subject: verified.subject, trustCapabilities: trust.capabilities,
            replayDigest: SHA256Digest(hashing: verified.replayID),
            usableUntil: verified.expiresAt.addingTimeInterval(IDToken.skew))
        do {
            let issued = try await vault.issue(request)
            return Issued(key: issued, expiresIn: Int(lifetime), scope: requested.names.joined(separator: " "))
        } catch VaultError.replayed {
            throw Refusal.invalidGrant("The subject token was already exchanged.")
        } catch VaultError.policyViolation(let why) {
            // SPEC §14: the organisation's key policy refuses SSO keys too, in words naming the rule.
            throw Refusal(error: "invalid_request", description: why, code: "POLICY_VIOLATION")
        } catch VaultError.denied(let decision) where decision.code == .denyCapabilityGrant {
            throw Refusal.invalidScope("The organisation does not allow these capabilities for SSO keys.")
        } catch is VaultError {
            throw Refusal.notAMember
        }
    }

    /// The trust that judges the token: the issuer's, in the organisation `audience` names when
    /// given (needed when several organisations trust the issuer); with the username of the
    /// organisation's member whose email is `email`, if any.
    func trust(issuer: String, audience: String?, email: String?) async throws -> (SSOTrust, member: String?) {
        let candidates = try await trusts.trusts(issuer: issuer, member: email)
        guard !candidates.isEmpty else { throw Refusal.invalidGrant("The subject token's issuer is not trusted.") }
        if let audience, !audience.isEmpty {
            guard let found = candidates.first(where: { $0.trust.organisationSlug == audience }) else {
                throw Refusal.invalidTarget("No organisation of that slug trusts this issuer.")
            }
            return found
        }
        guard candidates.count == 1 else {
            throw Refusal.invalidRequest("Several organisations trust this issuer: name one as audience (its slug).")
        }
        return candidates[0]
    }

    /// The requested capabilities (space-separated), `view` when none is.
    static func scope(_ text: String?) throws -> Capabilities {
        let names = (text ?? "").split(separator: " ").map(String.init)
        guard !names.isEmpty else { return .view }
        guard let capabilities = Capabilities(names: names) else {
            throw Refusal.invalidScope("scope takes capabilities: view add edit delete.")
        }
        return capabilities
    }
}
