/// What the caller wants to do: `<resource>.<verb>` as in SPEC §6, e.g. `survey.retrieve`.
public struct Action: Sendable, Hashable, CustomStringConvertible {
    /// The resource type, e.g. `survey`.
    public var resource: ResourceType
    /// The verb, e.g. `retrieve`.
    public var verb: Verb

    @inlinable
    public init(_ resource: ResourceType, _ verb: Verb) {
        self.resource = resource
        self.verb = verb
    }

    /// Parses `<resource>.<verb>`; `nil` unless both parts are non-empty lowercase names
    /// (`a`–`z`, `0`–`9`, `_`, `-`). The action need not be a known one: unknown actions parse,
    /// and the engine denies them.
    public init?(_ string: String) {
        let utf8 = Array(string.utf8)
        guard utf8.count <= 64,
              let dot = utf8.firstIndex(of: UInt8(ascii: ".")),
              dot > 0, dot < utf8.count - 1
        else { return nil }
        func valid(_ bytes: ArraySlice<UInt8>) -> Bool {
            bytes.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        }
        let head = utf8[..<dot]
        let tail = utf8[(dot + 1)...]
        guard valid(head), valid(tail) else { return nil }
        self.init(
            ResourceType(rawValue: String(decoding: head, as: UTF8.self)),
            Verb(rawValue: String(decoding: tail, as: UTF8.self))
        )
    }

    /// The SPEC string, e.g. `survey.retrieve`.
    public var description: String { "\(resource.rawValue).\(verb.rawValue)" }
}
