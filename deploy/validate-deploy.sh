#!/usr/bin/env bash
# Checks what deploy/ gives operators (SPEC §12), offline: the Kubernetes manifests against the
# API schemas bundled in kubernetes-validate (strict: no unknown fields), then the properties an
# operator relies on — replicas, probes, limits, non-root, read-only root, configuration from a
# ConfigMap and a Secret — and the hardening of the systemd unit and the container build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/common.sh

venv="$(python_venv deploy-venv "kubernetes_validate, yaml" kubernetes-validate pyyaml)"
"$venv/bin/kubernetes-validate" --strict --quiet deploy/kubernetes/*.yaml
"$venv/bin/python" - <<'PY'
import glob, re, sys, yaml

problems = []
def need(condition, message):
    if not condition:
        problems.append(message)

documents = [d for path in sorted(glob.glob("deploy/kubernetes/*.yaml")) for d in yaml.safe_load_all(open(path)) if d]
kinds = {d["kind"]: d for d in documents}
for kind in ["Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "ConfigMap", "Secret"]:
    need(kind in kinds, f"no {kind}")

deployment = kinds["Deployment"]["spec"]
need(deployment["replicas"] >= 2, "fewer than 2 replicas")
pod = deployment["template"]["spec"]
need(pod["securityContext"].get("runAsNonRoot") is True, "pods may run as root")
for container in pod.get("initContainers", []) + pod["containers"]:
    name = container["name"]
    security = container.get("securityContext", {})
    need(security.get("readOnlyRootFilesystem") is True, f"{name}: root filesystem writable")
    need(security.get("allowPrivilegeEscalation") is False, f"{name}: privilege escalation allowed")
    resources = container.get("resources", {})
    need({"cpu", "memory"} <= set(resources.get("requests", {})) and {"cpu", "memory"} <= set(resources.get("limits", {})),
         f"{name}: resource requests and limits")
    sources = {next(iter(s)) for s in container.get("envFrom", [])}
    need("secretRef" in sources, f"{name}: no Secret")
serve = pod["containers"][0]
need("configMapRef" in {next(iter(s)) for s in serve["envFrom"]}, "serve: no ConfigMap")
need(serve["livenessProbe"]["httpGet"]["path"] == "/api/health", "liveness is not /api/health")
need(serve["readinessProbe"]["httpGet"]["path"] == "/api/ready", "readiness is not /api/ready")
need(kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2, "the autoscaler may go below 2")
need(int(kinds["ConfigMap"]["data"]["LATCHKEY_DRAIN_SECONDS"]) < pod["terminationGracePeriodSeconds"],
     "the drain outlasts the termination grace period")
secret_keys = set(kinds["Secret"].get("stringData", {})) | set(kinds["Secret"].get("data", {}))
need({"DATABASE_URL", "LATCHKEY_SECRET_KEY"} <= secret_keys, "the Secret lacks DATABASE_URL or LATCHKEY_SECRET_KEY")
need(not {"DATABASE_URL", "LATCHKEY_SECRET_KEY"} & set(kinds["ConfigMap"]["data"]), "a secret in the ConfigMap")
# Behind an ingress every client is the ingress unless its range is trusted (SPEC §7).
proxies = [p.strip() for p in kinds["ConfigMap"]["data"].get("LATCHKEY_TRUSTED_PROXIES", "").split(",") if p.strip()]
need(proxies and all(re.fullmatch(r"[0-9a-fA-F:.]+(/[0-9]{1,3})?", p) for p in proxies),
     "the ConfigMap sets no LATCHKEY_TRUSTED_PROXIES of addresses or ranges")

unit = open("deploy/latchkey.service").read()
for setting in ["User=latchkey", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
                "CapabilityBoundingSet=", "RestrictAddressFamilies=", "EnvironmentFile="]:
    need(re.search(rf"^{re.escape(setting)}", unit, re.M), f"systemd unit: {setting}")

docker = open("deploy/Dockerfile").read()
need(len(re.findall(r"^FROM ", docker, re.M)) >= 2, "Dockerfile: not multi-stage")
need(re.search(r"^USER (?!root|0)", docker, re.M), "Dockerfile: runs as root")
need("libpq5" in docker and "libssl3" in docker, "Dockerfile: runtime lacks libpq5 or libssl3")

if problems:
    print("deploy/ problems:\n  " + "\n  ".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"deploy: {len(documents)} Kubernetes objects valid and hardened; systemd unit and container build checked")
PY
