import Foundation
import HummingbirdTesting
import Policy
import Postgres
import Server
import ServerTestSupport
import Testing

/// The console's **Fine-grained permissions** section (SPEC §10, §15): a grid of verbs per
/// permission type, resources per type, metadata and a rate limit, on every form that issues a
/// key; stored as the vault stores them, shown on the key lists and beside the new key; bad
/// input is shown next to its field with 400, and nothing is stored.
@Suite struct ConsoleFineGrainedTests {
    /// acme with an admin (`bob`) and a member (`mia`), two surveys and a dataset in acme, and a
    /// survey of another organisation: the ids of acme's two surveys and the foreign one.
    static func seed(_ world: ServerWorld) async throws -> (first: Int64, second: Int64, foreign: Int64) {
        let bob = try await world.person("bob", tier: .organisation)
        let mia = try await world.person("mia", tier: .organisation)
        let eve = try await world.person("eve", tier: .organisation)
        let acme = try await world.organisation("acme", members: [(bob, "admin"), (mia, "viewer")])
        let other = try await world.organisation("other", members: [(eve, "admin")])
        var ids: [Int64] = []
        for (slug, owner, organisation) in [("first", mia, acme), ("second", mia, acme), ("foreign", eve, other)] {
            ids.append(try await world.pool.query("""
                INSERT INTO surveys (name, slug, owner_id, organisation_id) VALUES (\(slug), \(slug), \(owner), \(organisation)) RETURNING id
                """)[0].decode(Int64.self, at: 0))
        }
        try await world.pool.execute("INSERT INTO datasets (key, name, organisation_id) VALUES ('acme-ds', 'Acme', \(acme))")
        return (ids[0], ids[1], ids[2])
    }

    static func keyCount(_ world: ServerWorld) async throws -> Int64 {
        try await world.pool.query("SELECT count(*) FROM api_keys")[0].decode(Int64.self, at: 0)
    }

