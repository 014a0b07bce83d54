/// A key's own rate limit (SPEC §15): `N/sec`, `N/min` or `N/hour`, set by its issuer; it
/// replaces the authenticated rate for that key wherever the deployment counts requests.
public struct KeyRateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests allowed in one period.
    public let limit: Int
    /// The period in seconds: 1, 60 or 3600.
    public let seconds: Int

    /// Reads `N/sec|min|hour` (N from 1 to 999,999,999), else `VaultError.invalidInput`.
    public init(_ text: String) throws(VaultError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let units = ["sec": 1, "min": 60, "hour": 3600]
        guard parts.count == 2, let count = parts[0].first, count != "0", parts[0].count <= 9,
              parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let limit = Int(parts[0]),
              let seconds = units[String(parts[1])]
        else {
            throw .invalidInput("rate_limit must be N/sec, N/min or N/hour (N from 1 to 999999999), e.g. 100/min")
        }
        (self.limit, self.seconds) = (limit, seconds)
    }

    /// As it is written: `100/min`.
    public var description: String {
        "\(limit)/" + (seconds == 1 ? "sec" : seconds == 60 ? "min" : "hour")
    }
}
