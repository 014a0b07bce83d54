/// Waits until `condition` holds (a notice travels through PostgreSQL), at most 5 s; whether it
/// came to hold.
public func eventually(_ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    for _ in 0..<100 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}
