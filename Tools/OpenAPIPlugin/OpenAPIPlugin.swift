import Foundation
import PackagePlugin

/// Embeds the `openapi.json` beside a target's sources (its part of the OpenAPI document) as
/// Swift source (`embeddedOpenAPI`), rebuilt whenever the file changes.
@main
struct OpenAPIPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let input = target.directoryURL.appendingPathComponent("openapi.json")
        guard FileManager.default.fileExists(atPath: input.path) else { return [] }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedOpenAPI.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(target.name)'s openapi.json",
                executable: try context.tool(named: "EmbedFiles").url,
                arguments: ["openapi", input.path, output.path],
                inputFiles: [input],
                outputFiles: [output]
            ),
        ]
    }
}
