#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, starts the private PostgreSQL cluster
# unless DATABASE_URL is set, then `swift test`. Extra arguments go to `swift test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

deploy/setup.sh
use_database
echo "test: using the PostgreSQL server at ${DATABASE_URL%%\?*}" >&2
# What deploy/ gives operators: Kubernetes manifests (offline schemas), unit, container build.
if [ $# -eq 0 ]; then
    deploy/validate-deploy.sh
    # The parsers under libFuzzer with AddressSanitizer, 30 s each (longer by hand: deploy/fuzz.sh).
    deploy/fuzz.sh all 30
fi
if [ $# -eq 0 ]; then
    # Timing claims (a revoke refused by the other instance within 50 ms, changes reaching the
    # other instance within a second, deadlines of statements, pools and fetches: every suite
    # that bounds a duration) are measured alone, after the
    # parallel suite, so that 500 tests sharing two cores do not decide them.
    timed='RevocationSpreadTests|SessionSpreadTests|ConsoleCacheTests|DatabaseDeadlineTests|GatewayTests|IssuerAuthorityTests|KeyNoticeTests|LeakTests|PGListenerTests|PGOutageTests|PGPoolTests|SSOHardeningTests|ScopedServiceTests|TokenExchangeTests|VaultVerificationTests|ReadinessTests|GracefulShutdownTests'
    swift test --skip "$timed"
    swift test --skip-build --filter "$timed"
else
    swift test "$@"
fi
# PostgreSQL failover to a synchronous standby under load, usage counts exact over two instances
# and a SIGTERM, the gateway check behind a real nginx, webhooks verified by the Standard Webhooks reference library, Schemathesis over the OpenAPI
# document with each kind of credential, and the console in a real headless Chromium, with the
# latchkey the tests just built.
if [ $# -eq 0 ]; then
    deploy/failover-test.sh
    deploy/usage-test.sh
    deploy/gateway-test.sh
    deploy/webhooks-test.sh
    deploy/schemathesis.sh 20
    deploy/client-generation-test.sh
    deploy/browser-test.sh
fi
