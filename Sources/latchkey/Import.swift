import ArgumentParser
import Fixtures
import Foundation
import LatchkeyPlugins
import Logging
import Postgres
import Server
import Vault

/// `latchkey import FILE.json`: loads a fixture in one transaction and prints the ids and raw keys.
struct Import: ConfiguredCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a fixture file (users, organisations, teams, surveys, datasets, templates, keys, services) in one transaction.",
        discussion: "Prints {\"ids\":…,\"keys\":…,\"services\":…} as JSON on stdout; the raw keys are shown only this once. "
            + "On any problem nothing is imported and the item at fault is named on stderr."
    )

    @Argument(help: "The fixture JSON file.")
    var file: String

    @OptionGroup var database: DatabaseOptions

    func run(_ configuration: Configuration) async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            FileHandle.standardError.write(Data("latchkey import: cannot read \(file): \(error.localizedDescription)\n".utf8))
            throw ExitCode.failure
        }
        // Validate before connecting, so a bad file is reported even without a database.
        let fixture: Fixture
        do {
            fixture = try Fixture(json: data, sections: registeredPlugins.compactMap(\.fixtureSection))
        } catch {
            throw Self.refused(error)
        }
        let logger = Logger(label: "latchkey.import")
        let result: FixtureImportResult
        do {
            result = try await PGPool.with(try configuration.database(), logger: logger) { pool in
                try await FixtureImporter(pool: pool, passwordHasher: PasswordHasher(), secretBox: configuration.secretBox).importFixture(fixture)
            }
        } catch let error as FixtureError {
            throw Self.refused(error)
        }
        logger.info("fixture imported", metadata: ["ids": "\(result.ids.count)", "keys": "\(result.keys.count)", "services": "\(result.services.count)"])
        print(String(decoding: try result.jsonData(), as: UTF8.self))
    }

    /// Reports a refused fixture on stderr and returns the exit status to throw; nothing was imported.
    private static func refused(_ error: FixtureError) -> ExitCode {
        FileHandle.standardError.write(Data("latchkey import: \(error) (nothing was imported)\n".utf8))
        return .failure
    }
}
