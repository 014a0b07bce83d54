// libFuzzer target: the JSON reader (request bodies of every endpoint). It must never crash,
// and a document it accepts must read the same twice.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: count)
    guard let value = try? JSONValue.parse(UnsafeRawBufferPointer(bytes)) else { return 0 }
    let again = try? JSONValue.parse(UnsafeRawBufferPointer(bytes))
    precondition(again == value, "the same bytes read differently")
    return 0
}
