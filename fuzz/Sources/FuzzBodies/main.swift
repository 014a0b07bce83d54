// libFuzzer target: the request-body readers (SPEC §4 writes, §6 decisions, the console's forms).
// The first byte picks the reader, the rest is the body. A reader either reads the body or
// refuses it with a 400 (never another error, which would be a 500).
@testable import Console
@testable import Datasets
import JSON
import FuzzSupport
import PluginKit
@testable import Server
@testable import Surveys
@testable import UsersDirectory

runFuzzer(fuzzOne)

/// One input. Exported under libFuzzer's name too, which its (unused) `main` refers to.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let input = bytes(data, count)
    guard let reader = input.first else { return 0 }
    let body = UnsafeRawBufferPointer(rebasing: input.dropFirst())
    refusedAsBadRequest("the body for '\(Unicode.Scalar(reader))'") {
        switch reader {
        case UInt8(ascii: "s"):
            var draft = SurveyDraft()
            try draft.apply(JSONObjectBody(JSONBody.parse(body), allowed: SurveyDraft.fields))
        case UInt8(ascii: "d"):
            var draft = DatasetDraft()
            try draft.apply(JSONObjectBody(JSONBody.parse(body), allowed: DatasetDraft.fields))
        case UInt8(ascii: "u"):
            var draft = UsersDirectoryDraft()
            try draft.apply(JSONObjectBody(JSONBody.parse(body), allowed: UsersDirectoryDraft.fields))
        case UInt8(ascii: "e"):
            _ = try DecisionBatch(JSONBody.read(body) { reader in try AuthZEN.Evaluation(&reader, at: .root) })
        case UInt8(ascii: "E"):
            _ = try DecisionBatch(JSONBody.read(body) { reader in try AuthZEN.Evaluations(&reader) })
        case UInt8(ascii: "r"):
            _ = try JSONBody.read(body) { reader in try AuthZEN.Search(&reader, kind: .resource) }
        case UInt8(ascii: "S"):
            _ = try JSONBody.read(body) { reader in try AuthZEN.Search(&reader, kind: .subject) }
        case UInt8(ascii: "a"):
            _ = try JSONBody.read(body) { reader in try AuthZEN.Search(&reader, kind: .action) }
        case UInt8(ascii: "f"):
            let form = ConsoleForm(encoded: String(decoding: body, as: UTF8.self))
            _ = (form["name"], form["expires_at"])
        default:
            let object = try JSONObjectBody(JSONBody.parse(body), allowed: ["credentials"])
            var credentials: [String] = []
            try object.strings("credentials", into: &credentials, maxCount: 1_000, maxLength: 1_000)
        }
    }
    return 0
}
