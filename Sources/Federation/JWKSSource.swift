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
///
/// Fetching is bounded (SPEC §11, issue #34): `https` only (plain `http` only to a loopback
/// host), redirects never followed, at most 1 MiB read within 5 s; a failed fetch is remembered
/// for 30 s, so a broken or hostile provider is not asked again on every exchange.
public final class JWKSSource: Sendable {
    private struct Fetched: Sendable {
        var keys: JWKS?
        /// When the last fetch was started.
        var fetchedAt: Date
        /// Why the last fetch failed, if it did.
        var failure: FederationError?
        var inFlight: Task<JWKS, any Error>?
    }

    private let documents = NIOLockedValueBox<[SHA256Digest: JWKS]>([:])
    private let fetched = NIOLockedValueBox<[URL: Fetched]>([:])
    let timeout: TimeInterval
    let refetchInterval: TimeInterval
    let failureMemory: TimeInterval
    let maximumRead: Int

    /// - Parameters:
    ///   - timeout: the most a fetch may take, connection to last byte.
    ///   - refetchInterval: the least time between fetches of one URL for an unknown `kid`.
    ///   - failureMemory: how long a failed fetch is answered from memory.
    ///   - maximumRead: the most bytes read of one answer.
    public init(timeout: TimeInterval = 5, refetchInterval: TimeInterval = 60, failureMemory: TimeInterval = 30, maximumRead: Int = 1 << 20) {
        self.timeout = timeout
        self.refetchInterval = refetchInterval
        self.failureMemory = failureMemory
        self.maximumRead = maximumRead
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

    private enum Lookup {
        case keys(JWKS)
        case failed(FederationError)
        case fetch(Task<JWKS, any Error>)
    }

    private func keys(at url: URL, for token: JWS) async throws(FederationError) -> JWKS {
        // A trust stored by other means (SQL, an older version) is checked here too.
        guard SSOTrust.acceptable(url) else {
            throw .badKeySet("the key set URL must be https (plain http only to a loopback address)")
        }
        let now = Date()
        let lookup: Lookup = fetched.withLockedValue { cache in
            let entry = cache[url]
            if let inFlight = entry?.inFlight { return .fetch(inFlight) }
            if let entry, let failure = entry.failure, now.timeIntervalSince(entry.fetchedAt) < failureMemory {
                return entry.keys.map(Lookup.keys) ?? .failed(failure)
            }
            if let entry, let keys = entry.keys, keys.key(for: token) != nil || now.timeIntervalSince(entry.fetchedAt) < refetchInterval {
                return .keys(keys)
            }
            let fetch = Task { try await self.fetch(url) }
            cache[url] = Fetched(keys: entry?.keys, fetchedAt: now, failure: nil, inFlight: fetch)
            return .fetch(fetch)
        }
        let task: Task<JWKS, any Error>
        switch lookup {
        case .keys(let keys): return keys
        case .failed(let failure): throw failure
        case .fetch(let fetch): task = fetch
        }
        do {
            let keys = try await task.value
            fetched.withLockedValue { cache in
                if cache[url]?.inFlight != nil { cache[url] = Fetched(keys: keys, fetchedAt: Date(), failure: nil, inFlight: nil) }
            }
            return keys
        } catch {
            // Keep what was there; remember why the set is unusable now (asked again in 30 s).
            let failure = error as? FederationError ?? .badKeySet("fetching \(url.absoluteString) failed")
            let previous = fetched.withLockedValue { cache -> JWKS? in
                let keys = cache[url]?.keys
                if cache[url]?.inFlight != nil { cache[url] = Fetched(keys: keys, fetchedAt: Date(), failure: failure, inFlight: nil) }
                return keys
            }
            if let previous { return previous }
            throw failure
        }
    }

    private func fetch(_ url: URL) async throws -> JWKS {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let (data, response) = try await BoundedDownload(limit: maximumRead, timeout: timeout).run(request)
        guard response.statusCode == 200 else {
            throw FederationError.badKeySet("\(url.absoluteString) answered \(response.statusCode)")
        }
        return try JWKS(json: Array(data))
    }
}

/// One GET with limits URLSession alone does not keep: redirects are not followed (the 3xx is
/// the answer), the body is cut off past `limit` bytes, the whole exchange past `timeout`.
private final class BoundedDownload: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var data = Data()
        var response: HTTPURLResponse?
        var failure: FederationError?
        var task: URLSessionTask?
        var continuation: CheckedContinuation<(Data, HTTPURLResponse), any Error>?
    }

    private let limit: Int
    private let timeout: TimeInterval
    private let state = NIOLockedValueBox(State())

    init(limit: Int, timeout: TimeInterval) {
        self.limit = limit
        self.timeout = timeout
    }

    func run(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let timeout = timeout
        return try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request)
            state.withLockedValue { state in
                state.continuation = continuation
                state.task = task
            }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                fail(.badKeySet("no complete answer within \(Int(timeout)) s"))
            }
        }
    }

    /// Stops the transfer (if it is still going), keeping the first reason given.
    private func fail(_ failure: FederationError) {
        let task = state.withLockedValue { state -> URLSessionTask? in
            guard state.continuation != nil else { return nil }
            if state.failure == nil { state.failure = failure }
            return state.task
        }
        task?.cancel()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        state.withLockedValue { $0.response = response as? HTTPURLResponse }
        if response.expectedContentLength > Int64(limit) {
            state.withLockedValue { state in
                if state.failure == nil { state.failure = .badKeySet("the answer is larger than \(limit) bytes") }
            }
            completionHandler(.cancel)
            return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = state.withLockedValue { state -> Bool in
            guard state.failure == nil else { return true }
            state.data.append(data)
            return state.data.count > limit
        }
        if over { fail(.badKeySet("the answer is larger than \(limit) bytes")) }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = state.withLockedValue { state -> (CheckedContinuation<(Data, HTTPURLResponse), any Error>?, Result<(Data, HTTPURLResponse), any Error>) in
            let continuation = state.continuation
            state.continuation = nil
            state.task = nil
            if let failure = state.failure { return (continuation, .failure(failure)) }
            if let error { return (continuation, .failure(FederationError.badKeySet("fetching failed: \(error.localizedDescription)"))) }
            guard let response = state.response ?? task.response as? HTTPURLResponse else {
                return (continuation, .failure(FederationError.badKeySet("no HTTP answer")))
            }
            return (continuation, .success((state.data, response)))
        }
        continuation?.resume(with: result)
    }
}
