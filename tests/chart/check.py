"""Lints and renders charts/congxa with several value sets, validates every
object against Kubernetes' schemas, and checks what the chart promises.

Run by tests/chart/check, which provides helm-python-sdk (Helm 4 as a
library) and kubernetes-validate.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import yaml

TOP = Path(__file__).resolve().parents[2]
CHART = TOP / "charts" / "congxa"
SERVICES = ("gateway", "content", "media", "analytics")
# Who may call whom, as the code does: the gateway forwards to the three
# others; content reads the visit counter from analytics.
CALLERS = {"content": {"gateway"}, "media": {"gateway"}, "analytics": {"gateway", "content"}}
# The newest Kubernetes the pinned kubernetes-validate knows; the oldest is
# the chart's own kubeVersion floor.
NEWEST_KUBERNETES = "1.37.0"
HOOK = "helm.sh/hook"
# Values that pass Kubernetes objects through untouched: their inner keys
# are Kubernetes' own and need no comment of ours.
PASSED_THROUGH = {"podSecurityContext", "securityContext", "resources", "requests", "limits",
                  "seccompProfile", "capabilities"}


@dataclass
class ValueSet:
    title: str
    file: Path | None
    release: str
    namespace: str


VALUE_SETS = [
    ValueSet("defaults", None, "congxa", "congxa"),
    ValueSet("all features", CHART / "ci" / "all-features-values.yaml", "haiphong", "congxa-haiphong"),
    ValueSet("CloudNativePG example", CHART / "examples" / "cloudnative-pg.yaml", "congxa", "congxa"),
    ValueSet("minimal", CHART / "ci" / "minimal-values.yaml", "thu", "default"),
]

# Values the chart must refuse, and a word of the message it must give.
REFUSED = [
    ("a Secret of one's own and secret values at once",
     {"existingSecret": "mine", "redis": {"url": "redis://x"}}, "existingSecret"),
    ("database.host without the credentials' Secrets",
     {"database": {"host": "pg-rw"}}, "database.app.secret"),
    ("an Ingress without the platform domain",
     {"ingress": {"enabled": True}}, "platform.domain"),
    ("a chart-owned setting in config",
     {"config": {"CONGXA_CONTENT_URL": "http://elsewhere"}}, "CONGXA_CONTENT_URL"),
    ("an unknown secret setting",
     {"gateway": {"secretEnv": ["DATABASE_URL", "AWS_SECRET"]}}, "AWS_SECRET"),
    ("a short internal token",
     {"internalToken": "short"}, "16 characters"),
    ("autoscaling without a target",
     {"media": {"autoscaling": {"enabled": True, "targetCPUUtilizationPercentage": None}}}, "target"),
]


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    checks: int = 0

    def check(self, ok: bool, what: str) -> bool:
        self.checks += 1
        if not ok:
            self.failures.append(what)
            print(f"    FAIL {what}")
        return ok


def say(text: str) -> None:
    print(f"[chart] {text}", flush=True)


def kube_floor() -> str:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    match = re.match(r">=\s*(\d+\.\d+\.\d+)", chart.get("kubeVersion", ""))
    if not match:
        raise SystemExit("Chart.yaml has no kubeVersion floor (>=x.y.z)")
    return match.group(1)


def load_values(value_set: ValueSet) -> dict[str, Any]:
    if value_set.file is None:
        return {}
    return yaml.safe_load(value_set.file.read_text()) or {}


def expected_fullname(values: dict[str, Any], release: str) -> str:
    """What every object's name starts with, as Helm charts name them."""
    if values.get("fullnameOverride"):
        return values["fullnameOverride"][:63].rstrip("-")
    name = values.get("nameOverride") or "congxa"
    return (release if name in release else f"{release}-{name}")[:63].rstrip("-")


def render(chart: helm.Chart, values: dict[str, Any], release: str, namespace: str):
    """The objects (hooks included) and NOTES.txt of one rendering."""
    manifests = chart.render(values, name=release, namespace=namespace, is_install=True)
    objects, notes = [], ""
    for path, text in sorted(manifests.items()):
        if path.endswith("NOTES.txt"):
            notes = text
            continue
        for document in yaml.safe_load_all(text):
            if document:
                document["__template"] = path
                objects.append(document)
    return objects, notes


def strip(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "__template"}


def by_kind(objects, kind):
    return [o for o in objects if o["kind"] == kind]


