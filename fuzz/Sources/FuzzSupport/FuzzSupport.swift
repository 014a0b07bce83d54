import CLibFuzzer
import Foundation
import PluginKit

/// Hands the command line to libFuzzer, which calls `test` with each input; exits with its status.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}

/// The input as a buffer (libFuzzer passes `nil` for an empty one).
public func bytes(_ data: UnsafePointer<UInt8>?, _ count: Int) -> UnsafeRawBufferPointer {
    UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : count)
}

/// Runs `read`; any error it throws must be a 400 (anything else would answer 500).
public func refusedAsBadRequest(_ what: String, _ read: () throws -> Void) {
    do {
        try read()
    } catch let error as APIError {
        precondition(error.status == .badRequest, "\(what) answered \(error.status)")
    } catch {
        preconditionFailure("\(what) raised \(error), which would answer 500")
    }
}
