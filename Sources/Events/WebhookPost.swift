import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import NIOConcurrencyHelpers

/// One webhook POST with the limits of SPEC §14: redirects are not followed (a 3xx is the
/// answer, and not a success), the whole exchange ends after `timeout`, and at most 64 KiB of
/// the answer is read (then dropped: only the status matters).
final class WebhookPost: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private struct State {
        var received = 0
        var response: HTTPURLResponse?
        var timedOut = false
        var task: URLSessionTask?
        var continuation: CheckedContinuation<Int, Never>?
    }

    private let timeout: TimeInterval
    private let state = NIOLockedValueBox(State())

    init(timeout: TimeInterval) {
        self.timeout = timeout
    }

    /// POSTs `body` with `headers` to `url`; returns the HTTP status, or 0 when there was no
    /// complete answer (refused, timed out, reset).
    func send(to url: URL, headers: [(name: String, value: String)], body: [UInt8]) async -> Int {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Latchkey-Webhooks/1", forHTTPHeaderField: "User-Agent")
        for header in headers { request.setValue(header.value, forHTTPHeaderField: header.name) }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let timeout = timeout
        return await withCheckedContinuation { continuation in
            let task = session.dataTask(with: request)
            state.withLockedValue { state in
                state.continuation = continuation
                state.task = task
            }
            task.resume()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [self] in
                let task = state.withLockedValue { state -> URLSessionTask? in
                    guard state.continuation != nil else { return nil }
                    state.timedOut = true
                    return state.task
                }
                task?.cancel()
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        state.withLockedValue { $0.response = response as? HTTPURLResponse }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = state.withLockedValue { state -> Bool in
            state.received += data.count
            return state.received > 65536
        }
        // Enough of the answer: the status is known, the rest is not read.
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, status) = state.withLockedValue { state -> (CheckedContinuation<Int, Never>?, Int) in
            let continuation = state.continuation
            state.continuation = nil
            state.task = nil
            if state.timedOut { return (continuation, 0) }
            let response = state.response ?? task.response as? HTTPURLResponse
            if let response, error == nil || state.received > 65536 { return (continuation, response.statusCode) }
            return (continuation, 0)
        }
        continuation?.resume(returning: status)
    }
}
