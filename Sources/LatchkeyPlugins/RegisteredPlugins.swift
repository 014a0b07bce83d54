import Datasets
import PluginKit
import Surveys
import Templates
import UsersDirectory

/// The resource plugins Latchkey serves, mounted in this order: the one list, read by the
/// executable (serve, migrate, import) and by the server tests' world. Adding a plugin is one
/// line here and its name in Package.swift's `plugins`; nothing in `Server/` or `Policy/` changes.
public let registeredPlugins: [any ResourcePlugin] = [
    SurveysPlugin(),
    DatasetsPlugin(),
    TemplatesPlugin(),
    UsersDirectoryPlugin(),
]
