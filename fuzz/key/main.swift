// libFuzzer target: the key and credential parser (every Authorization header). It must never
// crash; a string it accepts keeps its kind and its text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    for kind in [KeyKind.live, .service] {
        if let parsed = try? KeyFormat.parse(text, as: kind) {
            precondition(parsed.secret == text && parsed.kind == kind, "a parsed key changed")
            _ = parsed.digest
        }
    }
    return 0
}
