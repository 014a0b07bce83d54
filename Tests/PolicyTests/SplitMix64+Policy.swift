import Policy
import SurveysPolicy
import DatasetsPolicy
import TemplatesPolicy
import UsersDirectoryPolicy
import TestSupport

extension SplitMix64 {
    /// A random subset of `Capabilities.all`.
    mutating func capabilities() -> Capabilities { Capabilities(rawValue: UInt8.random(in: 0...31, using: &self)) }
}
