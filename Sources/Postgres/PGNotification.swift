/// A message sent with `NOTIFY channel, 'payload'` or `pg_notify(channel, payload)`.
public struct PGNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The server process that sent it.
    public var backendPID: Int32
}
