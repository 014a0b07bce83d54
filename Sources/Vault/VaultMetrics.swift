import Metrics

/// The vault's metrics (SPEC §12), made once: key verifications by code, verification-cache
/// hits and misses, and revocations by cause. Without a metrics backend they cost nothing.
enum VaultMetrics {
    private static let verifications = Dictionary(uniqueKeysWithValues: KeyStatus.allCases.map {
        ($0, Counter(label: "latchkey_key_verifications_total", dimensions: [("code", $0.rawValue)]))
    })
    static let cacheHits = Counter(label: "latchkey_verification_cache_total", dimensions: [("result", "hit")])
    static let cacheMisses = Counter(label: "latchkey_verification_cache_total", dimensions: [("result", "miss")])

    /// Why keys were revoked: a request (API, console, CLI), a password change, a leak report.
    enum Cause: String, CaseIterable {
        case request, passwordChange = "password_change", leaked
    }

    private static let revocations = Dictionary(uniqueKeysWithValues: Cause.allCases.map {
        ($0, Counter(label: "latchkey_revocations_total", dimensions: [("cause", $0.rawValue)]))
    })

    static func verified(_ status: KeyStatus) { verifications[status]?.increment() }

    static func revoked(_ count: Int, _ cause: Cause) {
        if count > 0 { revocations[cause]?.increment(by: count) }
    }
}