    @Test func theGridIssuesAFineGrainedKeyAndBadInputIsRefusedByField() async throws {
        try await ServerWorld.with { world in
            let (first, second, foreign) = try await Self.seed(world)
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "bob")
                let form = try await browser.get("/account/keys")
                #expect(form.html.contains(#"<details class="fine">"#) && form.html.contains("<summary>Fine-grained permissions</summary>"))
                for type in world.dependencies.engine.permissionTypes {
                    #expect(form.html.contains(#"<th scope="row">\#(type)</th>"#), "a row for \(type)")
                    #expect(form.html.contains(#"<label for="resources-\#(type)">\#(type)</label>"#))
                    for verb in ["view", "add", "edit", "delete"] {
                        #expect(form.html.contains(#"id="permission-\#(type)-\#(verb)" name="permission-\#(type)" value="\#(verb)">"#))
                        #expect(form.html.contains(#"<span class="sr">\#(type): \#(verb)</span>"#), "an accessible label for \(type): \(verb)")
                    }
                    #expect(!form.html.contains("permission-\(type)-superuser"), "only verbs the issuer may grant")
                }
                #expect(form.html.contains(#"<label for="meta">Metadata</label>"#) && form.html.contains(#"<label for="rate_limit">Rate limit</label>"#))

                // Issued: the grid's verbs replace the capability boxes (none ticked here).
                let before = try await Self.keyCount(world)
                let issued = try await browser.post("/account/keys", [
                    ("csrf", form.csrf), ("name", "Fine"), ("organisation", "acme"),
                    ("permission-surveys", "view"), ("permission-surveys", "edit"), ("permission-datasets", "view"),
                    ("resources-surveys", "\(first),  \(first)"), ("meta", #"{"team": "billing"}"#), ("rate_limit", "100/min"),
                ])
                #expect(issued.status == .created, "\(issued.html)")
                let key = try #require(issued.code(id: "new-key"))
                for shown in ["datasets: view · surveys: view, edit", "limited to surveys \(first)", "rate limit 100/min", "has metadata"] {
                    #expect(issued.html.contains(shown), "the new key's shape shows “\(shown)”")
                }
                let stored = try await world.pool.query("""
                    SELECT capabilities::text, permissions::text, resources::text, meta::text, rate_limit FROM api_keys WHERE name = 'Fine'
                    """)[0].decode((String, String, String, String, String).self)
                #expect(stored.0 == "{view,edit}")
                #expect(stored.1 == #"{"surveys": ["view", "edit"], "datasets": ["view"]}"#)
                #expect(stored.2 == #"{"surveys": [\#(first)]}"#)
                #expect(stored.3 == #"{"team": "billing"}"# && stored.4 == "100/min")
                #expect(try await Self.keyCount(world) == before + 1)

                let surveys = try await client.send("/api/surveys/", key: key)
                #expect(surveys.status == .ok && surveys.text.contains(#""id":\#(first)"#) && !surveys.text.contains(#""id":\#(second)"#))
                #expect(try await client.send("/api/datasets/", key: key).status == .ok)

                let list = try await browser.get("/account/keys")
                #expect(list.html.contains("datasets: view · surveys: view, edit") && list.html.contains("limited to surveys \(first)"))

                // Metadata and a rate limit alone: a plain key that carries them.
                let plain = try await browser.post("/account/keys", [
                    ("csrf", form.csrf), ("name", "Plain"), ("capabilities", "view"), ("meta", #"{"a": 1}"#), ("rate_limit", "5/sec"),
                ])
                #expect(plain.status == .created, "\(plain.html)")
                let plainStored = try await world.pool.query("SELECT permissions IS NULL, meta::text, rate_limit FROM api_keys WHERE name = 'Plain'")[0]
                    .decode((Bool, String, String).self)
                #expect(plainStored.0 && plainStored.1 == #"{"a": 1}"# && plainStored.2 == "5/sec")

                // Bad input: 400, the message next to the field (or, from the vault, at the top), nothing stored.
                let count = try await Self.keyCount(world)
                let base = [("csrf", form.csrf), ("name", "Bad"), ("organisation", "acme"), ("capabilities", "view")]
                let cases: [([(String, String)], String)] = [
                    ([("meta", "not json")], "Give metadata as a JSON object"),
                    ([("meta", "[1, 2]")], "Give metadata as a JSON object"),
                    ([("meta", #"{"a": ""# + String(repeating: "x", count: 4100) + #""}"#)], "at most 4096 bytes"),
                    ([("rate_limit", "100/day")], "Give the rate limit as N/sec, N/min or N/hour"),
                    ([("rate_limit", "0/min")], "Give the rate limit as"),
                    ([("resources-surveys", "\(first)")], "Tick a permission for surveys"),
                    ([("permission-surveys", "view"), ("resources-surveys", "12; DROP")], "Give ids, slugs or dataset keys separated by commas or spaces"),
                    ([("permission-surveys", "view"), ("resources-surveys", "0")], "Give ids, slugs or dataset keys separated by commas or spaces"),
                    ([("permission-surveys", "superuser")], "Choose only the permissions listed here."),
                    ([("permission-surveys", "launch")], "Choose only the permissions listed here."),
                    ([("permission-surveys", "view"), ("resources-surveys", "\(foreign)")], "not visible to the key&#39;s user: surveys \(foreign)"),
                    ([("permission-surveys", "view"), ("resources-surveys", "nope")], "surveys nope"),
                    ([("permission-datasets", "view"), ("resources-datasets", "no-such-set")], "datasets no-such-set"),
                ]
                for (fields, message) in cases {
                    let page = try await browser.post("/account/keys", base + fields)
                    #expect(page.status == .badRequest, "\(fields)")
                    #expect(page.html.contains(message), "\(fields): no “\(message)” in \(page.html.suffix(3000))")
                    #expect(page.code(id: "new-key") == nil)
                    #expect(page.html.contains(#"<details class="fine" open>"#), "\(fields): the section stays open")
                }
                #expect(try await Self.keyCount(world) == count)
                // What was typed is shown again.
                let again = try await browser.post("/account/keys", base + [("permission-surveys", "edit"), ("rate_limit", "100/day"), ("resources-surveys", "\(second)")])
                #expect(again.html.contains(#"id="permission-surveys-edit" name="permission-surveys" value="edit" checked>"#))
                #expect(again.html.contains(#"value="100/day""#) && again.html.contains(#"name="resources-surveys" value="\#(second)""#))
            }
        }
    }

    /// "Resources by id or slug" (SPEC §15): a survey's slug selects it, the key stores its
    /// integer id and reaches only it; a slug naming a survey the key's user cannot see, or none,
    /// is refused by name like an id, and nothing is stored.
    @Test func aSurveySlugSelectsTheSurveyByItsID() async throws {
        try await ServerWorld.with { world in
            let (first, second, _) = try await Self.seed(world)
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "bob")
                let form = try await browser.get("/account/keys")
                #expect(form.html.contains("ids (surveys also by slug, datasets by their key)"))
                let issued = try await browser.post("/account/keys", [
                    ("csrf", form.csrf), ("name", "By slug"), ("organisation", "acme"), ("permission-surveys", "view"), ("resources-surveys", "second"),
                ])
                #expect(issued.status == .created, "\(issued.html)")
                #expect(issued.html.contains("limited to surveys \(second)"))
                let key = try #require(issued.code(id: "new-key"))
                let stored = try await world.pool.query("SELECT resources::text FROM api_keys WHERE name = 'By slug'")[0].decode(String.self, at: 0)
                #expect(stored == #"{"surveys": [\#(second)]}"#)
                let surveys = try await client.send("/api/surveys/", key: key)
                #expect(surveys.status == .ok && surveys.text.contains(#""id":\#(second)"#) && !surveys.text.contains(#""id":\#(first)"#))
                #expect(try await client.send("/api/surveys/\(first)/", key: key).status == .forbidden)

                // A slug may start with `_`; ids and slugs mix.
                let mia = try await world.pool.query("SELECT id FROM users WHERE username = 'mia'")[0].decode(Int64.self, at: 0)
                let draft = try await world.pool.query("""
                    INSERT INTO surveys (name, slug, owner_id, organisation_id)
                    SELECT 'Draft', '_draft', \(mia), id FROM organisations WHERE slug = 'acme' RETURNING id
                    """)[0].decode(Int64.self, at: 0)
                let mixed = try await browser.post("/account/keys", [
                    ("csrf", form.csrf), ("name", "Mixed"), ("organisation", "acme"), ("permission-surveys", "view"),
                    ("resources-surveys", "_draft, \(first)"),
                ])
                #expect(mixed.status == .created, "\(mixed.html)")
                let mixedStored = try await world.pool.query("SELECT resources::text FROM api_keys WHERE name = 'Mixed'")[0].decode(String.self, at: 0)
                #expect(mixedStored == #"{"surveys": [\#(first), \#(draft)]}"#)

                let count = try await Self.keyCount(world)
                let refused = try await browser.post("/account/keys", [
                    ("csrf", form.csrf), ("name", "Bad slug"), ("organisation", "acme"), ("permission-surveys", "view"),
                    ("resources-surveys", "first foreign no-such-survey"),
                ])
                #expect(refused.status == .badRequest)
                #expect(refused.html.contains("not visible to the key&#39;s user: surveys foreign, surveys no-such-survey"), "\(refused.html.suffix(3000))")
                #expect(refused.code(id: "new-key") == nil)
                #expect(try await Self.keyCount(world) == count)
            }
        }
    }

    /// An organisation admin limits a member's key to the member's survey; a team admin's grid
    /// offers `view` only.
    @Test func adminsIssueFineGrainedKeysForMembers() async throws {
        try await ServerWorld.with { world in
            let (first, second, _) = try await Self.seed(world)
            let mia = try await world.pool.query("SELECT id FROM users WHERE username = 'mia'")[0].decode(Int64.self, at: 0)
            let lead = try await world.person("lead", tier: .team)
            try await world.team("red", members: [(lead, "admin"), (mia, "viewer")])
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "bob")
                let page = try await browser.get("/org/acme/keys")
                #expect(page.html.contains(#"id="permission-surveys-edit""#))
                let issued = try await browser.post("/org/acme/keys", [
                    ("csrf", page.csrf), ("member", "mia"), ("name", "Mia's"), ("permission-surveys", "view"), ("resources-surveys", "\(second)"),
                ])
                #expect(issued.status == .created, "\(issued.html)")
                #expect(issued.html.contains("surveys: view") && issued.html.contains("limited to surveys \(second)"))
                let key = try #require(issued.code(id: "new-key"))
                let stored = try await world.pool.query("SELECT user_id, permissions::text, resources::text FROM api_keys WHERE name = 'Mia''s'")[0]
                    .decode((Int64, String, String).self)
                #expect(stored.0 == mia && stored.1 == #"{"surveys": ["view"]}"# && stored.2 == #"{"surveys": [\#(second)]}"#)
                let surveys = try await client.send("/api/surveys/", key: key)
                #expect(surveys.status == .ok && surveys.text.contains(#""id":\#(second)"#) && !surveys.text.contains(#""id":\#(first)"#))
                #expect(try await client.send("/api/datasets/", key: key).status == .forbidden)
                #expect(try await browser.get("/org/acme/keys").html.contains("limited to surveys \(second)"))
            }
            try await world.client(settings: ServerWorld.consoleSettings) { client in
                let browser = try await ConsoleSafetyTests.signedIn(client, "lead")
                let page = try await browser.get("/team/red/keys")
                #expect(page.html.contains(#"id="permission-surveys-view""#) && !page.html.contains(#"id="permission-surveys-edit""#))
                let refused = try await browser.post("/team/red/keys", [
                    ("csrf", page.csrf), ("member", "mia"), ("name", "x"), ("permission-surveys", "edit"),
                ])
                #expect(refused.status == .badRequest && refused.html.contains("Choose only the permissions listed here."))
            }
        }
    }
}
