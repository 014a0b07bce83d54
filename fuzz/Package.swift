// swift-tools-version:6.1
// The libFuzzer targets (issue #20), one per reader of client input. Built by deploy/fuzz.sh with
// LATCHKEY_FUZZ set, which gives Latchkey's modules AddressSanitizer and libFuzzer's coverage
// counters (see ../Package.swift), so the readers themselves guide the fuzzer, and testing
// enabled, so `@testable import` reaches the plugins' internal readers. Each target's `main`
// (its top-level code) hands over to libFuzzer's driver.
import PackageDescription

func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport", .product(name: "LatchkeyReaders", package: "Latchkey")],
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address", "-use-ld=lld"])]
    )
}

let package = Package(
    name: "LatchkeyFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Latchkey", path: "..")],
    targets: [
        .target(name: "CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer", .product(name: "LatchkeyReaders", package: "Latchkey")]),
        fuzzTarget("FuzzJSON"),
        fuzzTarget("FuzzKey"),
        fuzzTarget("FuzzJOSE"),
        fuzzTarget("FuzzQuery"),
        fuzzTarget("FuzzBodies"),
        fuzzTarget("FuzzWebAuthn"),
    ]
)
