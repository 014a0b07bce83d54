// libFuzzer target: the key and credential parser (every Authorization header). It must never
// crash; a string it accepts keeps its kind and its text.
import FuzzSupport
import Vault

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: bytes(data, count), as: UTF8.self)
    for kind in [KeyKind.live, .service] {
        if let parsed = try? KeyFormat.parse(text, as: kind) {
            precondition(parsed.secret == text && parsed.kind == kind, "a parsed key changed")
            _ = parsed.digest
        }
    }
    return 0
}
