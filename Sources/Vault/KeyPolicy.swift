import Foundation
import JSON
import Policy
import Postgres

/// An organisation's key policy (SPEC §14): what every key confined to it must be. Read and
/// changed through `Tenancy`; judged here, where keys are issued (``Vault/issue(_:)``,
/// ``Vault/roll(keyID:graceHours:via:ip:)``) and verified (``VerifiedKey/status(at:)``), so each
/// rule lives in one place. No stored row is the open policy: nothing required, any capability.
public struct KeyPolicy: Sendable, Hashable {
    /// The longest lifetime a key may have, in days (1–3650); `nil`: no bound.
    public var maxLifetimeDays: Int?
    public var requireExpiry: Bool
    public var requireAllowedCIDRs: Bool
    /// The capabilities a key may hold at most; `nil`: any (JSON `null`).
    public var maxCapabilities: Capabilities?
    /// Members who are not admin or owner cannot be issued a key directly: they ask for one
    /// (``KeyRequest``), and collect it once an admin approved.
    public var requireApproval: Bool
    /// Stored and shown; enforced with passkeys (#31).
    public var requirePasskey: Bool

    public static let lifetimeRange = 1...3650

    public init(
        maxLifetimeDays: Int? = nil, requireExpiry: Bool = false, requireAllowedCIDRs: Bool = false,
        maxCapabilities: Capabilities? = nil, requireApproval: Bool = false, requirePasskey: Bool = false
    ) {
        self.maxLifetimeDays = maxLifetimeDays
        self.requireExpiry = requireExpiry
        self.requireAllowedCIDRs = requireAllowedCIDRs
        self.maxCapabilities = maxCapabilities
        self.requireApproval = requireApproval
        self.requirePasskey = requirePasskey
    }

    /// The open policy: what an organisation without a stored one has.
    public static let open = KeyPolicy()

    /// Whether the policy requires nothing and allows everything.
    public var isOpen: Bool { self == .open }

    // MARK: Issuance

    /// The first rule a new key with these terms breaks, in words naming it; `nil` when it
    /// keeps them all. `capabilities` is what the key holds (a fine-grained key: the union of
    /// its permissions' verbs).
    public func violation(expiresAt: Date?, allowedCIDRs: [AddressRange], capabilities: Capabilities, now: Date = Date()) -> String? {
        if let days = maxLifetimeDays {
            guard let expiresAt else {
                return "The organisation's key policy requires an expiry (max_lifetime_days is \(days)): set one at most \(days) days away."
            }
            if expiresAt > now.addingTimeInterval(Double(days) * 86_400) {
                return "The organisation's key policy allows keys of at most \(days) days (max_lifetime_days): choose an earlier expiry."
            }
        }
        if requireExpiry, expiresAt == nil {
            return "The organisation's key policy requires an expiry (require_expiry): set one."
        }
        if requireAllowedCIDRs, allowedCIDRs.isEmpty {
            return "The organisation's key policy requires allowed addresses (require_allowed_cidrs): give at least one CIDR range."
        }
        if let beyond = beyond(capabilities) {
            return "The organisation's key policy allows at most the capabilities \(Self.words(maxCapabilities ?? .none)) (max_capabilities); \(Self.words(beyond)) is beyond them."
        }
        return nil
    }

    /// The refusal of a direct issuance for a member who is neither admin nor owner under
    /// `require_approval`.
    public static let approvalRequired = "The organisation's key policy requires approval (require_approval): only its admins and owner can be issued a key directly; a member asks for one."

    // MARK: Existing keys

    /// Whether `key`, created at its `createdAt`, has outlived `max_lifetime_days` at `now`:
    /// it then answers as expired (blocked, not revoked: a looser policy brings it back).
    public func outlived(_ key: KeyRecord, at now: Date) -> Bool {
        guard let days = maxLifetimeDays else { return false }
        return key.createdAt.addingTimeInterval(Double(days) * 86_400) <= now
    }

    /// Why `key` is blocked by the policy (SPEC §14, 403 `POLICY_BLOCKED`), in words naming the
    /// rule; `nil` when it is not.
    public func block(of key: KeyRecord) -> String? {
        if requireAllowedCIDRs, key.allowedCIDRs.isEmpty {
            return "API key is blocked by its organisation's key policy: it has no allowed addresses (require_allowed_cidrs)."
        }
        if beyond(key.capabilities) != nil {
            return "API key is blocked by its organisation's key policy: it holds capabilities beyond max_capabilities."
        }
        return nil
    }

    /// The capabilities of `capabilities` beyond `max_capabilities`, or `nil` when none are.
    func beyond(_ capabilities: Capabilities) -> Capabilities? {
        guard let maxCapabilities else { return nil }
        let beyond = capabilities.subtracting(maxCapabilities)
        return beyond.isEmpty ? nil : beyond
    }

    static func words(_ capabilities: Capabilities) -> String {
        capabilities.isEmpty ? "none" : capabilities.names.joined(separator: ", ")
    }

    // MARK: JSON

    /// The field names of the JSON shape, in order.
    public static let fieldNames = ["max_lifetime_days", "require_expiry", "require_allowed_cidrs", "max_capabilities", "require_approval", "require_passkey"]
}

