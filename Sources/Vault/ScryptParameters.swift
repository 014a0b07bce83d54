/// The cost parameters of an scrypt password hash.
///
/// The default, ``owasp``, follows the OWASP Password Storage Cheat Sheet: N = 2^17, r = 8,
/// p = 1 (128 MiB of memory, a few hundred milliseconds per hash), a 16-byte salt and a
/// 32-byte output. Lower costs are for tests only.
public struct ScryptParameters: Sendable, Hashable {
    /// The base-2 logarithm of the CPU/memory cost N.
    public var log2N: Int
    /// The block size r.
    public var blockSize: Int
    /// The parallelisation factor p.
    public var parallelism: Int
    /// The number of random salt bytes per hash.
    public var saltLength: Int
    /// The number of derived bytes stored.
    public var hashLength: Int

    /// Creates a parameter set. Check ``isAcceptable`` before use.
    public init(log2N: Int, blockSize: Int = 8, parallelism: Int = 1, saltLength: Int = 16, hashLength: Int = 32) {
        self.log2N = log2N
        self.blockSize = blockSize
        self.parallelism = parallelism
        self.saltLength = saltLength
        self.hashLength = hashLength
    }

    /// OWASP's recommended parameters: N = 2^17, r = 8, p = 1, 16-byte salt, 32-byte hash.
    public static let owasp = ScryptParameters(log2N: 17)

    /// The largest amount of memory a hash may need, in bytes (1 GiB).
    ///
    /// Encodings asking for more are rejected rather than allowed to exhaust the host.
    public static let memoryLimit: UInt64 = 1 << 30

    /// The ranges accepted for each parameter, both when hashing and when verifying.
    static let log2NRange = 1...20
    static let blockSizeRange = 1...32
    static let parallelismRange = 1...16
    static let saltLengthRange = 8...64
    static let hashLengthRange = 16...64

    /// The cost N = 2^log2N.
    public var n: UInt64 { 1 << UInt64(log2N) }

    /// The memory OpenSSL's scrypt needs for these parameters, in bytes.
    ///
    /// OpenSSL allocates `128·r·p` bytes for B plus `128·r·(N + 2)` bytes for V and refuses to run
    /// when that exceeds the `maxmem` argument, whose default (32 MiB) is below the OWASP cost.
    public var memoryRequired: UInt64 {
        let r = UInt64(blockSize)
        return 128 * r * UInt64(parallelism) + 128 * r * (n + 2)
    }

    /// Whether every parameter is within the accepted ranges and the memory within ``memoryLimit``.
    public var isAcceptable: Bool {
        Self.log2NRange.contains(log2N)
            && Self.blockSizeRange.contains(blockSize)
            && Self.parallelismRange.contains(parallelism)
            && Self.saltLengthRange.contains(saltLength)
            && Self.hashLengthRange.contains(hashLength)
            && memoryRequired <= Self.memoryLimit
    }
}
