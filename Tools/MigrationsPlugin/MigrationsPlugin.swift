import Foundation
import PackagePlugin

/// Embeds the package's `db/` migrations into the target that uses this plugin, as Swift source
/// (`embeddedMigrations`), rebuilt whenever a migration file changes.
@main
struct MigrationsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let root = context.package.directoryURL.appendingPathComponent("db")
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedMigrations.swift")
        let files = FileManager.default
        var inputs: [URL] = []
        if let walker = files.enumerator(at: root, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "sql" { inputs.append(url) }
        }
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) migrations from db/",
                executable: try context.tool(named: "EmbedFiles").url,
                arguments: ["migrations", root.path, output.path],
                inputFiles: inputs.sorted { $0.path < $1.path },
                outputFiles: [output]
            ),
        ]
    }
}
