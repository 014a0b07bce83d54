import Foundation
import Vault

/// Where webhooks may be sent (`LATCHKEY_WEBHOOK_TARGETS`, SPEC §14): `public` (the default)
/// allows `https` URLs whose host is not a loopback, private, link-local or otherwise internal
/// address; `any` (development and tests) allows plain `http` and every address.
public enum WebhookTargets: String, Sendable, CaseIterable {
    case `public`
    case any

    /// Ranges a `public` target must not reach.
    static let internalRanges: [AddressRange] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "::ffff:0:0/96", "64:ff9b::/96", "fc00::/7", "fe80::/10", "ff00::/8",
    ].compactMap { AddressRange($0) }

    /// Whether `address` (an IP literal) is one a `public` target must not reach.
    public static func isInternal(_ address: String) -> Bool {
        internalRanges.contains { $0.contains(address) }
    }

    /// `text` as an endpoint URL, or why not: absolute, `https` (or `http` under `any`), a host,
    /// no credentials, at most 2048 bytes; under `public`, a host that is not an internal address
    /// literal nor `localhost`.
    public func check(_ text: String) throws(WebhookError) -> URL {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty else {
            throw .invalid("url must be an absolute https URL")
        }
        guard scheme == "https" || (scheme == "http" && self == .any) else {
            throw .invalid(self == .any ? "url must be http or https" : "url must be https")
        }
        guard url.user == nil, url.password == nil else { throw .invalid("url must not carry credentials") }
        if self == .public {
            let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
            let lowered = bare.lowercased()
            if lowered == "localhost" || lowered.hasSuffix(".localhost") || (AddressRange.isAddress(bare) && Self.isInternal(bare)) {
                throw .invalid("url must not name a loopback, private or internal address")
            }
        }
        return url
    }

    /// Resolves `host` and throws when a `public` target would reach an internal address (checked
    /// again at each delivery: a name may have been pointed at one since the endpoint was made).
    public func checkResolved(host: String) async throws(WebhookError) {
        guard self == .public else { return }
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let addresses = await Self.resolve(bare)
        guard !addresses.isEmpty else { throw .invalid("\(host) does not resolve") }
        if addresses.contains(where: Self.isInternal) { throw .invalid("\(host) resolves to an internal address") }
    }

    /// The addresses `host` resolves to (getaddrinfo, off the cooperative pool).
    public static func resolve(_ host: String) async -> [String] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else { return continuation.resume(returning: []) }
                defer { freeaddrinfo(list) }
                var found: [String] = []
                var entry = list
                while let current = entry {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(current.pointee.ai_addr, current.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                        found.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
                    }
                    entry = current.pointee.ai_next
                }
                continuation.resume(returning: found)
            }
        }
    }
}