def name_of(o) -> str:
    return o["metadata"]["name"]


def component(o) -> str | None:
    return o["metadata"].get("labels", {}).get("app.kubernetes.io/component")


def is_hook(o) -> bool:
    return HOOK in (o["metadata"].get("annotations") or {})


def pod_spec(o) -> dict[str, Any]:
    return o["spec"]["template"]["spec"]


def env_of(container) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in container.get("env", [])}


def secret_refs(spec) -> list[tuple[str, str | None, bool]]:
    """(secret name, key, optional) of everything a pod spec takes from Secrets."""
    refs = []
    for container in spec["containers"]:
        for entry in container.get("env", []):
            ref = (entry.get("valueFrom") or {}).get("secretKeyRef")
            if ref:
                refs.append((ref["name"], ref["key"], bool(ref.get("optional"))))
        for source in container.get("envFrom", []):
            if "secretRef" in source:
                refs.append((source["secretRef"]["name"], None, bool(source["secretRef"].get("optional"))))
    for volume in spec.get("volumes", []):
        if "secret" in volume:
            refs.append((volume["secret"]["secretName"], None, False))
    return refs


def config_map_refs(spec) -> list[str]:
    names = []
    for container in spec["containers"]:
        for source in container.get("envFrom", []):
            if "configMapRef" in source:
                names.append(source["configMapRef"]["name"])
        for entry in container.get("env", []):
            ref = (entry.get("valueFrom") or {}).get("configMapKeyRef")
            if ref:
                names.append(ref["name"])
    for volume in spec.get("volumes", []):
        if "configMap" in volume:
            names.append(volume["configMap"]["name"])
    return names


def probe_path(container, kind) -> str | None:
    probe = container.get(kind)
    return probe["httpGet"]["path"] if probe and "httpGet" in probe else None


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


# --- the promises, each over one rendering -----------------------------------

