import Foundation

/// An IPv4 or IPv6 range in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`; a bare address is
/// a range of one), as a key's `allowed_cidrs` holds them (SPEC §2, IP allowlists).
///
/// Both families live in one 128-bit space, IPv4 as IPv4-mapped IPv6 (`::ffff:a.b.c.d`), so an
/// IPv4 range also matches a client that reached a dual-stack socket as `::ffff:a.b.c.d`.
/// Host bits are cleared: `10.1.2.3/8` is `10.0.0.0/8`.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network, masked, as two 64-bit halves of the 128-bit address.
    let high: UInt64, low: UInt64
    /// Prefix length in the 128-bit space (an IPv4 `/n` is `96 + n`).
    let length: Int
    let isIPv4: Bool

    /// A key carries at most this many ranges.
    public static let limit = 32

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(String(parts[0])) else { return nil }
        let isIPv4 = !parts[0].contains(":")
        let maximum = isIPv4 ? 32 : 128
        var length = maximum
        if parts.count == 2 {
            guard let given = Int(parts[1]), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].count <= 3, (0...maximum).contains(given) else { return nil }
            length = given
        }
        self.isIPv4 = isIPv4
        self.length = isIPv4 ? 96 + length : length
        let (highMask, lowMask) = Self.mask(self.length)
        high = address.high & highMask
        low = address.low & lowMask
    }

    /// Whether `address` (an IPv4 or IPv6 address in text) lies in this range.
    public func contains(_ address: String) -> Bool {
        guard let parsed = IPAddress(address) else { return false }
        return contains(parsed)
    }

    public func contains(_ address: IPAddress) -> Bool {
        let (highMask, lowMask) = Self.mask(length)
        return address.high & highMask == high && address.low & lowMask == low
    }

    /// The canonical text: `network/length`, IPv4 in dotted form.
    public var description: String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<8 {
            bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
            bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        if isIPv4 {
            let four = Array(bytes[12...])
            _ = four.withUnsafeBytes { inet_ntop(AF_INET, $0.baseAddress, &text, socklen_t(text.count)) }
        } else {
            _ = bytes.withUnsafeBytes { inet_ntop(AF_INET6, $0.baseAddress, &text, socklen_t(text.count)) }
        }
        return String(cString: text) + "/\(isIPv4 ? length - 96 : length)"
    }

    /// Whether `text` is one IPv4 or IPv6 address (not a range): what the decision API takes as
    /// the end client's address.
    public static func isAddress(_ text: String) -> Bool {
        IPAddress(text) != nil
    }

    private static func mask(_ length: Int) -> (UInt64, UInt64) {
        let high: UInt64 = length >= 64 ? .max : length == 0 ? 0 : ~(UInt64.max >> length)
        let low: UInt64 = length >= 128 ? .max : length <= 64 ? 0 : ~(UInt64.max >> (length - 64))
        return (high, low)
    }

    /// Reads a list of ranges separated by commas, spaces or new lines: the ranges, or the first
    /// entry that is not one (or a message when there are more than ``limit``).
    public static func list(_ text: String) -> Result<[AddressRange], AddressRangeError> {
        let entries = text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
        return list(entries)
    }

    /// `entries` read as ranges (duplicates dropped, order kept).
    public static func list(_ entries: [String]) -> Result<[AddressRange], AddressRangeError> {
        var ranges: [AddressRange] = []
        for entry in entries {
            guard let range = AddressRange(entry) else { return .failure(.notARange(entry)) }
            if !ranges.contains(range) { ranges.append(range) }
        }
        guard ranges.count <= limit else { return .failure(.tooMany) }
        return .success(ranges)
    }
}

/// Why a list of ranges was refused.
public enum AddressRangeError: Error, Equatable, CustomStringConvertible {
    case notARange(String)
    case tooMany

    public var description: String {
        switch self {
        case .notARange(let entry): "“\(entry.prefix(60))” is not an IPv4 or IPv6 address or CIDR range"
        case .tooMany: "a key allows at most \(AddressRange.limit) address ranges"
        }
    }
}

extension Array where Element == AddressRange {
    /// Whether a key with these ranges may be used from `clientIP`: any address when there are
    /// none; otherwise only from inside one of them (an unknown address is outside).
    public func admit(_ clientIP: String?) -> Bool {
        isEmpty || admit(clientIP.flatMap(IPAddress.init))
    }

    /// The same for an address already read (a connection's peer, with no text in between).
    public func admit(_ address: IPAddress?) -> Bool {
        guard !isEmpty else { return true }
        guard let address else { return false }
        return contains { $0.contains(address) }
    }
}

/// One IPv4 or IPv6 address in the 128-bit space of ``AddressRange`` (IPv4 as IPv4-mapped
/// IPv6). Made from text or straight from a socket address, without allocating: the allowlist
/// check runs on every request of a key that has one.
public struct IPAddress: Sendable, Hashable {
    let high: UInt64, low: UInt64

    /// An IPv4 (dotted) or IPv6 address; `nil` when `text` is neither.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= 45, text.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) else { return nil }
        if text.utf8.contains(UInt8(ascii: ":")) {
            var address = in6_addr()
            guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
            self.init(ipv6: address)
        } else {
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            self.init(ipv4: address)
        }
    }

    public init(ipv4 address: in_addr) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(UInt32(bigEndian: address.s_addr))
    }

    public init(ipv6 address: in6_addr) {
        (high, low) = withUnsafeBytes(of: address) { bytes in
            (UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self)), UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }
}
