import ArgumentParser

/// `latchkey-bench policy`: in-process policy decisions.
struct PolicyBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Policy decisions per second and p50/p99 ns.")

    @Option(help: "Decisions to time.")
    var iterations = 2_000_000

    func run() {
        print(runPolicyBenchmark(iterations: iterations))
    }
}

/// `latchkey-bench crypto`: key parsing, hashing and generation.
struct CryptoBenchmarkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "crypto", abstract: "Key parse + SHA-256 ns/op and keys generated per second.")

    func run() {
        print(runCryptoBenchmark())
    }
}
