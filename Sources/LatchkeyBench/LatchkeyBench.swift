import ArgumentParser

/// `LatchkeyBench`: the benchmarks named in the README.
@main
struct LatchkeyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey-bench",
        abstract: "Latchkey benchmarks (run in release mode).",
        subcommands: [DatabaseBenchmark.self, VaultBenchmark.self, PolicyBenchmarkCommand.self, CryptoBenchmarkCommand.self, SSOBenchmarkCommand.self, MintCommand.self, ScaleBenchmark.self, UsageBenchmark.self]
    )
}
