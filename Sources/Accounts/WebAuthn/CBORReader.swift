/// A strict, bounded CBOR reader (RFC 8949) for attestation objects and COSE keys: definite
/// lengths only, shortest-form heads, no tags, floats or undefined simple values, valid UTF-8
/// text, distinct map keys, at most ``maxDepth`` levels of nesting and ``maxItems`` items in all.
/// Anything else is a ``CBORError``, never a crash.
public struct CBORReader {
    public static let maxDepth = 8
    public static let maxItems = 1024

    private let input: [UInt8]
    /// Where the next item starts.
    public private(set) var offset: Int
    private var items = 0

    public init(_ input: [UInt8], offset: Int = 0) {
        self.input = input
        self.offset = offset
    }

    /// The one item that is all of `input`.
    public static func decode(_ input: [UInt8]) throws(CBORError) -> CBOR {
        var reader = CBORReader(input)
        let item = try reader.read()
        guard reader.offset == input.count else { throw CBORError("trailing bytes after the item") }
        return item
    }

    /// The next item; ``offset`` moves past it.
    public mutating func read() throws(CBORError) -> CBOR {
        try item(depth: 0)
    }

    private mutating func item(depth: Int) throws(CBORError) -> CBOR {
        guard depth < Self.maxDepth else { throw CBORError("nested too deeply") }
        items += 1
        guard items <= Self.maxItems else { throw CBORError("too many items") }
        let initial = try byte()
        let major = initial >> 5, info = initial & 0x1f
        if major == 7 {
            switch info {
            case 20: return .bool(false)
            case 21: return .bool(true)
            case 22: return .null
            default: throw CBORError("unsupported simple value or float")
            }
        }
        let argument = try self.argument(info)
        switch major {
        case 0: return .unsigned(argument)
        case 1: return .negative(argument)
        case 2: return .bytes(try take(argument))
        case 3:
            let raw = try take(argument)
            guard let text = String(validating: raw, as: UTF8.self) else { throw CBORError("text is not UTF-8") }
            return .text(text)
        case 4:
            let count = try count(argument)
            var elements: [CBOR] = []
            for _ in 0..<count { elements.append(try item(depth: depth + 1)) }
            return .array(elements)
        case 5:
            let count = try count(argument)
            var pairs: [CBOR.Pair] = []
            var keys = Set<CBOR>()
            for _ in 0..<count {
                let key = try item(depth: depth + 1)
                guard keys.insert(key).inserted else { throw CBORError("a map repeats a key") }
                pairs.append(CBOR.Pair(key: key, value: try item(depth: depth + 1)))
            }
            return .map(pairs)
        default:
            throw CBORError("tags are not supported")
        }
    }

    /// The head's argument, in its shortest form only.
    private mutating func argument(_ info: UInt8) throws(CBORError) -> UInt64 {
        let width: Int
        switch info {
        case 0..<24: return UInt64(info)
        case 24: width = 1
        case 25: width = 2
        case 26: width = 4
        case 27: width = 8
        default: throw CBORError("indefinite or reserved length")
        }
        var value: UInt64 = 0
        for _ in 0..<width { value = value << 8 | UInt64(try byte()) }
        let shortest: UInt64 = switch width { case 1: 24; case 2: 0x100; case 4: 0x1_0000; default: 0x1_0000_0000 }
        guard value >= shortest else { throw CBORError("not the shortest encoding") }
        return value
    }

    /// An array's or map's element count: each element takes a byte at least, so a count
    /// beyond the bytes left is refused before anything is allocated.
    private func count(_ argument: UInt64) throws(CBORError) -> Int {
        guard argument <= UInt64(input.count - offset) else { throw CBORError("more elements than bytes") }
        return Int(argument)
    }

    private mutating func byte() throws(CBORError) -> UInt8 {
        guard offset < input.count else { throw CBORError("truncated") }
        defer { offset += 1 }
        return input[offset]
    }

    private mutating func take(_ length: UInt64) throws(CBORError) -> [UInt8] {
        guard length <= UInt64(input.count - offset) else { throw CBORError("truncated") }
        defer { offset += Int(length) }
        return Array(input[offset..<(offset + Int(length))])
    }
}

/// Why bytes are not the CBOR ``CBORReader`` accepts.
public struct CBORError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
