import DatasetsPolicy
import PluginKit
import Policy
import Testing

/// ``PolicyEngine/requireObject(_:_:_:hidden:facts:)``: the one place that turns an object
/// lookup and its decisions into the object, 401, 403 or 404 (SPEC §4), for every plugin;
/// judged here with the dataset rules under both answers for a hidden object.
@Suite struct ObjectAccessTests {
    static let engine = PolicyEngine(rules: [DatasetRules()])
    static let caller = Principal.user(UserPrincipal(userID: 1, tier: .organisation, capabilities: [.view, .edit],
                                                     organisationRoles: [10: .admin]))
    /// Visible and writable; visible but read-only; not visible to the caller.
    static let ours = DatasetFacts(key: "ours", category: .userCreated, organisationID: 10),
        global = DatasetFacts(key: "global", category: .userCreated, isGlobal: true),
        theirs = DatasetFacts(key: "theirs", category: .userCreated, organisationID: 20)

    /// The status and code `action` on `dataset` answers with (200 when allowed).
    static func answer(_ dataset: DatasetFacts?, _ action: Action, hidden: HiddenObject, as principal: Principal = caller) -> (Int, String?) {
        do {
            _ = try engine.requireObject(dataset, principal, action, hidden: hidden) { $0 }
            return (200, nil)
        } catch let error as APIError {
            return (Int(error.status.code), error.code)
        } catch {
            return (500, nil)
        }
    }

    /// The code of the denial of `action` on `dataset`.
    static func denial(_ dataset: DatasetFacts, _ action: Action, as principal: Principal = caller) -> String {
        engine.decide(principal, action, .dataset(dataset)).code.rawValue
    }

    @Test func noObjectIs404() {
        for hidden in [HiddenObject.forbidden, .notFound] {
            #expect(Self.answer(nil, .datasetRetrieve, hidden: hidden) == (404, nil))
            #expect(Self.answer(nil, .datasetUpdate, hidden: hidden) == (404, nil))
        }
    }

    @Test func anAllowedActionAnswersTheObject() {
        for hidden in [HiddenObject.forbidden, .notFound] {
            #expect(Self.answer(Self.ours, .datasetRetrieve, hidden: hidden) == (200, nil))
            #expect(Self.answer(Self.ours, .datasetUpdate, hidden: hidden) == (200, nil))
            #expect(Self.answer(Self.global, .datasetRetrieve, hidden: hidden) == (200, nil))
            #expect(Self.answer(Self.global, .datasetRetrieve, hidden: hidden, as: .anonymous) == (200, nil))
        }
    }

    @Test func aHiddenObjectIs403WithTheDenialOr404AsTheResourceSays() {
        #expect(Self.answer(Self.theirs, .datasetRetrieve, hidden: .forbidden) == (403, Self.denial(Self.theirs, .datasetRetrieve)))
        #expect(Self.answer(Self.theirs, .datasetUpdate, hidden: .forbidden) == (403, Self.denial(Self.theirs, .datasetUpdate)))
        #expect(Self.answer(Self.theirs, .datasetRetrieve, hidden: .notFound) == (404, nil))
        #expect(Self.answer(Self.theirs, .datasetUpdate, hidden: .notFound) == (404, nil), "seeing it is dataset.retrieve")
        #expect(Self.answer(Self.theirs, .datasetRetrieve, hidden: .notFound, as: .anonymous) == (404, nil))
    }

    @Test func aVisibleObjectTheCallerMayNotChangeIs403() {
        for hidden in [HiddenObject.forbidden, .notFound] {
            #expect(Self.answer(Self.global, .datasetUpdate, hidden: hidden) == (403, Self.denial(Self.global, .datasetUpdate)))
        }
    }
}
