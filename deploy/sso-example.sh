#!/usr/bin/env bash
# A worked SSO token exchange (SPEC §11), standing in for an identity provider with a local key
# pair: makes an RSA key with openssl, trusts it for an organisation (`latchkey sso trust`),
# mints an ID token for an enterprise member, and exchanges it at POST /oauth/token.
#   deploy/sso-example.sh [BASE_URL] [ORG] [EMAIL]
# Defaults fit `deploy/run.sh`'s demo data: http://127.0.0.1:8080, globex, erin@globex.example
# (globex's enterprise-tier owner). `sso trust` writes to DATABASE_URL, or, as run.sh does
# without it, to the private cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh
base="${1:-http://127.0.0.1:8080}" org="${2:-globex}" email="${3:-erin@globex.example}"
issuer="https://idp.example.test" audience="latchkey-example"
use_database
bin="${LATCHKEY_BIN:-.build/release/latchkey}"
[ -x "$bin" ] || bin=.build/debug/latchkey
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The identity provider's key pair, and its public half as a JWKS (n and e in base64url).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work/idp.pem" 2>/dev/null
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
modulus="$(openssl rsa -in "$work/idp.pem" -noout -modulus 2>/dev/null | cut -d= -f2 | xxd -r -p | b64url)"
printf '{"keys":[{"kty":"RSA","kid":"example-1","alg":"RS256","use":"sig","n":"%s","e":"AQAB"}]}\n' "$modulus" >"$work/jwks.json"
"$bin" sso trust --org "$org" --issuer "$issuer" --audience "$audience" --jwks "$work/jwks.json" --capabilities view --ttl-hours 1 >/dev/null

# The ID token: header.claims signed RS256 (PKCS #1 v1.5 over SHA-256).
now="$(date +%s)"
header="$(printf '{"alg":"RS256","typ":"JWT","kid":"example-1"}' | b64url)"
claims="$(printf '{"iss":"%s","aud":"%s","sub":"example-user","email":"%s","email_verified":true,"iat":%d,"exp":%d,"jti":"%s"}' \
    "$issuer" "$audience" "$email" "$now" "$((now + 300))" "$(openssl rand -hex 16)" | b64url)"
signature="$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$work/idp.pem" -binary | b64url)"
token="$header.$claims.$signature"

echo "POST $base/oauth/token" >&2
curl -sS "$base/oauth/token" \
    --data-urlencode "grant_type=urn:ietf:params:oauth:grant-type:token-exchange" \
    --data-urlencode "subject_token_type=urn:ietf:params:oauth:token-type:id_token" \
    --data-urlencode "subject_token=$token" \
    --data-urlencode "audience=$org"
echo
