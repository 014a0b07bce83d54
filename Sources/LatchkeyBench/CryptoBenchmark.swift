import Vault

/// Measures the vault's cryptographic hot paths and returns a human-readable report.
///
/// Reports ns/op for key parsing, SHA-256 of a key, parse + SHA-256 together (the per-request
/// cost before any cache lookup), parse + SHA-256 + dictionary lookup, key generation
/// throughput, and the wall time of one OWASP-cost scrypt hash. Takes a few seconds; build
/// with `-c release` for meaningful numbers.
func runCryptoBenchmark() -> String {
    let keys: [String]
    do {
        keys = try (0..<1_024).map { _ in try KeyFormat.generate(.live).secret }
    } catch {
        return "crypto benchmark: key generation failed: \(error)"
    }
    var table: [SHA256Digest: Int] = [:]
    for (index, key) in keys.enumerated() { table[SHA256Digest(hashing: key)] = index }

    var sink: UInt64 = 0
    var lines: [String] = ["crypto benchmark (\(keys.count) distinct ct_live_ keys)"]
    let iterations = 1_000_000

    let parseNs = measureCryptoNanoseconds(iterations: iterations) { index in
        if let key = try? KeyFormat.parse(keys[index & 1_023]) { sink &+= UInt64(key.secret.utf8.count) }
    }
    lines.append(cryptoResultLine("parse", parseNs))

    let hashNs = measureCryptoNanoseconds(iterations: iterations) { index in
        sink ^= SHA256Digest(hashing: keys[index & 1_023]).w0
    }
    lines.append(cryptoResultLine("SHA-256 of key", hashNs))

    let bothNs = measureCryptoNanoseconds(iterations: iterations) { index in
        if let key = try? KeyFormat.parse(keys[index & 1_023]) { sink ^= key.digest.w1 }
    }
    lines.append(cryptoResultLine("parse + SHA-256", bothNs))

    let lookupNs = measureCryptoNanoseconds(iterations: iterations) { index in
        if let key = try? KeyFormat.parse(keys[index & 1_023]), let found = table[key.digest] {
            sink &+= UInt64(found)
        }
    }
    lines.append(cryptoResultLine("parse + SHA-256 + dictionary lookup", lookupNs))

    let generated = 200_000
    let generateNs = measureCryptoNanoseconds(iterations: generated) { _ in
        if let key = try? KeyFormat.generate(.live) { sink &+= UInt64(key.secret.utf8.count) }
    }
    lines.append(cryptoResultLine("generate", generateNs) + "  (\(Int(1e9 / generateNs)) keys/s)")

    let hasher = PasswordHasher()
    let scryptNs = measureCryptoNanoseconds(iterations: 2) { _ in
        if let encoded = try? hasher.hash(password: "benchmark password") { sink &+= UInt64(encoded.utf8.count) }
    }
    lines.append("  scrypt hash (N=2^17, r=8, p=1): \(Int(scryptNs / 1e6)) ms/op")
    lines.append("  (checksum \(sink & 0xFFFF))")
    return lines.joined(separator: "\n")
}

/// Runs `body` `iterations` times and returns the mean wall time per call in nanoseconds.
private func measureCryptoNanoseconds(iterations: Int, _ body: (Int) -> Void) -> Double {
    for index in 0..<min(iterations, 10_000) { body(index) }  // warm up
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for index in 0..<iterations { body(index) }
    }
    let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
    return nanoseconds / Double(iterations)
}

/// Formats one result line.
private func cryptoResultLine(_ name: String, _ nanoseconds: Double) -> String {
    let tenths = Int(nanoseconds * 10 + 0.5)
    return "  \(name): \(tenths / 10).\(tenths % 10) ns/op"
}
