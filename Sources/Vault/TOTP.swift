import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA1, 6 digits, 30 s steps,
/// as every authenticator app computes them.
///
/// Written here rather than taken from hummingbird-auth's `HummingbirdOTP`, whose secret is a
/// `String` used as UTF-8: the random 160-bit secrets RFC 4226 asks for, and base32 secrets
/// from other systems, are not valid UTF-8 (see `docs/DECISIONS.md`).
public struct TOTP: Sendable {
    /// The shared secret.
    public let secret: [UInt8]
    /// Seconds per step.
    public static let period: Int64 = 30
    /// Steps accepted either side of now (clock drift).
    public static let window: Int64 = 1

    public init(secret: [UInt8]) {
        self.secret = secret
    }

    /// A new random 160-bit secret (RFC 4226 §4).
    public static func generateSecret() throws(CryptoError) -> [UInt8] {
        try SecureRandom.bytes(20)
    }

    /// The step `date` falls in.
    public static func step(at date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down)) / period
    }

    /// The 6-digit code of `step`.
    public func code(step: Int64) throws(CryptoError) -> String {
        var counter = UInt64(step).bigEndian
        let message = withUnsafeBytes(of: &counter) { Array($0) }
        let mac = try HMAC.authenticate(message, key: secret, digest: .sha1)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let value = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let digits = String(value % 1_000_000)
        return String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// The step whose code `code` is, within ±``window`` steps of `date`, if any; compared in
    /// constant time. The caller refuses a step it has already accepted (replay).
    public func matchingStep(_ code: String, at date: Date) throws(CryptoError) -> Int64? {
        let presented = code.filter { !$0.isWhitespace }
        guard presented.count == 6, presented.allSatisfy(\.isASCII), presented.allSatisfy(\.isNumber) else { return nil }
        let now = Self.step(at: date)
        var found: Int64?
        for step in (now - Self.window)...(now + Self.window) {
            if ConstantTime.equals(try self.code(step: step), presented), found == nil { found = step }
        }
        return found
    }

    /// The `otpauth://` URI authenticator apps read (Key URI format), for `account` at `issuer`.
    public func uri(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = "\(issuer):\(account)".addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issuerParameter = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(issuerParameter)&algorithm=SHA1&digits=6&period=30"
    }
}
