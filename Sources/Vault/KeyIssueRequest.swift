import Foundation
import Policy

/// What to issue.
///
/// The command line and SSO name the user, organisation and team (username, slugs); the console,
/// which holds their ids, passes those, with terms it checked once (``KeyTerms``).
public struct KeyIssueRequest: Sendable {
    /// A user, organisation or team as a request names it: by id or by username or slug.
    public enum Reference: Sendable, Hashable {
        case id(Int64)
        case name(String)
    }

    /// The user the key is for.
    public var user: Reference
    /// The organisation the key is issued in, if any.
    public var organisation: Reference?
    /// The team whose admin issues the key (the console's team page, `--team`), if any: the key
    /// is then confined to it (SPEC §2).
    public var team: Reference?
    public var capabilities: Capabilities
    public var issuer: KeyIssuer
    /// Where the issuance came from (`cli`, `console`, …), for the audit event.
    public var via: String
    /// The client's address, for the audit event.
    public var ip: String?
    /// Set when an SSO token exchange asks (SPEC §11): the issuer is then the target themselves.
    public var exchange: SSOExchange?
    /// What the issuer attaches to the key (SPEC §15), if anything.
    public var meta: KeyMeta?
    /// The key's own rate limit (SPEC §15), if the issuer sets one.
    public var rateLimit: KeyRateLimit?
    /// The key's verbs per resource type (SPEC §15), if it is fine-grained: they replace
    /// ``capabilities``, which the key then holds as their union. Selections come from
    /// ``resources`` only.
    public var permissions: KeyPermissions?
    /// The objects the key is limited to, per permission type, as the issuer names them (ids;
    /// slugs for surveys; keys for datasets): found through ``selections`` and checked visible to
    /// the key's user. The key stores their integer ids.
    public var resources: [String: [String]] = [:]
    /// Where ``resources`` are looked up (the plugins' resolvers).
    public var selections: (any KeySelectionLookup)?
    /// The approved key request this issuance collects (SPEC §14), if any: checked and marked
    /// collected in the issuance's transaction; it stands for `require_approval` only.
    var approvedRequest: UUID?
    /// The name, expiry and allowed addresses: as given (checked at issuance), or checked.
    let terms: Terms

    enum Terms: Sendable {
        case given(name: String, expiresAt: Date?, allowedCIDRs: [AddressRange])
        case checked(KeyTerms)
    }

    /// A request by username and slugs; its name, expiry and ranges (empty: anywhere) are checked
    /// when it is issued.
    public init(
        username: String, name: String, organisationSlug: String? = nil, teamSlug: String? = nil,
        capabilities: Capabilities = .default, expiresAt: Date? = nil, issuer: KeyIssuer = .platformOperator,
        via: String = "cli", ip: String? = nil, allowedCIDRs: [AddressRange] = []
    ) {
        self.user = .name(username)
        self.organisation = organisationSlug.map(Reference.name)
        self.team = teamSlug.map(Reference.name)
        self.terms = .given(name: name, expiresAt: expiresAt, allowedCIDRs: allowedCIDRs)
        self.capabilities = capabilities
        self.issuer = issuer
        self.via = via
        self.ip = ip
    }

    /// A request by ids, with checked terms (the console's).
    public init(
        userID: Int64, terms: KeyTerms, organisationID: Int64? = nil, teamID: Int64? = nil,
        capabilities: Capabilities = .default, issuer: KeyIssuer, via: String, ip: String? = nil
    ) {
        self.user = .id(userID)
        self.organisation = organisationID.map(Reference.id)
        self.team = teamID.map(Reference.id)
        self.terms = .checked(terms)
        self.capabilities = capabilities
        self.issuer = issuer
        self.via = via
        self.ip = ip
    }

    /// The capabilities the key is to hold: its permissions' union, or ``capabilities``.
    var requestedCapabilities: Capabilities { permissions?.union ?? capabilities }

    /// The request's terms, checked now unless they were.
    func checkedTerms() throws -> KeyTerms {
        switch terms {
        case .checked(let checked):
            return checked
        case .given(let name, let expiresAt, let allowedCIDRs):
            do {
                return try KeyTerms(name: name, expiresAt: expiresAt, allowedCIDRs: allowedCIDRs)
            } catch {
                throw error.refusal
            }
        }
    }
}

/// What the requester of a key chooses besides its owner and reach — its name, expiry and the
/// addresses it may be used from — checked (SPEC §2): a name of 1 to 200 characters (spaces
/// around it dropped), an expiry in the future, at most ``AddressRange/limit`` ranges. Issuance
/// checks them once: a request holding checked terms is not checked again.
public struct KeyTerms: Sendable {
    public let name: String
    public let expiresAt: Date?
    public let allowedCIDRs: [AddressRange]

    /// What is wrong with terms.
    public struct Problems: OptionSet, Error, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// No name (or only spaces).
        public static let noName = Problems(rawValue: 1 << 0)
        /// A name of more than 200 characters.
        public static let longName = Problems(rawValue: 1 << 1)
        public static let expiry = Problems(rawValue: 1 << 2)
        public static let addresses = Problems(rawValue: 1 << 3)

        /// The vault's refusal of the first problem (name, expiry, addresses), in its words.
        public var refusal: VaultError {
            if !isDisjoint(with: [.noName, .longName]) { return .invalidInput("a key needs a name of 1 to 200 characters") }
            if contains(.expiry) { return .invalidInput("the expiry must be in the future") }
            return .invalidInput(AddressRangeError.tooMany.description)
        }
    }

    /// Checks the terms at `now`; every problem found is thrown at once.
    public init(name: String, expiresAt: Date?, allowedCIDRs: [AddressRange], now: Date = Date()) throws(Problems) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: Problems = []
        if trimmed.isEmpty { problems.insert(.noName) }
        if trimmed.count > 200 { problems.insert(.longName) }
        if let expiresAt, expiresAt <= now { problems.insert(.expiry) }
        if allowedCIDRs.count > AddressRange.limit { problems.insert(.addresses) }
        guard problems.isEmpty else { throw problems }
        self.name = trimmed
        self.expiresAt = expiresAt
        self.allowedCIDRs = allowedCIDRs
    }
}
