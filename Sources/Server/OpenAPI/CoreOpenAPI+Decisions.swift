import PluginKit

/// Operations of the decision API (SPEC §6), and its schemas.
extension CoreOpenAPI {
    /// `POST /v1/keys/verify`.
    static let verifyKey: OpenAPIFragment = ##"""
        {
          "tags": ["decisions"],
          "summary": "Verify an API key",
          "operationId": "verifyKey",
          "description": "Always 200 for a well-formed request; `code` says what the key is. `key`, `user` and `organisation` are shown whenever the key exists (also when revoked or expired), `null` for MALFORMED and NOT_FOUND.",
          "security": [{"serviceCredential": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyVerifyRequest"}}}
          },
          "responses": {
            "200": {
              "description": "The verification result.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/KeyVerification"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/ServiceUnauthorized"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `POST /access/v1/evaluation`.
    static let evaluation: OpenAPIFragment = ##"""
        {
          "tags": ["decisions"],
          "summary": "AuthZEN access evaluation",
          "operationId": "evaluation",
          "description": "One decision by the policy engine that serves the resource API. Subjects: `{\"type\":\"api_key\",\"id\":\"ct_live_…\"}` or `{\"type\":\"user\",\"id\":\"42\"}` (a user acts with every capability but `superuser`). Actions are `<resource>.<verb>`; list actions ignore `resource.id`, others need it. A missing object is `decision: false` with `DENY_NOT_FOUND`.",
          "security": [{"serviceCredential": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EvaluationRequest"}}}
          },
          "responses": {
            "200": {
              "description": "The decision.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evaluation"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/ServiceUnauthorized"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// `POST /access/v1/evaluations`.
    static let evaluations: OpenAPIFragment = ##"""
        {
          "tags": ["decisions"],
          "summary": "AuthZEN batch evaluation",
          "operationId": "evaluations",
          "description": "Up to 1,000 evaluations; top-level `subject`, `action`, `resource` and `context` are defaults each item may override. Results keep request order. `options.evaluations_semantic`: `execute_all` (default), `deny_on_first_deny`, `permit_on_first_permit`.",
          "security": [{"serviceCredential": []}],
          "requestBody": {
            "required": true,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EvaluationsRequest"}}}
          },
          "responses": {
            "200": {
              "description": "The decisions, in order.",
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evaluations"}}}
            },
            "400": {"$ref": "#/components/responses/BadBody"},
            "401": {"$ref": "#/components/responses/ServiceUnauthorized"},
            "405": {"$ref": "#/components/responses/MethodNotAllowed"},
            "413": {"$ref": "#/components/responses/BadBody"},
            "503": {"$ref": "#/components/responses/Unavailable"}
          }
        }
        """##

    /// The decision API's schemas.
    static let decisionComponents: OpenAPIFragment = ##"""
        {
          "schemas": {
            "KeyVerifyRequest": {
              "type": "object",
              "required": ["key"],
              "properties": {"key": {"type": "string", "description": "The raw key, e.g. `ct_live_…`."}}
            },
            "KeyVerification": {
              "type": "object",
              "required": ["valid", "code", "key", "user", "organisation"],
              "properties": {
                "valid": {"type": "boolean"},
                "code": {
                  "type": "string",
                  "enum": ["VALID", "MALFORMED", "NOT_FOUND", "REVOKED", "EXPIRED", "TIER_NO_API_ACCESS", "USER_INACTIVE"]
                },
                "key": {"oneOf": [{"$ref": "#/components/schemas/VerifiedKeyInfo"}, {"type": "null"}]},
                "user": {"oneOf": [{"$ref": "#/components/schemas/VerifiedKeyUser"}, {"type": "null"}]},
                "organisation": {"oneOf": [{"$ref": "#/components/schemas/VerifiedKeyOrganisation"}, {"type": "null"}]}
              }
            },
            "VerifiedKeyInfo": {
              "type": "object",
              "properties": {
                "id": {"type": "string", "format": "uuid"},
                "name": {"type": "string"},
                "prefix": {"type": "string"},
                "capabilities": {"type": "array", "items": {"type": "string", "enum": ["view", "add", "edit", "delete", "superuser"]}},
                "expires_at": {"type": ["string", "null"], "format": "date-time"}
              }
            },
            "VerifiedKeyUser": {
              "type": "object",
              "properties": {
                "id": {"type": "integer"},
                "username": {"type": "string"},
                "tier": {"type": "string", "enum": ["free", "pro", "team", "organisation", "enterprise"]}
              }
            },
            "VerifiedKeyOrganisation": {
              "type": "object",
              "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"}}
            },
            "AuthZENSubject": {
              "type": "object",
              "required": ["type", "id"],
              "properties": {"type": {"type": "string", "enum": ["api_key", "user"]}, "id": {"type": "string"}}
            },
            "AuthZENAction": {
              "type": "object",
              "required": ["name"],
              "properties": {"name": {"type": "string", "examples": ["survey.retrieve"]}}
            },
            "AuthZENResource": {
              "type": "object",
              "required": ["type"],
              "properties": {
                "type": {"type": "string", "examples": ["survey"]},
                "id": {
                  "type": "string",
                  "description": "The object's id; not used by list actions, `*.create` or `key.issue`."
                },
                "properties": {
                  "type": "object",
                  "description": "A new object (`*.create`, `key.issue`): `survey.create` `{organisation, team}`; `dataset.create` `{organisation, team, category, is_global}`; `user.create` `{}`; `key.issue` `{user, organisation, capabilities}`. Ids are numbers or decimal strings; malformed properties, or ids of nothing, are `DENY_RESOURCE_MISMATCH`.",
                  "additionalProperties": true
                }
              }
            },
            "EvaluationRequest": {
              "type": "object",
              "required": ["subject", "action", "resource"],
              "properties": {
                "subject": {"$ref": "#/components/schemas/AuthZENSubject"},
                "action": {"$ref": "#/components/schemas/AuthZENAction"},
                "resource": {"$ref": "#/components/schemas/AuthZENResource"},
                "context": {"type": "object"}
              }
            },
            "EvaluationsRequest": {
              "type": "object",
              "properties": {
                "subject": {"$ref": "#/components/schemas/AuthZENSubject"},
                "action": {"$ref": "#/components/schemas/AuthZENAction"},
                "resource": {"$ref": "#/components/schemas/AuthZENResource"},
                "context": {"type": "object"},
                "evaluations": {
                  "type": "array",
                  "maxItems": 1000,
                  "items": {
                    "type": "object",
                    "properties": {
                      "subject": {"$ref": "#/components/schemas/AuthZENSubject"},
                      "action": {"$ref": "#/components/schemas/AuthZENAction"},
                      "resource": {"$ref": "#/components/schemas/AuthZENResource"},
                      "context": {"type": "object"}
                    }
                  }
                },
                "options": {
                  "type": "object",
                  "properties": {
                    "evaluations_semantic": {"type": "string", "enum": ["execute_all", "deny_on_first_deny", "permit_on_first_permit"]}
                  }
                }
              }
            },
            "Evaluation": {
              "type": "object",
              "required": ["decision", "context"],
              "properties": {
                "decision": {"type": "boolean"},
                "context": {
                  "type": "object",
                  "required": ["code", "reasons"],
                  "properties": {
                    "code": {"type": "string", "examples": ["ALLOW_OWNER", "DENY_NOT_MEMBER", "DENY_NOT_FOUND"]},
                    "reasons": {"type": "array", "items": {"type": "string"}}
                  }
                }
              }
            },
            "Evaluations": {
              "type": "object",
              "required": ["evaluations"],
              "properties": {"evaluations": {"type": "array", "items": {"$ref": "#/components/schemas/Evaluation"}}}
            },
            "AuthZENConfiguration": {
              "type": "object",
              "properties": {
                "policy_decision_point": {"type": "string"},
                "access_evaluation_endpoint": {"type": "string"},
                "access_evaluations_endpoint": {"type": "string"}
              }
            }
          }
        }
        """##
}
