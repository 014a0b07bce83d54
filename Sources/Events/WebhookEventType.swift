/// The event types an endpoint may subscribe to (SPEC §14).
///
/// Which audited actions become which event is decided where the outbox row is written: the
/// `latchkey_webhook_type` function of `db/core/0022_webhooks.sql` (replaced by `0023`, extended by
/// `0024`), run by a trigger on
/// `audit_events`. Types listed here but not ``sent`` are accepted in subscriptions and not yet
/// emitted.
public enum WebhookEventType {
    /// Every type of SPEC §14.
    public static let all: [String] = [
        "key.issued", "key.revoked", "key.rolled", "key.leaked", "key.expiring", "key.expired", "key.blocked",
        "key.request.created", "key.request.approved", "key.request.denied", "member.removed", "policy.updated",
    ]

    /// The types written to the outbox today (the others are accepted and not yet emitted). A
    /// key request's collection is no type of its own: its issuance is `key.issued`.
    public static let sent: Set<String> = [
        "key.issued", "key.revoked", "key.rolled", "key.leaked", "key.expiring", "key.expired", "key.blocked", "member.removed", "policy.updated",
        "key.request.created", "key.request.approved", "key.request.denied",
    ]

    /// The type of the event **Send test event** queues for one endpoint, whatever it subscribes
    /// to (DECISIONS); not a subscription choice.
    public static let test = "webhook.test"

    /// Whether `type` is a type of SPEC §14.
    public static func isKnown(_ type: String) -> Bool { all.contains(type) }
}
