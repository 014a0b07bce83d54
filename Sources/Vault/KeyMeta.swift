import JSON

/// Metadata an issuer attaches to a key (SPEC §15, as Unkey's `meta`): a JSON object of at most
/// 4 KiB, stored as given, returned by `/v1/keys/verify` and `/api/keys/current/`, never
/// interpreted.
public struct KeyMeta: Sendable, Hashable {
    /// The most bytes the object's text may take.
    public static let limit = 4096

    /// The object's JSON text, exactly as given.
    public let json: String

    /// Checks `text`: a JSON object of at most ``limit`` bytes, else `VaultError.invalidInput`.
    public init(_ text: String) throws(VaultError) {
        guard text.utf8.count <= Self.limit else {
            throw .invalidInput("meta must be a JSON object of at most \(Self.limit) bytes")
        }
        guard case .object? = try? JSONValue.parse(text.utf8) else {
            throw .invalidInput("meta must be a JSON object, e.g. {\"plan\":\"gold\"}")
        }
        json = text
    }

    /// Text read back from the database, checked when it was stored.
    init(stored text: String) { json = text }
}
