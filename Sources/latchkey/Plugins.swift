import PluginKit
import Surveys

/// The resource plugins this executable serves, mounted in this order. Adding a plugin is one
/// line here (and its target in Package.swift); nothing in `Server/` or `Policy/` changes.
let registeredPlugins: [any ResourcePlugin] = [
    SurveysPlugin(),
]
