"""What deploy/gateway-test.sh checks of each proxy in front of the upstream (SPEC §16): a
request through the proxy, what the upstream logged (deploy/gateway/echo_upstream.py), and the
checks every proxy must pass. Imported by the test's per-proxy scripts."""
import http.client, json, sys


class Proxy:
    def __init__(self, name, front, log):
        self.name, self.front, self.log = name, int(front), log

    def request(self, method, path, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.front, timeout=10)
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body

    def seen(self):
        with open(self.log) as lines:
            return [json.loads(line) for line in lines if line.strip()]

    def expect(self, condition, what):
        if not condition:
            sys.exit(f"gateway ({self.name}) PROBLEM: {what}")

    def passes_with_identity(self, key):
        """A valid key passes; its identity, not a client's forged one nor the key, reaches the
        upstream. Returns the headers the upstream saw."""
        status, _, body = self.request("GET", "/orders/7?x=1", {"Authorization": "Bearer " + key, "X-Latchkey-User": "forged"})
        self.expect(status == 200, f"a valid key: {status} {body[:200]}")
        got = self.seen()[-1]
        self.expect(got["path"] == "/orders/7?x=1" and got["method"] == "GET", f"the upstream saw {got}")
        headers = got["headers"]
        self.expect(headers.get("x-latchkey-organisation") == "acme" and headers.get("x-latchkey-key-id"), f"identity: {headers}")
        self.expect(headers.get("x-latchkey-user") not in (None, "forged"), f"the client's forged user reached the upstream: {headers}")
        self.expect("authorization" not in headers, "the key reached the upstream")
        return headers

    def refuses_unseen(self, key, more=()):
        """No key is 401 with its challenge, DELETE with a view key 403, and each of `more`
        (method, path, headers, status, what) as it says; the upstream sees none of them.
        Returns the answer without a key."""
        before = len(self.seen())
        anonymous = self.request("GET", "/orders/7")
        status, headers, _ = anonymous
        self.expect(status == 401 and "bearer" in headers.get("www-authenticate", "").lower(), f"no key: {status} {headers}")
        status, _, _ = self.request("DELETE", "/orders/7", {"Authorization": "Bearer " + key})
        self.expect(status == 403, f"DELETE with a view key: {status}")
        for method, path, extra, expected, what in more:
            status, _, _ = self.request(method, path, extra)
            self.expect(status == expected, f"{what}: {status}")
        self.expect(len(self.seen()) == before, f"a refused request reached the upstream: {self.seen()[before:]}")
        return anonymous

    def public(self):
        """A public route passes without a key. Returns the headers the upstream saw."""
        status, _, _ = self.request("POST", "/public/signup", {"X-Latchkey-User": "forged"})
        self.expect(status == 200, f"a public route: {status}")
        got = self.seen()[-1]
        self.expect(got["path"] == "/public/signup", f"public: {got}")
        return got["headers"]
