// libFuzzer target: the JWS compact parser and the JWKS parser (SSO token exchange). Neither
// may crash on any input; the first byte picks which one reads the rest.
import Federation
import FuzzSupport

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(data, count)
    guard let selector = input.first else { return 0 }
    let rest = Array(input.dropFirst())
    if selector & 1 == 0 {
        _ = try? JWS(compact: String(decoding: rest, as: UTF8.self))
    } else {
        _ = try? JWKS(json: rest)
    }
    return 0
}
