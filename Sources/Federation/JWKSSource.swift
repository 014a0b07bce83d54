import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOConcurrencyHelpers
import Vault

/// The signing keys of trusts: documents parsed once (by their SHA-256), URLs fetched and cached.
///
/// A URL's set is fetched on first use, and again — at most once a minute — when a token names a
/// `kid` the cached set lacks (key rotation). A fetch has a deadline, and only the exchanges that
/// need that set wait for it: one fetch per URL at a time, nothing else stalls.
public final class JWKSSource: Sendable {
    private struct Fetched: Sendable {
        var keys: JWKS?
        var fetchedAt: Date
        var inFlight: Task<JWKS, any Error>?
    }

    private let documents = NIOLockedValueBox<[SHA256Digest: JWKS]>([:])
    private let fetched = NIOLockedValueBox<[URL: Fetched]>([:])
    let timeout: TimeInterval
    let refetchInterval: TimeInterval
    let session: URLSession

    public init(timeout: TimeInterval = 5, refetchInterval: TimeInterval = 60) {
        self.timeout = timeout
        self.refetchInterval = refetchInterval
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    /// The keys of `trust` with which to verify `token`.
    public func keys(for trust: SSOTrust, token: JWS) async throws(FederationError) -> JWKS {
        switch trust.keys {
        case .document(let text):
            let digest = SHA256Digest(hashing: text)
            if let known = documents.withLockedValue({ $0[digest] }) { return known }
            let parsed = try JWKS(json: Array(text.utf8))
            documents.withLockedValue { cache in
                if cache.count >= 256 { cache.removeAll() }
                cache[digest] = parsed
            }
            return parsed
        case .url(let url):
            return try await keys(at: url, for: token)
        }
    }

    private func keys(at url: URL, for token: JWS) async throws(FederationError) -> JWKS {
        let now = Date()
        let task: Task<JWKS, any Error> = fetched.withLockedValue { cache in
            let entry = cache[url]
            if let inFlight = entry?.inFlight { return inFlight }
            if let keys = entry?.keys, keys.key(for: token) != nil || now.timeIntervalSince(entry!.fetchedAt) < refetchInterval {
                return Task { keys }
            }
            let fetch = Task { try await self.fetch(url) }
            cache[url] = Fetched(keys: entry?.keys, fetchedAt: now, inFlight: fetch)
            return fetch
        }
        do {
            let keys = try await task.value
            fetched.withLockedValue { cache in
                if cache[url]?.inFlight != nil { cache[url] = Fetched(keys: keys, fetchedAt: Date(), inFlight: nil) }
            }
            return keys
        } catch {
            // Keep what was there (tried again in a minute); say why the set is unusable now.
            let previous = fetched.withLockedValue { cache -> JWKS? in
                let keys = cache[url]?.keys
                cache[url] = Fetched(keys: keys, fetchedAt: Date(), inFlight: nil)
                return keys
            }
            if let previous { return previous }
            throw error as? FederationError ?? .badKeySet("fetching \(url.absoluteString) failed")
        }
    }

    private func fetch(_ url: URL) async throws -> JWKS {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 200 else {
            throw FederationError.badKeySet("\(url.absoluteString) answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return try JWKS(json: Array(data))
    }
}