def check_deployments(r: Report, objects, values, fullname):
    deployments = by_kind(objects, "Deployment")
    for service in SERVICES:
        found = [d for d in deployments if component(d) == service]
        if not r.check(len(found) == 1, f"one Deployment for {service} (found {len(found)})"):
            continue
        d = found[0]
        container = pod_spec(d)["containers"][0]
        r.check(name_of(d) == f"{fullname}-{service}", f"{service}'s Deployment is named {fullname}-{service}")
        r.check(container.get("args") == ["serve", service],
                f"{service} runs `serve {service}` (runs {container.get('args')})")
        r.check(selects(d["spec"]["selector"]["matchLabels"], d["spec"]["template"]["metadata"]["labels"]),
                f"{service}'s Deployment selects its own pods")
        live = probe_path(container, "livenessProbe")
        ready = probe_path(container, "readinessProbe")
        start = probe_path(container, "startupProbe")
        r.check(live == "/healthz", f"{service}'s liveness probe asks /healthz (asks {live})")
        if service == "gateway":
            # Ready once PostgreSQL answered; afterwards it serves its cached
            # pages even while PostgreSQL is down.
            r.check(start == "/readyz" and ready == "/healthz",
                    f"the gateway starts on /readyz and stays ready on /healthz ({start}, {ready})")
        else:
            r.check(ready == "/readyz", f"{service}'s readiness probe asks /readyz (asks {ready})")
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
            if container.get(kind):
                port = container[kind]["httpGet"]["port"]
                r.check(port in ports, f"{service}'s {kind} asks a port the container has ({port})")
        r.check(ports.get("http") == values[service]["port"],
                f"{service} listens on its port {values[service]['port']}")
        env = env_of(container)
        r.check("CONGXA_ADMIN_DATABASE_URL" not in env,
                f"{service} does not receive the admin database URL")
        r.check("CONGXA_INTERNAL_TOKEN" in env, f"{service} receives the internal token")
        wanted = set(values[service]["secretEnv"])
        for key in ("REDIS_URL", "CONGXA_S3_SECRET_KEY", "CONGXA_SMTP_URL", "CONGXA_OPERATOR_TOKEN"):
            if key not in wanted:
                r.check(key not in env, f"{service} does not receive {key} (least privilege)")
        autoscaled = values[service]["autoscaling"]["enabled"]
        if autoscaled:
            r.check("replicas" not in d["spec"], f"{service}'s replicas are left to its autoscaler")
        else:
            r.check(d["spec"].get("replicas") == values[service]["replicaCount"],
                    f"{service} runs replicaCount replicas")
        strategy = d["spec"].get("strategy", {}).get("rollingUpdate", {})
        r.check(strategy.get("maxUnavailable") == 0, f"{service} rolls out without taking a ready pod away first")
        grace = pod_spec(d).get("terminationGracePeriodSeconds", 30)
        sleep = (container.get("lifecycle") or {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
        r.check(grace > sleep + 30, f"{service} has time to drain after its preStop sleep ({grace}s)")


def check_hardening(r: Report, objects):
    workloads = by_kind(objects, "Deployment") + by_kind(objects, "Job")
    r.check(bool(workloads), "there are workloads to check")
    for w in workloads:
        spec = pod_spec(w)
        what = f"{w['kind']} {name_of(w)}"
        pod = spec.get("securityContext") or {}
        r.check(pod.get("runAsNonRoot") is True, f"{what} runs as non-root")
        r.check(pod.get("runAsUser", 1) != 0, f"{what} runs as a numeric user other than root")
        r.check((pod.get("seccompProfile") or {}).get("type") == "RuntimeDefault",
                f"{what} uses the runtime's seccomp profile")
        r.check(spec.get("automountServiceAccountToken") is False, f"{what} mounts no API token")
        tmp_volumes = {v["name"] for v in spec.get("volumes", []) if "emptyDir" in v}
        for c in spec["containers"]:
            sc = c.get("securityContext") or {}
            r.check(sc.get("readOnlyRootFilesystem") is True, f"{what} has a read-only root file system")
            r.check(sc.get("allowPrivilegeEscalation") is False, f"{what} cannot gain privileges")
            r.check("ALL" in ((sc.get("capabilities") or {}).get("drop") or []),
                    f"{what} drops every capability")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            r.check(mounts.get("/tmp") in tmp_volumes, f"{what} writes temporary files to an emptyDir /tmp")
            resources = c.get("resources") or {}
            r.check({"cpu", "memory"} <= set(resources.get("requests", {})), f"{what} requests CPU and memory")
            r.check("memory" in resources.get("limits", {}), f"{what} has a memory limit")


def check_services(r: Report, objects, values, fullname, namespace):
    services = {component(s): s for s in by_kind(objects, "Service")}
    config = {name_of(c): c.get("data", {}) for c in by_kind(objects, "ConfigMap")}.get(fullname, {})
    deployments = {component(d): d for d in by_kind(objects, "Deployment")}
    for service in SERVICES:
        s, d = services.get(service), deployments.get(service)
        if not r.check(s is not None and d is not None, f"{service} has a Service"):
            continue
        labels = d["spec"]["template"]["metadata"]["labels"]
        r.check(selects(s["spec"]["selector"], labels), f"{service}'s Service selects its pods")
        port = s["spec"]["ports"][0]
        r.check(port["targetPort"] == "http" and port["port"] == values[service]["port"],
                f"{service}'s Service reaches its container port")
        r.check(config.get(f"CONGXA_{service.upper()}_LISTEN") == f"0.0.0.0:{values[service]['port']}",
                f"{service} listens on every address of its pod")
        if service != "gateway":
            url = f"http://{name_of(s)}.{namespace}.svc:{port['port']}"
            r.check(config.get(f"CONGXA_{service.upper()}_URL") == url,
                    f"the others find {service} at its Service ({config.get(f'CONGXA_{service.upper()}_URL')})")


def check_migration(r: Report, objects, values):
    jobs = by_kind(objects, "Job")
    if not values["migrations"]["enabled"]:
        r.check(not jobs, "no migration Job when migrations are off")
        return
    if not r.check(len(jobs) == 1, f"one migration Job (found {len(jobs)})"):
        return
    job = jobs[0]
    hooks = set((job["metadata"]["annotations"].get(HOOK) or "").split(","))
    r.check(hooks == {"pre-install", "pre-upgrade"}, f"the migration Job is a pre-install,pre-upgrade hook ({hooks})")
    spec = pod_spec(job)
    container = spec["containers"][0]
    r.check(container.get("args") == ["migrate"], "the Job runs `congxa migrate`")
    r.check("CONGXA_ADMIN_DATABASE_URL" in env_of(container), "the Job receives the admin database URL")
    r.check(spec.get("restartPolicy") == "Never", "a failed migration is not restarted in place")
    # On install the hooks run before the release's other objects exist.
    regular = {(o["kind"], name_of(o)) for o in objects if not is_hook(o)}
    for secret, _, _ in secret_refs(spec):
        r.check(("Secret", secret) not in regular,
                f"the Job uses no Secret made after it (uses {secret})")
    for config_map in config_map_refs(spec):
        r.check(("ConfigMap", config_map) not in regular,
                f"the Job uses no ConfigMap made after it (uses {config_map})")
    account = spec.get("serviceAccountName", "default")
    r.check(("ServiceAccount", account) not in regular,
            f"the Job uses no ServiceAccount made after it (uses {account})")
    hook_secrets = [o for o in by_kind(objects, "Secret") if is_hook(o)]
    for s in hook_secrets:
        weight = int(s["metadata"]["annotations"].get("helm.sh/hook-weight", "0"))
        job_weight = int(job["metadata"]["annotations"].get("helm.sh/hook-weight", "0"))
        r.check(weight < job_weight, f"the hook Secret {name_of(s)} is made before the Job")
        r.check("hook-succeeded" in s["metadata"]["annotations"].get("helm.sh/hook-delete-policy", ""),
                f"the hook Secret {name_of(s)} goes once the migration succeeded")


def check_network_policies(r: Report, objects, values):
    policies = by_kind(objects, "NetworkPolicy")
    if not values["networkPolicy"]["enabled"]:
        r.check(not policies, "no NetworkPolicy when they are off")
        return
    pods = {component(d): d["spec"]["template"]["metadata"]["labels"] for d in by_kind(objects, "Deployment")}
    for service in SERVICES:
        found = [p for p in policies if selects(p["spec"]["podSelector"].get("matchLabels", {}), pods.get(service, {}))]
        if not r.check(len(found) == 1, f"one NetworkPolicy covers {service}'s pods"):
            continue
        policy = found[0]["spec"]
        r.check("Ingress" in policy.get("policyTypes", []), f"{service}'s policy restricts incoming traffic")
        rules = policy.get("ingress", [])
        r.check(bool(rules), f"{service}'s policy admits someone")
        if service == "gateway":
            wanted = values["networkPolicy"]["gatewayFrom"]
            for rule in rules:
                r.check(rule.get("from", []) == wanted, "the gateway admits whom networkPolicy.gatewayFrom says")
            continue
        callers = set()
        for rule in rules:
            peers = rule.get("from") or []
            r.check(bool(peers), f"{service} admits no one from outside the release (a rule without `from`)")
            for peer in peers:
                r.check(set(peer) == {"podSelector"},
                        f"{service} admits only pods of this namespace ({sorted(peer)})")
                selector = (peer.get("podSelector") or {}).get("matchLabels", {})
                matched = {c for c, labels in pods.items() if selects(selector, labels)}
                r.check(bool(matched), f"{service} admits pods of this release ({selector})")
                callers |= matched
        r.check(callers == CALLERS[service],
                f"{service} admits exactly its callers {sorted(CALLERS[service])} (admits {sorted(callers)})")


def check_scaling(r: Report, objects, values):
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in by_kind(objects, "HorizontalPodAutoscaler")}
    pdbs = by_kind(objects, "PodDisruptionBudget")
    for d in by_kind(objects, "Deployment"):
        service = component(d)
        hpa = hpas.get(name_of(d))
        if values[service]["autoscaling"]["enabled"]:
            if r.check(hpa is not None, f"{service} has a HorizontalPodAutoscaler"):
                r.check(hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment"
                        and hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
                        and bool(hpa["spec"].get("metrics")),
                        f"{service}'s autoscaler scales its Deployment on a metric")
        else:
            r.check(hpa is None, f"{service} has no autoscaler when autoscaling is off")
        labels = d["spec"]["template"]["metadata"]["labels"]
        covering = [p for p in pdbs if selects(p["spec"]["selector"]["matchLabels"], labels)]
        if values[service]["pdb"]["enabled"]:
            r.check(len(covering) == 1, f"one PodDisruptionBudget covers {service}")
        else:
            r.check(not covering, f"no PodDisruptionBudget covers {service} when it is off")


def check_ingress(r: Report, objects, values):
    ingresses = by_kind(objects, "Ingress")
    settings = values["ingress"]
    if not settings["enabled"]:
        r.check(not ingresses, "no Ingress when it is off")
        return
    gateway = [s for s in by_kind(objects, "Service") if component(s) == "gateway"][0]
    domain = values["platform"]["domain"]
    wanted = {domain} | ({f"*.{domain}"} if settings["wildcard"] else set()) | set(settings["customDomains"])
    hosts = set()
    for ingress in ingresses:
        spec = ingress["spec"]
        covered = {h for t in spec.get("tls", []) for h in t["hosts"]}
        for rule in spec["rules"]:
            hosts.add(rule["host"])
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                r.check(backend["name"] == name_of(gateway) and backend["port"]["number"] == values["gateway"]["port"],
                        f"{rule['host']} goes to the gateway")
            if settings["tls"]["enabled"]:
                r.check(rule["host"] in covered, f"{rule['host']} is served over TLS")
        if settings["tls"]["enabled"] and settings["certManager"]["enabled"]:
            annotations = ingress["metadata"].get("annotations") or {}
            r.check(any(k.startswith("cert-manager.io/") for k in annotations),
                    f"cert-manager issues the certificates of {name_of(ingress)}")
        if settings["className"]:
            r.check(spec.get("ingressClassName") == settings["className"], f"{name_of(ingress)} names its class")
    r.check(hosts == wanted, f"the Ingresses route exactly {sorted(wanted)} (route {sorted(hosts)})")


def check_secrets(r: Report, objects, values, notes, fullname):
    own = {name_of(s): s for s in by_kind(objects, "Secret") if not is_hook(s)}
    if values["existingSecret"]:
        r.check(not own, "no Secret of the chart's own next to existingSecret")
    for d in by_kind(objects, "Deployment"):
        for secret, key, optional in secret_refs(pod_spec(d)):
            if secret not in own or optional or key is None:
                continue
            present = key in (own[secret].get("data") or {})
            r.check(present or key in notes,
                    f"{component(d)}'s {key} is in the Secret {secret}, or NOTES.txt says it is missing")
    for secret in own.values():
        token = (secret.get("data") or {}).get("CONGXA_INTERNAL_TOKEN")
        r.check(token is not None, f"the Secret {name_of(secret)} carries the internal token")


def validate(r: Report, objects, versions):
    for o in objects:
        for version in versions:
            try:
                kubernetes_validate.validate(strip(o), version, strict=True)
                ok, why = True, ""
            except kubernetes_validate.ValidationError as error:
                ok, why = False, f"{'.'.join(str(p) for p in error.path)}: {error.message}"
            except Exception as error:  # an unknown kind or API version
                ok, why = False, getattr(error, "message", str(error))
            r.check(ok, f"{o['kind']} {name_of(o)} ({o['__template']}) is valid in Kubernetes {version}: {why}")


def check_values_documented(r: Report):
    lines = (CHART / "values.yaml").read_text().splitlines()
    parents: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        match = re.match(r"^(\s*)([A-Za-z0-9_.\-/]+):", line)
        if not match or line.lstrip().startswith("#"):
            continue
        indent, key = len(match.group(1)), match.group(2)
        while parents and parents[-1][0] >= indent:
            parents.pop()
        passed = any(p in PASSED_THROUGH for _, p in parents)
        parents.append((indent, key))
        if passed:
            continue
        before = lines[number - 2].strip() if number > 1 else ""
        r.check(before.startswith("#") or "#" in line.split(":", 1)[1],
                f"values.yaml:{number} `{key}` has a comment saying what it is")


def check_cloudnative_pg_example(r: Report):
    """The example's values name what the example's cluster makes."""
    values = yaml.safe_load((CHART / "examples" / "cloudnative-pg.yaml").read_text())
    documents = list(yaml.safe_load_all((CHART / "examples" / "cloudnative-pg-cluster.yaml").read_text()))
    cluster = next(d for d in documents if d["kind"] == "Cluster")
    name, spec, db = cluster["metadata"]["name"], cluster["spec"], values["database"]
    r.check(db["host"] == f"{name}-rw", f"the example connects to the cluster's primary ({db['host']})")
    r.check(db["name"] == spec["bootstrap"]["initdb"]["database"], "the example uses the cluster's database")
    r.check(db["admin"]["secret"] == f"{name}-app", "the example migrates as the cluster's database owner")
    owner = spec["bootstrap"]["initdb"]["owner"]
    r.check(any(re.fullmatch(rf"ALTER ROLE {owner} .*BYPASSRLS.*", q) for q in spec["bootstrap"]["initdb"].get("postInitApplicationSQL", [])),
            "the database owner gets BYPASSRLS (the migrations' functions work across communes)")
    r.check(db["caSecret"] == f"{name}-ca", "the example checks the cluster's CA")
    roles = {role["name"]: role for role in spec.get("managed", {}).get("roles", [])}
    app = roles.get("congxa_app", {})
    r.check(app.get("login") is True and app.get("bypassrls") is False and app.get("superuser") is False,
            "congxa_app is a managed login role without BYPASSRLS")
    r.check(app.get("passwordSecret", {}).get("name") == db["app"]["secret"],
            "the services use congxa_app's password Secret")


def main() -> int:
    started = time.monotonic()
    floor = kube_floor()
    versions = (floor, NEWEST_KUBERNETES)
    say(f"Helm SDK {helm.helm_sdk_version()} (helm-python-sdk), kubernetes-validate {kubernetes_validate.__version__}")
    report = Report()

    say("values.yaml documents every value")
    check_values_documented(report)
    say("the CloudNativePG example's values match its cluster")
    check_cloudnative_pg_example(report)

    with helm.Chart.load(CHART) as chart:
        for value_set in VALUE_SETS:
            given = load_values(value_set)
            source = value_set.file.relative_to(TOP) if value_set.file else "values.yaml alone"
            say(f"value set: {value_set.title} ({source}); release {value_set.release} in {value_set.namespace}")
            lint = helm.lint(CHART, given, strict=True, namespace=value_set.namespace, kube_version=f"v{floor}")
            problems = [m for m in lint["messages"] if m["severity"] >= 2] + [{"path": "", "error": e} for e in lint["errors"]]
            report.check(not problems, f"helm lint --strict: {problems}")
            print(f"  lint (strict, Kubernetes {floor}): {'ok' if not problems else 'FAILED'}")
            try:
                objects, notes = render(chart, given, value_set.release, value_set.namespace)
            except helm.HelmError as error:
                report.check(False, f"renders: {error}")
                continue
            values = chart.merge_values(given)
            fullname = expected_fullname(values, value_set.release)
            kinds = sorted({o["kind"] for o in objects})
            print(f"  rendered {len(objects)} objects: {', '.join(kinds)}")
            before = len(report.failures)
            validate(report, objects, versions)
            print(f"  schemas of Kubernetes {' and '.join(versions)}, strict: "
                  f"{'ok' if len(report.failures) == before else 'FAILED'}")
            for title, check in [
                ("a Deployment per service, running `serve <service>`, probes, least privilege",
                 lambda: check_deployments(report, objects, values, fullname)),
                ("non-root, read-only root file system, no capabilities, seccomp, resources",
                 lambda: check_hardening(report, objects)),
                ("Services and the addresses the services find each other at",
                 lambda: check_services(report, objects, values, fullname, value_set.namespace)),
                ("the migration Job: a pre-install,pre-upgrade hook using only what exists before it",
                 lambda: check_migration(report, objects, values)),
                ("NetworkPolicies: only the gateway admits traffic from outside",
                 lambda: check_network_policies(report, objects, values)),
                ("autoscalers and disruption budgets", lambda: check_scaling(report, objects, values)),
                ("Ingress hosts, TLS and cert-manager", lambda: check_ingress(report, objects, values)),
                ("secret settings present, or named as missing in NOTES.txt",
                 lambda: check_secrets(report, objects, values, notes, fullname)),
            ]:
                before = len(report.failures)
                check()
                print(f"  {title}: {'ok' if len(report.failures) == before else 'FAILED'}")
            report.check(bool(notes.strip()), "NOTES.txt renders")

        say("values the chart refuses")
        for title, given, word in REFUSED:
            try:
                chart.render(given, name="congxa", namespace="congxa", is_install=True)
                ok, why = False, "rendered anyway"
            except helm.HelmError as error:
                ok, why = word in str(error), str(error)
            report.check(ok, f"refuses {title}, naming {word!r} ({why})")
            print(f"  {title}: {'refused' if ok else 'FAILED'}")

    elapsed = time.monotonic() - started
    if report.failures:
        say(f"{len(report.failures)} of {report.checks} checks failed ({elapsed:.1f} s):")
        for failure in report.failures:
            print(f"  - {failure}")
        return 1
    say(f"all {report.checks} checks passed ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
