import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// A SHA-256 digest (32 bytes), computed with OpenSSL EVP, usable as a `Dictionary` key.
///
/// Stored as four big-endian `UInt64` words, so it is a cheap, allocation-free value:
/// copying, comparing and hashing it touch 32 bytes. This is the form in which API keys,
/// service credentials and session token ids are stored and looked up (the raw secrets
/// never are).
///
/// `==` is not constant-time. That is fine for lookups by digest (learning how much of a
/// SHA-256 output matches reveals nothing about its preimage); compare secrets themselves
/// with ``ConstantTime``.
public struct SHA256Digest: Hashable, Sendable {
    /// The number of bytes in a digest.
    public static let byteCount = 32

    /// Bytes 0–7, big-endian.
    public let w0: UInt64
    /// Bytes 8–15, big-endian.
    public let w1: UInt64
    /// Bytes 16–23, big-endian.
    public let w2: UInt64
    /// Bytes 24–31, big-endian.
    public let w3: UInt64

    /// Creates a digest from its four big-endian words.
    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// Creates a digest from exactly 32 bytes (for example a `bytea` column), or returns `nil`.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (index, byte) in bytes.enumerated() {
            words[index >> 3] = words[index >> 3] << 8 | UInt64(byte)
        }
        self.init(w0: words[0], w1: words[1], w2: words[2], w3: words[3])
    }

    /// Creates a digest from 64 hexadecimal digits (either case), or returns `nil`.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == Self.byteCount * 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.byteCount)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// Computes the SHA-256 of the bytes in `buffer`.
    ///
    /// Never blocks and takes well under a microsecond for short inputs.
    /// Traps if OpenSSL cannot compute SHA-256 at all (no default provider, out of memory),
    /// a state the process cannot recover from.
    public init(hashing buffer: UnsafeRawBufferPointer) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &words) { out -> Bool in
            var length: UInt32 = 0
            let engine = SHA256Engine.shared
            let context = engine.threadContext()
            guard EVP_DigestInit_ex2(context, engine.md, nil) == 1,
                  EVP_DigestUpdate(context, buffer.baseAddress, buffer.count) == 1,
                  EVP_DigestFinal_ex(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1
            else { return false }
            return length == 32
        }
        precondition(ok, "OpenSSL SHA-256 failed: \(CryptoError.openSSLErrorText())")
        self.init(
            w0: UInt64(bigEndian: words.0), w1: UInt64(bigEndian: words.1),
            w2: UInt64(bigEndian: words.2), w3: UInt64(bigEndian: words.3)
        )
    }

    /// Computes the SHA-256 of a string's UTF-8 bytes (for example a whole API key).
    public init(hashing string: String) {
        var string = string
        self = string.withUTF8 { SHA256Digest(hashing: UnsafeRawBufferPointer($0)) }
    }

    /// Computes the SHA-256 of a byte array.
    public init(hashing bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { SHA256Digest(hashing: $0) }
    }

    /// The 32 digest bytes, in order.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// The digest as 64 lowercase hexadecimal digits.
    public var hex: String {
        withUnsafeBytes { SecureRandom.hexString($0) }
    }

    /// Calls `body` with the 32 digest bytes, without allocating.
    public func withUnsafeBytes<Result, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        var words = (w0.bigEndian, w1.bigEndian, w2.bigEndian, w3.bigEndian)
        return try Swift.withUnsafeBytes(of: &words) { (raw) throws(Failure) in try body(raw) }
    }

    /// Feeds only the first word to the hasher.
    ///
    /// The digest is already uniformly distributed and `Hasher` is randomly seeded, so
    /// 64 bits are plenty for bucketing; equality still compares all 256 bits.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(w0)
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 48...57: byte - 48
        case 65...70: byte - 55
        case 97...102: byte - 87
        default: nil
        }
    }
}

extension SHA256Digest: CustomStringConvertible {
    /// The digest as lowercase hexadecimal.
    public var description: String { hex }
}

/// The SHA-256 implementation, fetched from the default provider once per process.
///
/// Passing an explicitly fetched `EVP_MD` to `EVP_Digest` avoids OpenSSL 3's implicit
/// per-call provider lookup. A fetched `EVP_MD` is immutable and safe to share between threads.
struct SHA256Engine: @unchecked Sendable {
    /// The process-wide instance.
    static let shared = SHA256Engine()

    /// The `EVP_MD` for SHA-256.
    let md: OpaquePointer
    /// A per-thread `EVP_MD_CTX`, reused so hashing does not allocate a context each time.
    private let contextKey: pthread_key_t

    /// This thread's digest context (created on first use, freed when the thread exits).
    ///
    /// Safe because a context is used only within one synchronous call on its own thread.
    func threadContext() -> OpaquePointer {
        if let existing = pthread_getspecific(contextKey) { return OpaquePointer(existing) }
        let context = EVP_MD_CTX_new()!
        pthread_setspecific(contextKey, UnsafeRawPointer(context))
        return context
    }

    private init() {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { EVP_MD_CTX_free(OpaquePointer(pointer)) }
        }
        contextKey = key
        if let fetched = EVP_MD_fetch(nil, "SHA256", nil) {
            md = fetched
        } else {
            ERR_clear_error()
            md = EVP_sha256()
        }
    }
}
