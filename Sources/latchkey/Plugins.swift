import Datasets
import PluginKit
import Surveys
import Templates
import UsersDirectory

/// The resource plugins this executable serves, mounted in this order. Adding a plugin is one
/// line here (and its target in Package.swift); nothing in `Server/` or `Policy/` changes.
let registeredPlugins: [any ResourcePlugin] = [
    SurveysPlugin(),
    DatasetsPlugin(),
    TemplatesPlugin(),
    UsersDirectoryPlugin(),
]
