// libFuzzer target: the query-string readers of every list (SPEC §3, §4). Whatever the query, a
// reader either reads it or refuses it with a 400 naming a parameter (never another error,
// which would be a 500), and a decoded value survives being encoded and decoded again.
@testable import Datasets
import FuzzSupport
import PluginKit
@testable import Server
@testable import Templates

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(data, count)
    let raw = String(decoding: input, as: UTF8.self)
    let query = StrictQuery(query: raw)
    refusedAsBadRequest("PageRequest") { _ = try PageRequest(query) }
    refusedAsBadRequest("DatasetFilters") { _ = try DatasetFilters(query).condition }
    refusedAsBadRequest("TemplateListQuery") { _ = try TemplateListQuery(query).condition }
    refusedAsBadRequest("AuditQuery") { _ = try AuditQuery(query: raw) }
    refusedAsBadRequest("is_active") { _ = try query.boolean("is_active") }
    for item in raw.utf8.split(separator: UInt8(ascii: "&")) {
        let decoded = StrictQuery.formDecode(Substring(item))
        precondition(StrictQuery.formDecode(Substring(percentEncoded(decoded))) == decoded, "decoding is not the inverse of encoding")
    }
    return 0
}


/// Every byte as `%XX`.
func percentEncoded(_ text: Substring) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var bytes: [UInt8] = []
    for byte in text.utf8 { bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]] }
    return String(decoding: bytes, as: UTF8.self)
}
