/// Why a webhook request was refused.
public enum WebhookError: Error, Equatable, CustomStringConvertible {
    /// A bad URL, event type or body (400); the words say which.
    case invalid(String)
    /// The deployment cannot keep secrets: `LATCHKEY_SECRET_KEY` is not set (503).
    case secretKeyMissing

    public var description: String {
        switch self {
        case .invalid(let words): words
        case .secretKeyMissing: "webhooks need the deployment's secret (LATCHKEY_SECRET_KEY) to seal their signing secrets; it is not configured"
        }
    }
}
