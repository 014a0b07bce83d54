// libFuzzer target: the JWS compact parser and the JWKS parser (SSO token exchange). Neither
// may crash on any input; the first byte picks which one reads the rest.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: count - 1))
    if data[0] & 1 == 0 {
        _ = try? JWS(compact: String(decoding: rest, as: UTF8.self))
    } else {
        _ = try? JWKS(json: rest)
    }
    return 0
}
