import Hummingbird
import PluginKit
import Policy
import SurveysPolicy

/// The survey writes (SPEC §4): `POST /api/surveys/`, `PUT`/`PATCH`/`DELETE /api/surveys/{id}/`.
///
/// Order of checks, as Django REST Framework's: credentials and the key's capability (401/403),
/// then the object (404, then the role: 403), then the body (400), then the role again for where
/// the body puts the survey. Changing `organisation` or `team` is a move (with `edit`): it needs
/// the roles to delete the survey where it is and to create it where it goes.
extension SurveyController {
    func registerWrites(on routes: RouteTable<Context>) {
        routes.writes(
            "/api/surveys/", object: "id", documented: SurveysPlugin.openAPI,
            WriteOperations(create: "createSurvey", replace: "replaceSurvey", update: "updateSurvey", delete: "deleteSurvey"),
            create: .surveyCreate, update: .surveyUpdate, delete: .surveyDelete,
            creating: create, updating: { try await update($0, $1, partial: $2) }, deleting: delete)
    }

    /// 201 with the new survey, owned by the caller.
    func create(_ request: Request, _ context: Context) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .surveyCreate)
        let draft = try await SurveyDraft().applying(request, required: "name", "slug")
        try await requireCreate(draft, actor.user)
        let survey = try await repository.insert(draft, by: actor)
        var response = Response.json(survey, status: .created)
        response.headers[.location] = "/api/surveys/\(survey.id)/"
        return response
    }

    /// 200 with the updated survey. `PUT` needs `name` and `slug`; `PATCH` takes any subset.
    func update(_ request: Request, _ context: Context, partial: Bool) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .surveyUpdate)
        let id = try ObjectID.int64("id", in: context)
        let found = try await requireSurvey(id, .surveyUpdate, actor.user)
        let draft = try await SurveyDraft(found.survey).applying(request, required: "name", "slug", partial: partial)
        if draft.organisationID != found.survey.organisationID || draft.teamID != found.survey.teamID {
            // A move (SPEC §4): the roles to delete the survey where it is and to create it where it goes.
            try engine.requireRole(actor.user, .surveyDelete, .survey(found.survey.facts(for: actor.user.userID, role: found.role)))
            try await requireCreate(draft, actor.user)
        }
        guard let survey = try await repository.update(id: id, to: draft, by: actor) else { throw APIError.notFound }
        return .json(survey)
    }

    /// 204 once the survey is gone.
    func delete(_ context: Context) async throws -> Response {
        let actor = try WriteActor(context)
        try engine.requireCapability(.user(actor.user), for: .surveyDelete)
        let id = try ObjectID.int64("id", in: context)
        let found = try await requireSurvey(id, .surveyDelete, actor.user)
        try await repository.delete(found.survey, by: actor)
        return Response(status: .noContent)
    }

    /// The roles of the create rule for a survey where `draft` puts it, with the caller as owner
    /// (the `add` capability is checked first by a create; a move needs `edit`). A target in
    /// which the caller holds no role is refused (403) before it is looked up, so the answer is
    /// the same whether or not it exists; then a team outside the organisation is a 400.
    private func requireCreate(_ draft: SurveyDraft, _ user: UserPrincipal) async throws {
        if !draft.holdsRoleInTargets(of: user) {
            try engine.requireRole(user, .surveyCreate, .survey(draft.facts(ownerID: user.userID, organisationOwnerID: nil)))
        }
        let organisationOwner = try await WriteTargets.require(organisation: draft.organisationID, team: draft.teamID, pool: repository.pool)
        try engine.requireRole(user, .surveyCreate, .survey(draft.facts(ownerID: user.userID, organisationOwnerID: organisationOwner)))
    }
}
