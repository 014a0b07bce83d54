import PluginKit

/// A rule's path pattern (SPEC §16), matched segment by segment against a request's normalised
/// path: a literal segment matches itself, `*` any one segment, a final `*` any rest (one
/// segment or more), and `{organisation}` one segment naming the organisation the request is
/// about (only a key confined to that organisation passes, see ``GatewayCheck``).
public struct GatewayPath: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case any
        case organisation
    }

    let segments: [Segment]
    /// Whether a final `*` takes the rest of the path.
    let rest: Bool

    /// The pattern `text`, or `nil` when it does not start with `/`, has an empty, `.` or `..`
    /// segment (a trailing `/` aside), a `*` or braces inside a segment, or two `{organisation}`.
    public init?(pattern text: String) {
        guard text.hasPrefix("/"), text.utf8.count <= 1024 else { return nil }
        var parts = text.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        if parts.last == "" { parts.removeLast() }
        var segments: [Segment] = []
        for part in parts {
            switch part {
            case "*": segments.append(.any)
            case "{organisation}":
                guard !segments.contains(.organisation) else { return nil }
                segments.append(.organisation)
            default:
                guard Self.isSegment(part) else { return nil }
                segments.append(.literal(String(part)))
            }
        }
        rest = segments.last == .any
        if rest { segments.removeLast() }
        self.segments = segments
    }

    /// Whether `part` can be a literal segment: not empty, `.` or `..`, no `*`, braces, `%`,
    /// `?`, `#` or control characters.
    static func isSegment(_ part: Substring) -> Bool {
        guard !part.isEmpty, part != ".", part != ".." else { return false }
        return part.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && !"*{}%?#/".utf8.contains($0) }
    }

    /// A match: the segment in the `{organisation}` place, if the pattern has one.
    struct Match {
        var organisation: Substring?
    }

    /// The match of normalised `path`, or `nil` when it does not match.
    func match(_ path: Substring) -> Match? {
        var remaining = path.utf8.first == UInt8(ascii: "/") ? path.dropFirst() : path
        var organisation: Substring?
        for segment in segments {
            guard !remaining.isEmpty else { return nil }
            let end = remaining.firstIndex(of: "/") ?? remaining.endIndex
            let part = remaining[remaining.startIndex..<end]
            switch segment {
            case .literal(let literal): guard part == literal else { return nil }
            case .any: break
            case .organisation: organisation = part
            }
            remaining = end == remaining.endIndex ? remaining[end...] : remaining[remaining.index(after: end)...]
        }
        if rest { return remaining.isEmpty ? nil : Match(organisation: organisation) }
        return remaining.isEmpty ? Match(organisation: organisation) : nil
    }
}

extension GatewayPath {
    /// The path of a request's original URI as a normalising upstream would route it: the query
    /// dropped, percent-escapes decoded, empty and `.` segments removed, `..` taking the segment
    /// before, without a trailing `/`. `nil` (a 400) when it does not start with `/`, climbs
    /// above the root, or holds a bad escape, a NUL or a control character: a rule for
    /// `/public/*` must not pass `/public/../admin`.
    static func normalise(_ uri: String) -> Substring? {
        let path = uri.utf8.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }.map { uri[..<$0] } ?? uri[...]
        guard path.utf8.first == UInt8(ascii: "/"), path.utf8.count <= 8192 else { return nil }
        // The common case: nothing to decode or remove.
        if !path.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 <= 0x20 || $0 == 0x7F }),
           !path.contains("//"), !path.contains("/."), path.utf8.count == 1 || path.utf8.last != UInt8(ascii: "/") {
            return path
        }
        guard let decoded = percentDecoded(path) else { return nil }
        var segments: [Substring] = []
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !segments.isEmpty else { return nil }
                segments.removeLast()
            default: segments.append(part)
            }
        }
        return Substring("/" + segments.joined(separator: "/"))
    }

    /// `path` with `%XX` escapes decoded; `nil` for a bad escape, invalid UTF-8, or a control
    /// character (NUL included) before or after decoding.
    private static func percentDecoded(_ path: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        var iterator = path.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(StrictQuery.hexValue), let low = iterator.next().flatMap(StrictQuery.hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
