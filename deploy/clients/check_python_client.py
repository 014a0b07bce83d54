"""Uses the client openapi-python-client generated from /api/schema (default settings) against a
running Latchkey: a typed list, a retrieve, the presenting key, and a 404 parsed as `Error`.

    python check_python_client.py BASE_URL KEY
"""
import sys

from latchkey_api_client import AuthenticatedClient
from latchkey_api_client.api.keys import current_key
from latchkey_api_client.api.surveys import list_surveys, retrieve_survey
from latchkey_api_client.api.user import list_users
from latchkey_api_client.models import DirectoryUser, DirectoryUserPage, Error, ListUsersIsActive, Survey

base_url, key = sys.argv[1], sys.argv[2]
client = AuthenticatedClient(base_url=base_url, token=key, raise_on_unexpected_status=True)

listed = list_surveys.sync(client=client)
# The list is an array, or the page envelope (the document says either may come): typed both ways.
surveys = listed if isinstance(listed, list) else listed.results
assert surveys, f"expected surveys, got {listed!r}"
assert all(isinstance(survey, Survey) for survey in surveys), surveys
first = retrieve_survey.sync(id=surveys[0].id, client=client)
assert isinstance(first, Survey) and first.slug == surveys[0].slug, first
missing = retrieve_survey.sync(id=999_999_999, client=client)
assert isinstance(missing, Error) and missing.detail, missing
key_metadata = current_key.sync(client=client)
assert key_metadata is not None and key.startswith(key_metadata.prefix), key_metadata
answer = list_users.sync(client=client, is_active=ListUsersIsActive.TRUE)
active = answer.results if isinstance(answer, DirectoryUserPage) else answer
assert isinstance(active, list) and active and all(isinstance(user, DirectoryUser) and user.is_active for user in active), answer
print(f"python client: {len(surveys)} surveys, first {first.slug!r}, 404 as Error ({missing.detail!r}), "
      f"key {key_metadata.prefix}, {len(active)} active users")