extension KeyPolicy: JSONWritable {
    /// `{"max_lifetime_days","require_expiry","require_allowed_cidrs","max_capabilities","require_approval","require_passkey"}`;
    /// `max_capabilities` lists every capability when any is allowed (SPEC §14 shows it as a list).
    public func write(to json: inout JSONWriter) {
        json.object { json in
            json.field("max_lifetime_days", maxLifetimeDays)
            json.field("require_expiry", requireExpiry)
            json.field("require_allowed_cidrs", requireAllowedCIDRs)
            json.field("max_capabilities", (maxCapabilities ?? .all).names)
            json.field("require_approval", requireApproval)
            json.field("require_passkey", requirePasskey)
        }
    }
}

extension KeyPolicy {
    /// Reads a whole policy from a JSON object: known fields only, each value of its kind and
    /// range; a field left out takes its default (a policy is stated whole, as a PUT replaces
    /// it). `max_capabilities` null or listing all five is "any". Throws
    /// ``VaultError/invalidInput(_:)`` naming every field at fault.
    public init(json value: JSONValue) throws {
        guard case .object(let fields) = value else { throw VaultError.invalidInput("the key policy must be a JSON object") }
        var problems: [String] = []
        let known = Set(Self.fieldNames)
        for name in fields.keys.sorted() where !known.contains(name) {
            problems.append("'\(String(name.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(64)))' is not a known field")
        }
        var policy = KeyPolicy()
        switch fields["max_lifetime_days"] {
        case .null, nil: break
        case .number(let number) where number.rounded() == number && Double(Self.lifetimeRange.lowerBound) <= number && number <= Double(Self.lifetimeRange.upperBound):
            policy.maxLifetimeDays = Int(number)
        default: problems.append("'max_lifetime_days' must be null or an integer from 1 to 3650")
        }
        func flag(_ name: String) -> Bool {
            switch fields[name] {
            case .bool(let flag): return flag
            case nil: return false
            default:
                problems.append("'\(name)' must be true or false")
                return false
            }
        }
        policy.requireExpiry = flag("require_expiry")
        policy.requireAllowedCIDRs = flag("require_allowed_cidrs")
        policy.requireApproval = flag("require_approval")
        policy.requirePasskey = flag("require_passkey")
        switch fields["max_capabilities"] {
        case .null, nil: break
        case .array(let items):
            var names: [String] = []
            for item in items {
                guard case .string(let name) = item else { names = []; problems.append("'max_capabilities' must be null or an array of capability names"); break }
                names.append(name)
            }
            if names.count == items.count {
                if let capabilities = Capabilities(names: names) {
                    policy.maxCapabilities = capabilities == .all ? nil : capabilities
                } else {
                    problems.append("'max_capabilities' may hold only view, add, edit, delete and superuser")
                }
            }
        default: problems.append("'max_capabilities' must be null (any) or an array of capability names")
        }
        guard problems.isEmpty else { throw VaultError.invalidInput(problems.joined(separator: "; ")) }
        self = policy
    }

    /// The policy as compact JSON text (for audit details and the command line).
    public var jsonText: String {
        var json = JSONWriter(capacity: 192)
        write(to: &json)
        return String(buffer: json.buffer)
    }
}

extension KeyPolicy {
    /// The columns `init(row:prefix:)` reads from `key_policies` aliased `alias`, with `policy_`
    /// names (all `NULL` when no row joined).
    static func columns(_ alias: StaticString) -> PGQuery {
        let a = "\(alias)"
        return PGQuery(stringLiteral: """
            \(a).organisation_id AS policy_organisation, \(a).max_lifetime_days AS policy_max_lifetime_days, \
            \(a).require_expiry AS policy_require_expiry, \(a).require_allowed_cidrs AS policy_require_allowed_cidrs, \
            \(a).max_capabilities AS policy_max_capabilities, \(a).require_approval AS policy_require_approval, \
            \(a).require_passkey AS policy_require_passkey
            """)
    }

    /// The policy of a row holding ``columns(_:)``; `nil` when no policy row joined.
    init?(policyRow row: PGRow) throws {
        guard try row.decode(Int64?.self, named: "policy_organisation") != nil else { return nil }
        var capabilities: Capabilities?
        if let names = try row.decode([String]?.self, named: "policy_max_capabilities") {
            guard let parsed = Capabilities(names: names) else { throw PGError(.decoding, message: "unknown capability in \(names)") }
            capabilities = parsed
        }
        self.init(
            maxLifetimeDays: try row.decode(Int32?.self, named: "policy_max_lifetime_days").map(Int.init),
            requireExpiry: try row.decode(Bool.self, named: "policy_require_expiry"),
            requireAllowedCIDRs: try row.decode(Bool.self, named: "policy_require_allowed_cidrs"),
            maxCapabilities: capabilities,
            requireApproval: try row.decode(Bool.self, named: "policy_require_approval"),
            requirePasskey: try row.decode(Bool.self, named: "policy_require_passkey"))
    }

    /// The policy of organisation `id` (the open one without a row), read on `connection`.
    public static func read(organisation id: Int64, on connection: PGConnection) async throws -> KeyPolicy {
        let rows = try await connection.query("SELECT \(columns("p")) FROM key_policies p WHERE p.organisation_id = \(id)")
        guard let row = rows.first else { return .open }
        return try KeyPolicy(policyRow: row) ?? .open
    }
}
