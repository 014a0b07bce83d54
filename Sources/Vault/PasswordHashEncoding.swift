/// The stored, self-describing form of an scrypt password hash.
///
/// Format (one line, ASCII, six `$`-separated fields):
///
/// ```
/// scrypt$<log2N>$<r>$<p>$<salt>$<hash>
/// scrypt$17$8$1$q2xJ0mYfB0b1kq8tTvO4Ow$3o0m...   (OWASP defaults)
/// ```
///
/// - `log2N`, `r`, `p`: decimal, no sign, no leading zeros; N = 2^log2N.
/// - `salt`, `hash`: standard base64 (`A–Z a–z 0–9 + /`) without `=` padding; the hash length
///   is the decoded length (normally 32 bytes), the salt normally 16 bytes.
///
/// Parsing is strict: anything that is not exactly this shape, or whose parameters fall outside
/// ``ScryptParameters/isAcceptable``, is rejected.
struct PasswordHashEncoding: Sendable, Hashable {
    /// The algorithm tag that starts every encoding.
    static let tag = "scrypt"

    /// The cost parameters (salt and hash lengths taken from the decoded fields).
    var parameters: ScryptParameters
    /// The salt bytes.
    var salt: [UInt8]
    /// The derived key bytes.
    var hash: [UInt8]

    /// Creates an encoding from its parts.
    init(parameters: ScryptParameters, salt: [UInt8], hash: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.hash = hash
    }

    /// Parses an encoded hash, or returns `nil` if it is malformed or its parameters unacceptable.
    init?(parsing text: String) {
        guard text.utf8.count <= 512 else { return nil }
        let fields = text.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == Self.tag,
              let log2N = Self.decimal(fields[1]),
              let r = Self.decimal(fields[2]),
              let p = Self.decimal(fields[3]),
              let salt = UnpaddedBase64.decode(fields[4]),
              let hash = UnpaddedBase64.decode(fields[5])
        else { return nil }
        let parameters = ScryptParameters(
            log2N: log2N, blockSize: r, parallelism: p, saltLength: salt.count, hashLength: hash.count
        )
        guard parameters.isAcceptable else { return nil }
        self.init(parameters: parameters, salt: salt, hash: hash)
    }

    /// The encoded string.
    var encoded: String {
        "\(Self.tag)$\(parameters.log2N)$\(parameters.blockSize)$\(parameters.parallelism)$"
            + "\(UnpaddedBase64.encode(salt))$\(UnpaddedBase64.encode(hash))"
    }

    /// Parses 1–3 ASCII digits without a leading zero.
    private static func decimal(_ field: Substring) -> Int? {
        let digits = field.utf8
        guard (1...3).contains(digits.count), digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        guard digits.first != 48 else { return nil }
        return Int(field)
    }
}
