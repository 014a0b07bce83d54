import Foundation
import PackagePlugin

/// Embeds the files of a target's `Assets/` folder (templates, a stylesheet) as Swift source
/// (`embeddedAssets`), rebuilt whenever one changes, so the executable needs nothing beside it.
@main
struct AssetsPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let folder = target.directoryURL.appendingPathComponent("Assets")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let inputs = names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedAssets.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(target.name)'s assets",
                executable: try context.tool(named: "EmbedFiles").url,
                arguments: ["assets", folder.path, output.path],
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
