import Hummingbird
import PluginKit
import Usage
import Vault

/// Counts each use of a known key by its outcome (SPEC §13), on every path that sees keys: the
/// resource API (keys and their sessions), session login, and `/v1/keys/verify`. A thin layer
/// over the instance's ``UsageCounter``: this is where an answer becomes an outcome.
struct KeyUses: Sendable {
    let counter: UsageCounter

    /// Counts one use of `key` ending in `outcome`, from client `address`.
    func count(_ outcome: UsageOutcome, _ key: VerifiedKey, from address: String?) {
        counter.record(outcome, key: key.key.id, address: address)
    }

    /// Counts a verification that found a key, under the outcome of its status (an unknown or
    /// malformed key is no key's use).
    func count(_ verification: KeyVerification, from address: String?) {
        guard let found = verification.found, let outcome = UsageOutcome(verification.status) else { return }
        count(outcome, found, from: address)
    }

    /// Runs `body`, the serving of an authenticated request with `key`, and counts its outcome:
    /// over the limit (429) `rate_limited`, refused (403) `denied`, anything else `valid`.
    func serving(_ key: VerifiedKey, from address: String?, _ body: () async throws -> Response) async throws -> Response {
        do {
            let response = try await body()
            count(response.status == .forbidden ? .denied : .valid, key, from: address)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status
            count(status == .tooManyRequests ? .rateLimited : status == .forbidden ? .denied : .valid, key, from: address)
            throw error
        }
    }
}

extension UsageOutcome {
    /// The outcome of a use with a key found in status `status`; `nil` when no key was found.
    init?(_ status: KeyStatus) {
        switch status {
        case .valid: self = .valid
        case .expired: self = .expired
        case .revoked: self = .revoked
        case .tierNoAPIAccess, .userInactive, .policyBlocked: self = .blocked
        case .ipNotAllowed: self = .ipNotAllowed
        case .malformed, .notFound: return nil
        }
    }
}
