import Vault

extension APIError {
    /// The answer to a refused vault operation (one mapping for every route): a race a user
    /// can cause — a roll after a revocation, a key that vanished — is a 4xx, never a 500.
    public init(_ error: VaultError) {
        switch error {
        case .userNotFound, .organisationNotFound, .keyNotFound, .serviceNotFound, .keyRequestNotFound:
            self.init(.notFound, detail: "Not found.")
        case .invalidInput(let why):
            self.init(.badRequest, detail: why)
        case .denied(let decision):
            self = .denied(decision)
        case .replayed:
            self.init(.badRequest, detail: "This token was already used.")
        case .alreadyRolled:
            self.init(.conflict, detail: "This key was already rolled.", code: "ALREADY_ROLLED")
        case .passwordHashingBusy:
            self.init(.serviceUnavailable, detail: "Too many password checks at once; try again shortly.", headers: [.retryAfter: "2"])
        case .policyViolation(let why):
            self.init(.badRequest, detail: why, code: "POLICY_VIOLATION")
        case .keyRequestClosed(let why):
            self.init(.conflict, detail: why, code: "REQUEST_CLOSED")
        }
    }
}
