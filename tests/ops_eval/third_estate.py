"""A third estate, held out from the planner's tuning: Kubernetes clusters and a WAN of routers.

Its names, APIs and story are unlike the demo's and the second estate's: clusters ``k8s-prod-eu``, nodes
``node-a7``, pods ``billing-worker-5d9f`` (deployment name plus a hex suffix), routers ``rtr-ams-02`` with
interfaces ``xe-0/0/3``, tickets ``OPS-77``, change requests ``CR-2024-118``, knowledge-base articles
``KB-204``; node condition is ``Ready | NotReady | SchedulingDisabled``; parameters are named ``node``,
``namespace``, ``deployment``, ``router``, ``interface``, ``key``, ``team``, ``phrase``, ``system``,
``since`` (RFC 3339) and ``window_minutes``.

The story (times relative to when the estate is built, minute-aligned):

- T-190m ``CR-2024-109``: the optic of rtr-ams-02 ``xe-0/0/3`` is replaced (by tunde);
- T-180m the onset on the WAN: CRC errors on rtr-ams-02 ``xe-0/0/3`` go from 0-2 to 40-70 per 5 minutes;
- T-130m ``CR-2024-117``: ingress-gw's configmap gets a new TLS cipher list (unrelated);
- T-70m ``CR-2024-118``: billing-worker is rolled out to ``v3.12.0`` ("batch invoices in chunks of 500"),
  revision 14 (by ci-deployer);
- T-60m the onset in billing: billing-worker's pods restart (0 per 5 minutes before, 3-6 after, OOMKilled)
  and node-a7, where they run, goes from 52-64% memory to 91-98%;
- T-45m ``OPS-77`` "billing-worker pods crashlooping" (P2, open) is opened;
- T-15m ``CR-2024-119``: BGP MED change on rtr-fra-01 (after the onset, not a cause).

No API reports disk, latency, certificates, error budgets or costs.

:func:`build` writes the SQLite file; :func:`register` creates the data source and its APIs through
api_manager's gRPC API, as a tenant's admin would.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, noise, obj, register_sql_estate

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["APIS", "DATA_SOURCE", "NODES", "build", "register"]

DATA_SOURCE = "clusterops"

NODES = [
    # node, cluster, pool, condition, kubelet
    ("node-a7", "k8s-prod-eu", "general", "Ready", "v1.28.9"),
    ("node-a8", "k8s-prod-eu", "general", "NotReady", "v1.28.9"),
    ("node-a9", "k8s-prod-eu", "edge", "SchedulingDisabled", "v1.28.9"),
    ("node-b3", "k8s-prod-us", "general", "Ready", "v1.28.7"),
    ("node-b4", "k8s-prod-us", "general", "Ready", "v1.28.7"),
    ("node-c1", "k8s-stage-eu", "general", "Ready", "v1.29.2"),
]
DEPLOYMENTS = [
    # deployment, namespace, cluster, replicas, ready, image
    ("billing-worker", "billing", "k8s-prod-eu", 2, 1, "registry.internal/billing-worker:v3.12.0"),
    ("billing-api", "billing", "k8s-prod-eu", 1, 1, "registry.internal/billing-api:v5.4.1"),
    ("ledger-sync", "billing", "k8s-prod-eu", 1, 0, "registry.internal/ledger-sync:v0.9.3"),
    ("ingress-gw", "ingress", "k8s-prod-eu", 1, 1, "registry.internal/ingress-gw:v2.2.0"),
    ("search-indexer", "search", "k8s-prod-us", 2, 2, "registry.internal/search-indexer:v7.0.1"),
    ("metrics-agent", "monitoring", "k8s-stage-eu", 1, 1, "registry.internal/metrics-agent:v1.1.0"),
]
PODS = [
    # pod, deployment, namespace, node, phase
    ("billing-worker-5d9f", "billing-worker", "billing", "node-a7", "CrashLoopBackOff"),
    ("billing-worker-7c2e", "billing-worker", "billing", "node-a7", "Running"),
    ("billing-api-66b1", "billing-api", "billing", "node-a7", "Running"),
    ("ledger-sync-1c4d", "ledger-sync", "billing", "node-a8", "Unknown"),
    ("ingress-gw-9k2m", "ingress-gw", "ingress", "node-a9", "Running"),
    ("search-indexer-3f0a", "search-indexer", "search", "node-b3", "Running"),
    ("search-indexer-8b11", "search-indexer", "search", "node-b4", "Running"),
    ("metrics-agent-x2lp", "metrics-agent", "monitoring", "node-c1", "Running"),
]
ROUTERS = [
    # router, site, model, os_version, interfaces
    ("rtr-ams-02", "ams", "MX204", "21.4R3", ("xe-0/0/3", "xe-0/0/4")),
    ("rtr-ams-03", "ams", "MX204", "21.4R3", ("xe-0/0/1",)),
    ("rtr-fra-01", "fra", "MX480", "22.2R1", ("et-1/0/0", "xe-2/0/7")),
]
ROTA = [
    # team, primary, secondary, until (hours from now)
    ("billing-sre", "marta", "oskar", 20),
    ("network", "tunde", "ayla", 44),
    ("platform", "reza", "lin", 8),
]
KB = [
    ("KB-204", "Pod in CrashLoopBackOff after a rollout",
     "Check the last rollout with the rollout history, look for OOMKilled in the pod's last state, roll back "
     "with kubectl rollout undo deployment/<name> if the new revision is to blame."),
    ("KB-118", "Draining a Kubernetes node",
     "kubectl cordon the node, then kubectl drain --ignore-daemonsets --delete-emptydir-data; uncordon after."),
    ("KB-310", "CRC errors on a WAN interface",
     "Usually a dirty or failing optic: check light levels, clean or reseat the optic, open a carrier ticket."),
]  # fmt: skip

ROLLOUT_AT = timedelta(minutes=70)
ONSET = timedelta(minutes=60)
OPTIC_AT = timedelta(minutes=190)
CRC_ONSET = timedelta(minutes=180)


def _series(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Pod restarts, node pressure and link errors: one row per 5 minutes for 24 hours."""
    restarts: list[tuple[Any, ...]] = []
    pressure: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    for step in range(24 * 12):
        t = now - timedelta(minutes=5 * step)
        at = (iso(t), int(t.timestamp()))
        hot = t >= now - ONSET
        for pod, deployment, namespace, node, _ in PODS:
            n = 0
            if deployment == "billing-worker" and hot:
                n = 3 + int(4 * noise("rs" + pod, step))
            restarts.append((pod, namespace, *at, n))
        for node, *_ in NODES:
            if node == "node-a8" and step < 36:  # NotReady for the last 3 hours: no samples
                continue
            mem = 52 + 12 * noise("mem" + node, step)
            cpu = 20 + 25 * noise("cpu" + node, step)
            if node == "node-a7" and hot:
                mem = 91 + 7 * noise("memhot", step)
            pressure.append((node, *at, round(mem, 1), round(cpu, 1)))
        for router, _, _, _, ifaces in ROUTERS:
            for iface in ifaces:
                crc = int(3 * noise("crc" + router + iface, step))
                if router == "rtr-ams-02" and iface == "xe-0/0/3" and t >= now - CRC_ONSET:
                    crc = 40 + int(31 * noise("crchot", step))
                drops = int(5 * noise("drop" + router + iface, step))
                links.append((router, iface, *at, crc, drops))
    return restarts, pressure, links


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE nodes (node TEXT PRIMARY KEY, cluster TEXT, pool TEXT, condition TEXT, kubelet TEXT);
        CREATE TABLE deployments (deployment TEXT PRIMARY KEY, namespace TEXT, cluster TEXT, replicas INTEGER,
                                  ready INTEGER, image TEXT);
        CREATE TABLE pods (pod TEXT PRIMARY KEY, deployment TEXT, namespace TEXT, node TEXT, phase TEXT);
        CREATE TABLE restarts (pod TEXT, namespace TEXT, bucket TEXT, bucket_epoch INTEGER, restarts INTEGER);
        CREATE TABLE pressure (node TEXT, ts TEXT, ts_epoch INTEGER, memory_pct REAL, cpu_pct REAL);
        CREATE TABLE link_counters (router TEXT, interface TEXT, sampled_at TEXT, sampled_epoch INTEGER,
                                    crc_errors INTEGER, drops INTEGER);
        CREATE TABLE routers (router TEXT PRIMARY KEY, site TEXT, model TEXT, os_version TEXT);
        CREATE TABLE rollouts (deployment TEXT, revision INTEGER, image TEXT, started_at TEXT, change_ref TEXT,
                               rolled_out_by TEXT);
        CREATE TABLE change_requests (cr TEXT PRIMARY KEY, system TEXT, summary TEXT, implementer TEXT,
                                      implemented_at TEXT);
        CREATE TABLE tickets (key TEXT PRIMARY KEY, priority TEXT, status TEXT, summary TEXT, reporter TEXT,
                              created TEXT);
        CREATE TABLE rota (team TEXT PRIMARY KEY, primary_engineer TEXT, secondary_engineer TEXT,
                           shift_ends TEXT);
        CREATE TABLE kb (article TEXT PRIMARY KEY, title TEXT, body TEXT);
        """
    )
    restarts, pressure, links = _series(now)
    db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?)", NODES)
    db.executemany("INSERT INTO deployments VALUES (?,?,?,?,?,?)", DEPLOYMENTS)
    db.executemany("INSERT INTO pods VALUES (?,?,?,?,?)", PODS)
    db.executemany("INSERT INTO restarts VALUES (?,?,?,?,?)", restarts)
    db.executemany("INSERT INTO pressure VALUES (?,?,?,?,?)", pressure)
    db.executemany("INSERT INTO link_counters VALUES (?,?,?,?,?,?)", links)
    db.executemany("INSERT INTO routers VALUES (?,?,?,?)", [r[:4] for r in ROUTERS])
    db.executemany("INSERT INTO kb VALUES (?,?,?)", KB)

    def ago(**kw: float) -> str:
        return iso(now - timedelta(**kw))

    db.executemany(
        "INSERT INTO rota VALUES (?,?,?,?)", [(t, p, s, iso(now + timedelta(hours=h))) for t, p, s, h in ROTA]
    )
    db.executemany(
        "INSERT INTO rollouts VALUES (?,?,?,?,?,?)",
        [
            ("billing-worker", 14, "v3.12.0", ago(minutes=70), "CR-2024-118", "ci-deployer"),
            ("billing-worker", 13, "v3.11.4", ago(days=2), "CR-2024-101", "ci-deployer"),
            ("billing-worker", 12, "v3.11.2", ago(days=9), "CR-2024-090", "priya"),
            ("billing-api", 31, "v5.4.1", ago(hours=26), "CR-2024-112", "ci-deployer"),
            ("ingress-gw", 8, "v2.2.0", ago(days=5), "CR-2024-097", "reza"),
        ],
    )
    db.executemany(
        "INSERT INTO change_requests VALUES (?,?,?,?,?)",
        [
            ("CR-2024-109", "rtr-ams-02", "replace optic on xe-0/0/3", "tunde", ago(minutes=190)),
            ("CR-2024-117", "ingress-gw", "configmap: new TLS cipher list", "reza", ago(minutes=130)),
            ("CR-2024-118", "billing-worker", "rollout v3.12.0: batch invoices in chunks of 500", "ci-deployer",
             ago(minutes=70)),
            ("CR-2024-119", "rtr-fra-01", "BGP MED 100 -> 50 towards transit", "ayla", ago(minutes=15)),
            ("CR-2024-112", "billing-api", "rollout v5.4.1", "ci-deployer", ago(hours=26)),
        ],
    )  # fmt: skip
    db.executemany(
        "INSERT INTO tickets VALUES (?,?,?,?,?,?)",
        [
            ("OPS-77", "P2", "open", "billing-worker pods crashlooping", "marta", ago(minutes=45)),
            ("OPS-74", "P3", "open", "node-a8 NotReady: kubelet stopped posting status", "reza", ago(hours=3)),
            ("OPS-64", "P4", "closed", "rtr-ams-03 fan tray warning", "ayla", ago(days=6)),
        ],
    )
    db.commit()
    db.close()
    return now


_NODE = {"type": "string", "description": "Kubernetes node name, e.g. node-a1"}
_SINCE = {"type": "string", "format": "date-time", "description": "start of the period (UTC, RFC 3339)"}

#: name -> (description, tags, statement, param schema)
APIS: dict[str, tuple[str, list[str], str, dict[str, Any]]] = {
    "cluster_nodes": (
        "Kubernetes nodes of every cluster with their node pool, condition and kubelet version",
        ["config", "inventory", "kubernetes"],
        "SELECT node, cluster, pool, condition, kubelet FROM nodes "
        "WHERE (:cluster = '' OR cluster = :cluster) AND (:condition = '' OR condition = :condition) ORDER BY node",
        obj(
            {
                "cluster": {"type": "string", "default": "", "description": "cluster name, empty for all"},
                "condition": {"type": "string", "enum": ["", "Ready", "NotReady", "SchedulingDisabled"], "default": ""},
            }
        ),
    ),
    "workloads": (
        "Deployments per namespace: desired and ready replicas and the container image they run",
        ["config", "kubernetes"],
        "SELECT deployment, namespace, cluster, replicas, ready, image FROM deployments "
        "WHERE (:namespace = '' OR namespace = :namespace) ORDER BY namespace, deployment",
        obj({"namespace": {"type": "string", "default": "", "description": "namespace, empty for all"}}),
    ),
    "pods_on_node": (
        "Pods scheduled on a node, with their namespace and phase",
        ["config", "kubernetes"],
        "SELECT pod, namespace, deployment, phase FROM pods WHERE node = :node ORDER BY pod",
        obj({"node": _NODE}, ["node"]),
    ),
    "pod_restarts": (
        "Container restarts per pod in a namespace, counted per 5-minute bucket",
        ["metric", "kubernetes"],
        "SELECT bucket, pod, restarts FROM restarts WHERE namespace = :namespace "
        "AND julianday(bucket) >= julianday(:since) ORDER BY bucket_epoch, pod",
        obj(
            {"namespace": {"type": "string", "description": "Kubernetes namespace"}, "since": _SINCE},
            ["namespace", "since"],
        ),
    ),
    "node_pressure": (
        "Memory and CPU utilisation (percent) of a node over the last N minutes, 5-minute samples",
        ["metric", "kubernetes"],
        "SELECT ts, memory_pct, cpu_pct FROM pressure WHERE node = :node "
        "AND ts_epoch >= CAST(strftime('%s', 'now') AS INTEGER) - :window_minutes * 60 ORDER BY ts_epoch",
        obj({"node": _NODE, "window_minutes": {"type": "integer", "minimum": 5, "default": 120}}, ["node"]),
    ),
    "rollout_history": (
        "Rollout revisions of a deployment: image, when it started, the change request and who rolled it out",
        ["history", "kubernetes"],
        "SELECT revision, deployment, image, started_at, change_ref, rolled_out_by FROM rollouts "
        "WHERE deployment = :deployment ORDER BY revision DESC",
        obj({"deployment": {"type": "string", "description": "deployment name, e.g. web-frontend"}}, ["deployment"]),
    ),
    "change_calendar": (
        "Implemented change requests (CR-yyyy-nnn) for clusters, workloads and network gear",
        ["history", "config"],
        "SELECT cr, system, summary, implementer, implemented_at FROM change_requests "
        "WHERE julianday(implemented_at) >= julianday(:since) AND (:system = '' OR system = :system) "
        "ORDER BY implemented_at DESC",
        obj(
            {
                "since": _SINCE,
                "system": {"type": "string", "default": "", "description": "router, deployment or cluster"},
            },
            ["since"],
        ),
    ),
    "link_errors": (
        "CRC errors and drops on a router's interfaces, per 5 minutes over the last 24 hours",
        ["metric", "network"],
        "SELECT sampled_at, interface, crc_errors, drops FROM link_counters WHERE router = :router "
        "AND (:interface = '' OR interface = :interface) ORDER BY sampled_epoch, interface",
        obj(
            {
                "router": {"type": "string", "description": "router hostname, e.g. rtr-lon-01"},
                "interface": {
                    "type": "string",
                    "default": "",
                    "description": "interface, e.g. xe-0/0/0; empty for all",
                },
            },
            ["router"],
        ),
    ),
    "routers": (
        "WAN routers by site with model and OS version",
        ["config", "inventory", "network"],
        "SELECT router, site, model, os_version FROM routers WHERE (:site = '' OR site = :site) ORDER BY router",
        obj({"site": {"type": "string", "default": "", "description": "site code, e.g. lon"}}),
    ),
    "ticket_lookup": (
        "One operations ticket (OPS-nn): priority, status, summary, reporter and creation time",
        ["history", "incident"],
        "SELECT key, priority, status, summary, reporter, created FROM tickets WHERE key = :key",
        obj({"key": {"type": "string", "description": "ticket key, e.g. OPS-1"}}, ["key"]),
    ),
    "oncall_rota": (
        "On-call rota: primary and secondary engineer of a team and when the shift ends",
        ["config"],
        "SELECT team, primary_engineer, secondary_engineer, shift_ends FROM rota WHERE team = :team",
        obj({"team": {"type": "string", "description": "team name, e.g. platform"}}, ["team"]),
    ),
    "kb_search": (
        "Search the operations knowledge base (how-to and troubleshooting articles)",
        ["document"],
        "SELECT article, title, body FROM kb WHERE instr(lower(title || ' ' || body), lower(:phrase)) > 0",
        obj({"phrase": {"type": "string", "description": "text to look for"}}, ["phrase"]),
    ),
}


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the estate's data source and APIs (exposed as tools) through api_manager's gRPC API."""
    await register_sql_estate(
        stub, admin, db_path, data_source=DATA_SOURCE, description="cluster and network operations store", apis=APIS
    )
