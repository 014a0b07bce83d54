// libFuzzer target: the passkey readers (SPEC §10) — the CBOR reader, attestation objects,
// authenticator data, client data and COSE keys. None may crash on any input; the first byte
// picks which one reads the rest.
import Accounts
import FuzzSupport

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(data, count)
    guard let selector = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    switch selector % 5 {
    case 0:
        if let item = try? CBORReader.decode(rest) { _ = try? COSEKey(item) }
    case 1: _ = try? AttestationObject(rest)
    case 2: _ = try? AuthenticatorData(rest)
    case 3: _ = try? ClientData(rest)
    default:
        // A whole registration against the loopback relying party.
        let split = rest.firstIndex(of: 0) ?? rest.count
        _ = try? RelyingParty(publicURL: nil)?.registration(clientDataJSON: Array(rest[..<split]), attestationObject: Array(rest[split...].dropFirst()))
    }
    return 0
}
