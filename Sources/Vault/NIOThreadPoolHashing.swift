import NIOPosix

/// Runs CPU-heavy password hashing on NIO's shared blocking thread pool, never on the cooperative pool.
enum NIOThreadPoolHashing {
    static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(body)
    }
}
