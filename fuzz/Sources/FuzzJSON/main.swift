// libFuzzer target: the JSON reader (request bodies of every endpoint). It must never crash,
// and a document it accepts must read the same twice.
import FuzzSupport
import JSON

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(data, count)
    guard let value = try? JSONValue.parse(input) else { return 0 }
    let again = try? JSONValue.parse(input)
    precondition(again == value, "the same bytes read differently")
    return 0
}
