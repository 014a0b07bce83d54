import Foundation
import PackagePlugin

/// Embeds what a target needs at run time as Swift source, rebuilt whenever a file changes, so
/// the executable needs nothing beside it: the `openapi.json` beside its sources (its part of the
/// OpenAPI document, `embeddedOpenAPI`) and the files of its `Assets/` folder (templates, a
/// stylesheet: `embeddedAssets`), when it has them.
@main
struct EmbedPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let files = FileManager.default
        let tool = try context.tool(named: "EmbedFiles").url
        func embed(_ mode: String, _ input: URL, _ inputs: [URL], into name: String) -> Command {
            .buildCommand(
                displayName: "Embedding \(target.name)'s \(input.lastPathComponent)",
                executable: tool,
                arguments: [mode, input.path, context.pluginWorkDirectoryURL.appendingPathComponent(name).path],
                inputFiles: inputs,
                outputFiles: [context.pluginWorkDirectoryURL.appendingPathComponent(name)]
            )
        }
        var commands: [Command] = []
        let openAPI = target.directoryURL.appendingPathComponent("openapi.json")
        if files.fileExists(atPath: openAPI.path) {
            commands.append(embed("openapi", openAPI, [openAPI], into: "EmbeddedOpenAPI.swift"))
        }
        let assets = target.directoryURL.appendingPathComponent("Assets")
        if let names = try? files.contentsOfDirectory(atPath: assets.path) {
            let inputs = names.filter { !$0.hasPrefix(".") }.sorted().map { assets.appendingPathComponent($0) }
            commands.append(embed("assets", assets, inputs, into: "EmbeddedAssets.swift"))
        }
        return commands
    }
}
