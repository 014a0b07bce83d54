import TestSupport
import Foundation
import Datasets
import Fixtures
import PluginKit
import Surveys
import Templates
import Vault

/// Fixture JSON used by the tests.
enum SampleFixtures {
    /// Cheap scrypt parameters: OWASP cost takes ~0.5 s per password.
    static let hasher = PasswordHasher(parameters: ScryptParameters(log2N: 10))

    /// The sections of the plugins `latchkey import` knows.
    static let sections: [any FixtureSection] = [SurveysPlugin().fixtureSection, DatasetsPlugin().fixtureSection, TemplatesPlugin().fixtureSection]
        .compactMap { $0 }

    /// The example of SPEC §8, with the users it refers to (bob, carol, dan) added.
    static let specExample = """
        {
          "users": [{"ref":"alice","username":"alice","email":"alice@example.com","password":"alice-password",
                     "tier":"pro","is_staff":false,"is_active":true,"first_name":"Alice","last_name":"A"},
                    {"ref":"bob","username":"bob","email":"bob@example.com","password":"bob-password","tier":"organisation"},
                    {"ref":"carol","username":"carol","email":"carol@example.com","tier":"team"},
                    {"ref":"dan","username":"dan","email":"Dan@Example.com"}],
          "organisations": [{"ref":"acme","slug":"acme","name":"Acme","owner":"alice",
                             "members":[{"user":"bob","role":"admin"}]}],
          "teams": [{"ref":"t1","slug":"t1","name":"T1","organisation":"acme","size":"small",
                     "members":[{"user":"carol","role":"admin"}]}],
          "surveys": [{"ref":"s1","name":"S1","slug":"s1","owner":"alice","organisation":"acme","team":null,
                       "status":"published","members":[{"user":"dan","role":"viewer"}],
                       "responses":[{"submitted_at":"2026-11-20T10:00:00Z"}]}],
          "datasets": [{"key":"ethnicity","name":"Ethnicity","category":"nhs_dd","is_global":true,
                        "organisation":null,"team":null,"created_by":null,"options":["A","B"],"tags":["nhs"],
                        "is_active":true,"description":""}],
          "templates": [{"ref":"tp1","name":"PHQ-9","description":"","markdown":"# q","publication_level":"global",
                         "publisher":"alice","organisation":null,"tags":["mental-health"],"language":"en",
                         "attribution":{},"import_count":0,"status":"active"}],
          "keys": [{"ref":"k1","user":"alice","name":"CI","organisation":null,"capabilities":["view"],
                    "expires_at":null,"revoked":false}],
          "services": [{"ref":"svc","name":"billing"}]
        }
        """

    /// A small valid fixture whose names do not clash with ``specExample``.
    static let other = """
        {
          "users": [{"ref":"erin","username":"erin","email":"erin@example.com","password":"erin-password","tier":"enterprise"}],
          "organisations": [{"ref":"globex","slug":"globex","name":"Globex","owner":"erin"}],
          "datasets": [{"key":"colours","name":"Colours","organisation":"globex","options":["red"]}]
        }
        """

    /// The demo fixture shipped in `deploy/demo.json`.
    static var demo: Data {
        get throws { try Data(contentsOf: TestDatabase.packageRoot.appendingPathComponent("deploy/demo.json")) }
    }

    /// `specExample` with `old` replaced by `new` (exactly once).
    static func specExample(replacing old: String, with new: String) -> String {
        precondition(specExample.components(separatedBy: old).count == 2, "\(old) must occur exactly once")
        return specExample.replacingOccurrences(of: old, with: new)
    }
}
