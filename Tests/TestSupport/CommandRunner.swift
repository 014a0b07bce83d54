import Foundation

/// Runs a program of the build (e.g. `latchkey`) and captures what it printed.
public enum CommandRunner {
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
    }

    /// The directory holding the built products: the test bundle's own folder.
    public static var productsDirectory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).deletingLastPathComponent()
    }

    /// A program started by ``start(_:_:environment:)``.
    public struct Running: Sendable {
        public let pid: pid_t
        let scratch: URL

        /// Sends `signal` to the program.
        public func signal(_ signal: Int32) { kill(pid, signal) }

        /// Waits for the program to exit and returns what it printed.
        public func wait() -> Output {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
            defer { try? FileManager.default.removeItem(at: scratch) }
            let out = (try? String(contentsOfFile: scratch.appendingPathComponent("out").path, encoding: .utf8)) ?? ""
            let err = (try? String(contentsOfFile: scratch.appendingPathComponent("err").path, encoding: .utf8)) ?? ""
            return Output(status: (status >> 8) & 0xff, stdout: out, stderr: err)
        }
    }

    /// Runs `program` (a product name) with `arguments`, optional standard input and extra
    /// environment, in `directory` (default: the current one), and waits for it.
    public static func run(
        _ program: String, _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:], in directory: URL? = nil
    ) throws -> Output {
        try start(program, arguments, stdin: stdin, environment: extra, in: directory).wait()
    }

    /// Starts `program` (a product name) without waiting for it.
    ///
    /// Uses `posix_spawn`/`waitpid` with files for the streams, so grandchildren cannot hold it open.
    public static func start(
        _ program: String, _ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:], in directory: URL? = nil
    ) throws -> Running {
        let executable = productsDirectory.appendingPathComponent(program).path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let input = scratch.appendingPathComponent("stdin").path
        try (stdin ?? "").write(toFile: input, atomically: true, encoding: .utf8)
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let assignments = extra.map { "\($0.key)=\(quoted($0.value))" }.joined(separator: " ")
        let command = (directory.map { "cd \(quoted($0.path)) && " } ?? "") + "\(assignments) exec \(quoted(executable)) " + arguments.map(quoted).joined(separator: " ")
            + " < \(quoted(input)) > \(quoted(scratch.appendingPathComponent("out").path)) 2> \(quoted(scratch.appendingPathComponent("err").path))"
        let argv: [UnsafeMutablePointer<CChar>?] = [String](["/bin/bash", "-c", command]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/bash", nil, nil, argv, environ) == 0 else {
            try? FileManager.default.removeItem(at: scratch)
            throw CocoaError(.executableLoad)
        }
        return Running(pid: pid, scratch: scratch)
    }
}
