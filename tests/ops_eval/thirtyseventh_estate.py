"""A thirty-seventh estate, held out from the planner's tuning and written blind: the clinical IT and medical devices
of the Harrowden Health Group (Harrowden General ``HGH`` with the data centre, Kellsmoor Community ``KCH``, Tressell
Park ``TPH``): Medora EHR app servers ``medapp01`` .. ``06``, the Corvex interface engine's channels (``CH-0011``
``ORM_O01_OUT_RIS``, ``fhir.Observation.IN_icu``, ...), Radiant RIS, Lumenvue PACS with modalities ``HGH_CT01`` ..
``TPH_MG01`` and site gateways, 53 Halcyon pumps ``IP-00201`` .. ``IP-00253`` (drug library ``DL42`` current), wards
``HGH-Wd7B``, ``KCH-Aster``, ``TPH-Linden``, ... with Bedflow beds and Callwell nurse call, WAN links ``kch-wan-a`` /
``-b``; changes ``CHG/2026/0211``, tickets ``INC-0048790``, vendor cases ``CVX-00318822``, ``NLT/FLT/77410``, work
orders ``WO-004512``, the command centre log, ``DTP-RAD-02``. :mod:`tests.ops_eval.thirtyseventh_apis` has the APIs.

The story (minutes before the build; 24 hours of channel stats every 5 minutes ending T-2m, EHR response times every
10 ending T-6m, link stats every 10 ending T-4m, PACS backlog every 15 ending T-9m; on-call weeks from Monday 09:00
UTC, 12-hour command centre shifts from 07:00 / 19:00 UTC, the story's people on the ones running now):

- T-330m roadworks at Kellsmoor Bridge crush ``kch-wan-a``'s fibre: it stays up (no failover to ``kch-wan-b``) but
  loses 3.5-7.9% of packets (was 0.0-0.1), latency 4-7 -> 38-65 ms; KCH's EHR chart-open p95 goes from 850-1100 ms to
  3100-4200 and its PACS backlog from 0-2 studies to 63. INC-0048786 / -88; NLT/FLT/77410 (restoration T+150m);
  LMV-CS-2291: PACS fine. Red herring: CHG/2026/0209 (kch-fw-01 rule, T-420m).
- T-185m CHG/2026/0211 (Owen Kettering) puts mapping v3.8 on ORM_O01_OUT_RIS: OBR-16 carries GMC/NMC numbers, Radiant
  RIS rejects them (AR, RIS-ERR 4012) from T-183m, the ordered queue blocks (a NACK a minute, nothing sent) and
  reaches 461 orders; P1 INC-0048790 (T-168m); integration on call Farah Quennell (T-158m); DTP-RAD-02 invoked by
  IT duty manager Colm Ashdown (T-141m); the TLS renewal CHG/2026/0213 (T-240m) ruled out; CVX-00318822 (T-121m):
  revert to v3.7 (T-86m); emergency CHG/2026/0216 approved for T+20m.
- Also: medapp05 DRAINED since T-600m (CHG/2026/0205); fhir.Patient.OUT_portal STOPPED; TPH_MG01 in SERVICE;
  IP-00233 (HGH-Wd7B) 23 air-in-line alarms in 3 days, withdrawn (WO-004512); 7 pumps on DL41 (TPH-Linden's docking
  station); TPH-Linden nurse call DEGRADED.

No API reports CPU or memory, costs, patients, ED waits, ventilators, MRI helium, gases, fridges or forecasts; there
is no kch-wan-c, ORM_O01_OUT_LIMS or IP-00923; series are kept 24 hours.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.ops_eval.estates import iso, new_estate_db, noise, register_sql_estate, weekly_rota
from tests.ops_eval.thirtyseventh_apis import APIS

if TYPE_CHECKING:  # the async stubs exist only in the .pyi files
    from opsuite.apimanager.v1.api_manager_pb2_grpc import ApiManagerServiceAsyncStub

__all__ = ["DATA_SOURCE", "build", "register"]

DATA_SOURCE = "harrowden_clinical_it"
DAY = 1440
#: CHG/2026/0211 live; first NACK; head message moved to the error store; kch-wan-a fault
ORM_CHANGE, ORM_ONSET, ORM_SKIP, WAN_ONSET = 185, 183, 150, 330
ORM = "ORM_O01_OUT_RIS"

#: host, pool, role, state, since (minutes ago), sessions, note
APP_SERVERS = [
    ("medapp01", "PRD-A", "app", "IN_POOL", 3 * DAY, 412, ""),
    ("medapp02", "PRD-A", "app", "IN_POOL", 3 * DAY, 398, ""),
    ("medapp03", "PRD-A", "app", "IN_POOL", 3 * DAY, 431, ""),
    ("medapp04", "PRD-B", "app", "IN_POOL", 3 * DAY, 455, ""),
    ("medapp05", "PRD-B", "app", "DRAINED", 600, 0,
     "OS patching done (CHG/2026/0205); held out of the pool pending Medora sign-off (MED-CS-88120)"),
    ("medapp06", "PRD-B", "app and print", "IN_POOL", 3 * DAY, 440, ""),
]  # fmt: skip
EHR_P95 = {"HGH": (700, 950), "KCH": (850, 1100), "TPH": (800, 1050)}  # site -> chart-open p95 (lo, hi) ms
#: id, name, standard, direction, source, destination, node, mapping, state, since (minutes ago), note, 5-min rate
CHANNELS = [
    ("CH-0003", "ADT_A01_OUT_PACS", "HL7 v2.4", "outbound", "Medora EHR", "Lumenvue PACS", "cvx-prd-01", "v2.9",
     "STARTED", 3 * DAY, "", (20, 45)),
    ("CH-0004", "ADT_A08_OUT_LIMS", "HL7 v2.4", "outbound", "Medora EHR", "Pathway LIMS", "cvx-prd-01", "v4.1",
     "STARTED", 3 * DAY, "", (30, 60)),
    ("CH-0011", ORM, "HL7 v2.3", "outbound", "Medora EHR", "Radiant RIS", "cvx-prd-01", "v3.8", "ERROR", ORM_ONSET,
     "blocked: Radiant RIS returns AR for the message at the head of the ordered queue; retrying every 60 s",
     (8, 16)),
    ("CH-0012", "ORU_R01_IN_RIS", "HL7 v2.3", "inbound", "Radiant RIS", "Medora EHR", "cvx-prd-01", "v2.2",
     "STARTED", 3 * DAY, "", (6, 14)),
    ("CH-0015", "ORU_R01_IN_LIMS", "HL7 v2.4", "inbound", "Pathway LIMS", "Medora EHR", "cvx-prd-02", "v5.0",
     "STARTED", 3 * DAY, "", (90, 160)),
    ("CH-0021", "RDE_O11_OUT_PHARM", "HL7 v2.5", "outbound", "Medora EHR", "Dispensa pharmacy", "cvx-prd-02",
     "v1.7", "STARTED", 3 * DAY, "", (15, 35)),
    ("CH-0024", "SIU_S12_IN_OPD", "HL7 v2.3", "inbound", "Clinicbook scheduling", "Medora EHR", "cvx-prd-02",
     "v1.3", "STARTED", 3 * DAY, "", (10, 25)),
    ("CH-0030", "MDM_T02_OUT_DocStore", "HL7 v2.6", "outbound", "Medora EHR", "Archivo document store",
     "cvx-prd-02", "v1.1", "STARTED", 3 * DAY, "", (12, 30)),
    ("CH-0033", "fhir.Observation.IN_icu", "FHIR R4", "inbound", "Vitalink ICU gateway", "Medora EHR",
     "cvx-prd-01", "v2.0", "STARTED", 238, "listener TLS certificate renewed (CHG/2026/0213)", (400, 520)),
    ("CH-0036", "fhir.Patient.OUT_portal", "FHIR R4", "outbound", "Medora EHR", "MyHarrowden patient portal",
     "cvx-prd-02", "v1.4", "STOPPED", 2 * DAY + 300, "stopped for the patient portal upgrade; restart after it",
     (0, 0)),
    ("CH-0040", "ADT_A03_OUT_BEDS", "HL7 v2.4", "outbound", "Medora EHR", "Bedflow bed management", "cvx-prd-01",
     "v1.9", "STARTED", 3 * DAY, "", (3, 9)),
]  # fmt: skip
#: head of the blocked queue: control id, ordering clinician
ORM_HEADS = {"ORM000771203": "GMC 7012345", "ORM000771204": "NMC 19C0417E"}
#: AE title, site, modality, model, room, state, since (minutes ago), note
MODALITIES = [
    ("HGH_CT01", "HGH", "CT", "Veyra Scan 128", "ED CT room 1", "ONLINE", 3 * DAY,
     "worklist: no new EHR orders since the ORM channel blocked; patients added by hand (DTP-RAD-02)"),
    ("HGH_CT02", "HGH", "CT", "Veyra Scan 64", "main imaging CT 2", "ONLINE", 3 * DAY, ""),
    ("HGH_MR01", "HGH", "MR", "Veyra Magna 1.5T", "MRI suite", "ONLINE", 3 * DAY, ""),
    ("HGH_CR03", "HGH", "CR", "Lumenvue DR-5", "X-ray room 3", "ONLINE", 3 * DAY, ""),
    ("HGH_US04", "HGH", "US", "Sonara P9", "ultrasound 4", "ONLINE", 3 * DAY, ""),
    ("KCH_CT01", "KCH", "CT", "Veyra Scan 64", "KCH CT", "ONLINE", 3 * DAY, ""),
    ("KCH_CR01", "KCH", "CR", "Lumenvue DR-5", "KCH X-ray 1", "ONLINE", 3 * DAY, ""),
    ("KCH_US02", "KCH", "US", "Sonara P9", "KCH ultrasound 2", "ONLINE", 420, "new DICOM port opened (CHG/2026/0209)"),
    ("TPH_CR01", "TPH", "CR", "Lumenvue DR-5", "TPH X-ray", "ONLINE", 3 * DAY, ""),
    ("TPH_MG01", "TPH", "MG", "Veyra Mammo 3D", "breast unit", "SERVICE", 400,
     "detector calibration by Veyra field service (WO-004515); lists moved to later in the day"),
]  # fmt: skip
#: ward, site, specialty, beds, occupied, blocked, expected discharges, nurse call, note, pumps
WARDS = [
    ("HGH-AMU", "HGH", "acute medical unit", 30, 29, 0, 6, "ONLINE", "", 6),
    ("HGH-ICU", "HGH", "intensive care", 16, 14, 1, 1, "ONLINE", "", 12),
    ("HGH-Wd4A", "HGH", "acute medicine", 28, 28, 0, 4, "ONLINE", "", 8),
    ("HGH-Wd7B", "HGH", "general surgery", 24, 21, 2, 3, "ONLINE", "", 8),
    ("KCH-Aster", "KCH", "rehabilitation", 20, 17, 0, 2, "ONLINE", "", 4),
    ("KCH-Birch", "KCH", "older people's care", 18, 18, 0, 1, "ONLINE", "", 4),
    ("TPH-Linden", "TPH", "orthopaedics", 22, 19, 1, 3, "DEGRADED",
     "bay 3 call points not reporting to the Callwell panel; hourly safety checks and hand bells (DTP-NC-01), "
     "WO-004519", 6),
    ("TPH-Rowan", "TPH", "maternity", 20, 15, 0, 2, "ONLINE", "", 5),
]  # fmt: skip
OLD_LIBRARY = {"IP-00243", "IP-00244", "IP-00245", "IP-00246", "IP-00247", "IP-00248", "IP-00251"}
BAD_PUMP = "IP-00233"
ALARMS = ["occlusion_downstream", "occlusion_upstream", "air_in_line", "door_open", "low_battery"]
#: segment, site, kind, carrier, circuit, capacity, state, note, util (lo, hi), latency (lo, hi)
SEGMENTS = [
    ("hgh-core-01", "HGH", "core switch stack", "", "", 40000, "UP", "", (18, 34), (0.3, 0.8)),
    ("hgh-inet-01", "HGH", "internet breakout", "Northline Telecom", "NLT-IP-30117", 2000, "UP", "", (25, 48),
     (2, 4)),
    ("hgh-meddev-vlan310", "HGH", "medical device VLAN (pumps, monitors)", "", "", 1000, "UP", "", (3, 9),
     (0.4, 1.0)),
    ("kch-wan-a", "KCH", "WAN primary (fibre)", "Northline Telecom", "NLT-EPL-40822", 1000, "DEGRADED",
     "packet loss on the carrier side (NLT/FLT/77410); link up, so no automatic failover", (35, 55), (4, 7)),
    ("kch-wan-b", "KCH", "WAN backup (bonded 4G)", "Skyreach Mobile", "SKR-4G-1193", 100, "UP",
     "standby: carries traffic only if kch-wan-a goes down (KB-NET-022)", (0, 2), (28, 40)),
    ("tph-wan-a", "TPH", "WAN primary (fibre)", "Northline Telecom", "NLT-EPL-40823", 1000, "UP", "", (30, 52),
     (5, 8)),
    ("tph-wan-b", "TPH", "WAN backup (bonded 4G)", "Skyreach Mobile", "SKR-4G-1194", 100, "UP", "standby", (0, 2),
     (29, 41)),
]  # fmt: skip
#: ref, title, ci, category, risk, state, requested by, implementer, approver, raised, planned, implemented,
#: updated (minutes ago; negative: ahead; None: not yet), notes
CHANGES = [
    ("CHG/2026/0196", "Halcyon drug library DL42 to all infusion pumps", "infusion pumps", "medical_device", "medium",
     "implemented", "Bethan Pryce", "Clinical engineering", "CAB", 9 * DAY, 3 * DAY + 200, 3 * DAY + 200,
     3 * DAY + 200, "pumps pick DL42 up when docked; TPH-Linden's docking station fails (HMS-CS-04412)"),
    ("CHG/2026/0201", "Lumenvue PACS archive 8.2 upgrade", "Lumenvue PACS", "pacs", "medium", "implemented",
     "Ngozi Adeyemi", "Lumenvue", "CAB", 14 * DAY, 8 * DAY, 8 * DAY, 8 * DAY, "no issues"),
    ("CHG/2026/0205", "medapp05 OS security patches (rolling, one server at a time)", "medapp05", "ehr", "low",
     "implemented", "Declan Morrow", "Declan Morrow", "CAB", 4 * DAY, 600, 600, 600,
     "drained first; back in the pool after Medora's sign-off (MED-CS-88120)"),
    ("CHG/2026/0209", "kch-fw-01: allow DICOM 11112 from KCH_US02 to the KCH gateway", "kch-fw-01", "network", "low",
     "implemented", "Ngozi Adeyemi", "Tomasz Wierzba", "CAB", 3 * DAY, 420, 420, 420, "one rule; no routing change"),
    ("CHG/2026/0213", "Renew the TLS certificate of the Corvex FHIR listener (fhir.Observation.IN_icu)",
     "cvx-prd-01", "integration", "low", "implemented", "Farah Quennell", "Owen Kettering", "CAB", 2 * DAY, 240, 240,
     240, "FHIR listener only; ICU observations flowing after it"),
    ("CHG/2026/0211", "ORM_O01_OUT_RIS mapping v3.7 -> v3.8: ordering clinician in OBR-16 from the new staff "
     "directory", "CH-0011 ORM_O01_OUT_RIS", "integration", "medium", "implemented", "Owen Kettering",
     "Owen Kettering", "CAB", 5 * DAY, ORM_CHANGE, ORM_CHANGE, ORM_CHANGE,
     "tested against the RIS test system with locally coded clinicians only; backout: mapping v3.7"),
    ("CHG/2026/0214", "Callwell nurse call panel firmware 6.4 at KCH", "KCH nurse call", "nurse_call", "low",
     "scheduled", "Bethan Pryce", "Callwell", "CAB", 2 * DAY + 100, -2 * DAY - 300, None, 2 * DAY + 100, ""),
    ("CHG/2026/0216", "Emergency: ORM_O01_OUT_RIS back to mapping v3.7", "CH-0011 ORM_O01_OUT_RIS", "integration",
     "medium", "approved", "Farah Quennell", None, "Colm Ashdown (IT duty manager)", 64, -20, None, 62,
     "CVX-00318822; then resume the channel so the queued orders go in order (KB-IE-014) and cancel the duplicates "
     "of paper requests"),
]  # fmt: skip
#: ticket, minutes ago, site, service, priority, status, summary, resolver group, linked, latest
TICKETS = [
    ("INC-0048761", 1900, "TPH", "printing", "P3", "resolved", "TPH-Rowan label printer offline", "Desktop", "",
     "driver reinstalled"),
    ("INC-0048770", 1500, "HGH", "accounts", "P4", "closed", "locum password reset", "Service desk", "", "done"),
    ("INC-0048779", 900, "HGH", "devices", "P3", "resolved", "HGH-AMU workstation on wheels battery not charging",
     "Desktop", "", "battery swapped"),
    ("INC-0048786", 310, "KCH", "EHR", "P2", "in_progress", "Kellsmoor: EHR very slow, charts take 4-5 seconds",
     "Network", "NLT/FLT/77410", "kch-wan-a packet loss (carrier fault); Northline on site"),
    ("INC-0048788", 262, "KCH", "PACS", "P2", "in_progress", "KCH CT and X-ray images not showing at HGH",
     "PACS", "LMV-CS-2291, NLT/FLT/77410", "studies queued at the KCH gateway; will flush when the link is fixed"),
    ("INC-0048790", 168, "HGH", "radiology orders", "P1", "in_progress",
     "ED: CT and X-ray requests from the EHR not on the RIS worklist", "Integration", "CVX-00318822, CHG/2026/0216",
     "ORM channel blocked by RIS rejects since mapping v3.8; DTP-RAD-02 in use; revert approved"),
    ("INC-0048791", 161, "HGH", "radiology orders", "P2", "open", "HGH-Wd4A: ultrasound requests missing in RIS",
     "Integration", "INC-0048790", "same cause as INC-0048790"),
    ("INC-0048795", 97, "HGH", "medical devices", "P3", "in_progress",
     "HGH-Wd7B: pump IP-00233 keeps alarming air-in-line", "Clinical engineering", "WO-004512", "pump withdrawn"),
    ("INC-0048797", 52, "TPH", "nurse call", "P3", "open", "TPH-Linden bay 3 call bells not showing on the panel",
     "Estates", "WO-004519", "hourly checks in place"),
    ("INC-0048799", 20, "KCH", "printing", "P4", "open", "KCH-Birch wristband printer jammed", "Desktop", "", ""),
]  # fmt: skip
#: ref, vendor, item, subject, status, priority, engineer, raised by, opened, updated (minutes ago), etr, latest
CASES = [
    ("CVX-00318822", "Corvex Integration", "CH-0011 ORM_O01_OUT_RIS", "RIS rejects every order since mapping v3.8",
     "in_progress", "P1", "Sanne Vermeulen (support engineer)", "Farah Quennell", 121, 86, None,
     "v3.8 fills OBR-16 with the clinician's GMC/NMC number from the new staff directory; Radiant RIS only accepts "
     "its local staff code, so it returns AR (RIS-ERR 4012) and the ordered queue blocks. Revert to v3.7 (or add a "
     "GMC-to-local-code lookup table), then resume the channel: the queued orders go in order (KB-IE-014)."),
    ("NLT/FLT/77410", "Northline Telecom", "kch-wan-a (NLT-EPL-40822)", "Packet loss on the Kellsmoor fibre",
     "in_progress", "P1 (carrier)", "Northline fault desk", "Tomasz Wierzba", 305, 40, -150,
     "fibre crushed (not cut) by a contractor's roadworks at Kellsmoor Bridge: errors on the line; splicing team on "
     "site; estimated restoration in the etr column; the link stays up meanwhile"),
    ("LMV-CS-2291", "Lumenvue Imaging", "KCH store-and-forward gateway", "KCH studies queuing for the archive",
     "pending_customer", "P3", "Lumenvue remote support", "Ngozi Adeyemi", 270, 250, None,
     "gateway healthy; DICOM associations time out on the lossy WAN and retry; nothing to change on PACS; the queue "
     "flushes oldest first once the link is fixed"),
    ("HMS-CS-04412", "Halcyon Medical", "TPH-Linden docking station DS-L1", "DL42 not loading on docked pumps",
     "open", "P3", "Kit Brennan (field engineer)", "Bethan Pryce", 2 * DAY + 100, DAY + 200, None,
     "DS-L1 firmware too old for DL42 packages; replacement station shipped, fitted on WO-004508; the pumps it "
     "serves stay on DL41 until then"),
    ("MED-CS-88120", "Medora Clinical Systems", "medapp05", "Sign-off of medapp05 after OS patching", "open", "P4",
     "Medora technical services", "Declan Morrow", 590, 300, None, "health checks passed; sign-off due tomorrow"),
]  # fmt: skip
#: vendor, covers, phone, hours, engineer, escalation, contract
VENDORS = [
    ("Callwell Systems", "nurse call panels and call points", "+44 1632 960247", "24/7", "service desk",
     "Ros Penhale, service manager", "CW-2022-03"),
    ("Corvex Integration", "Corvex interface engine (cvx-prd-01, cvx-prd-02) and its channels", "+44 1632 960381",
     "24/7 for P1", "Sanne Vermeulen (support engineer)", "Pieter Daalman, support director, +44 7700 900881",
     "CVX-ENT-2023: P1 response 30 minutes"),
    ("Halcyon Medical", "infusion pumps LVP-3 and SP-2, docking stations, drug library tools", "+44 1632 960468",
     "08:00-18:00 weekdays", "Kit Brennan (field engineer)", "Alys Morgan, technical services manager", "HMS-2021-11"),
    ("Lumenvue Imaging", "PACS archive, viewers and the site gateways", "+44 1632 960519", "24/7",
     "remote support", "Jonas Okri, service manager", "LMV-PACS-2020"),
    ("Medora Clinical Systems", "Medora EHR", "+44 1632 960604", "24/7", "technical services",
     "Carys Whitlow, account director", "MED-EHR-2019"),
    ("Northline Telecom", "WAN circuits NLT-EPL-40822 (KCH), NLT-EPL-40823 (TPH), internet NLT-IP-30117",
     "+44 1632 960552", "24/7 fault desk", "fault desk", "Gemma Rourke, service delivery manager, +44 7700 900852",
     "NLT-WAN-2024: 5-hour fix"),
    ("Veyra Medical", "CT, MR and mammography systems", "+44 1632 960733", "08:00-20:00", "field service",
     "Hugo Lindell, field service manager", "VM-IMG-2021"),
]  # fmt: skip
#: wo, asset, job, status, scheduled, due (minutes ago; negative: ahead), assignee, notes
WORK_ORDERS = [
    ("WO-004498", "KCH_CT01", "planned maintenance: tube and gantry", "completed", 5 * DAY, 5 * DAY - 240,
     "Veyra field service", ""),
    ("WO-004501", "HGH_MR01", "planned maintenance: coil checks and QA", "scheduled", -2 * DAY - 500, -2 * DAY - 800,
     "Veyra field service", "MRI list moved to the afternoon"),
    ("WO-004508", "TPH-Linden docking station DS-L1", "replace docking station, then load DL42 on the DL41 pumps",
     "scheduled", -DAY - 300, -DAY - 420, "Kit Brennan (Halcyon) with Bethan Pryce", "HMS-CS-04412"),
    ("WO-004512", "IP-00233", "air-in-line sensor fault: repeated alarms", "in_progress", 80, -DAY, "Bethan Pryce",
     "withdrawn from HGH-Wd7B and replaced by a loan pump; sensor test and clean, replace if it fails"),
    ("WO-004515", "TPH_MG01", "detector calibration", "in_progress", 400, -60, "Veyra field service", ""),
    ("WO-004519", "TPH-Linden nurse call bay 3", "call points not reporting: check the bay 3 ceiling unit",
     "scheduled", -90, -210, "Estates electrician with Callwell", "hourly safety checks meanwhile"),
]  # fmt: skip
ROTAS = {
    "integration": [("primary", ["Owen Kettering", "Farah Quennell", "Owen Kettering"])],
    "ehr_apps": [("primary", ["Leah Marchetti", "Declan Morrow", "Leah Marchetti"])],
    "pacs": [("primary", ["Hollis Grant", "Ngozi Adeyemi", "Hollis Grant"])],
    "network": [("primary", ["Amara Stott", "Tomasz Wierzba", "Amara Stott"]),
                ("secondary", ["Tomasz Wierzba", "Amara Stott", "Tomasz Wierzba"])],
    "clinical_engineering": [("primary", ["Reuben Hale", "Bethan Pryce", "Reuben Hale"])],
    "it_duty_manager": [("primary", ["Sofia Brandt", "Colm Ashdown", "Priti Nair"])],
}  # fmt: skip
#: command centre shift leads: two shifts before the one running now, it, the next
LEADS = ["Rhiannon Vale", "Marcus Oduya", "Isla Petrakis", "Jonah Whitlock"]
_PEOPLE = sorted({p for levels in ROTAS.values() for _, ps in levels for p in ps} | set(LEADS))
MOBILES = {p: f"+44 7700 900{500 + 13 * i:03d}" for i, p in enumerate(_PEOPLE)}
#: entry, minutes ago, author, role, text
CC_LOG = [
    ("CCL-000897", 598, "Declan Morrow", "EHR apps on call", "medapp05 drained and patched (CHG/2026/0205); stays "
     "out of the pool until Medora signs off; PRD-B carries on with medapp04 and medapp06"),
    ("CCL-000899", 418, "Tomasz Wierzba", "network on call", "CHG/2026/0209 done: kch-fw-01 rule for KCH_US02 DICOM"),
    ("CCL-000900", 328, "NOC monitoring", "alarm", "kch-wan-a packet loss 4.6%, latency 41 ms (was 5 ms)"),
    ("CCL-000902", 303, "Tomasz Wierzba", "network on call", "kch-wan-a losing packets on the carrier side of our "
     "router, link still up so no failover to kch-wan-b (100 Mbps, too small for PACS). Not CHG/2026/0209: one "
     "firewall rule, loss seen before the firewall. Raised NLT/FLT/77410"),
    ("CCL-000903", 268, "Ngozi Adeyemi", "PACS on call", "KCH studies queuing at the KCH gateway for the archive; "
     "PACS healthy, network cause (LMV-CS-2291)"),
    ("CCL-000904", 238, "Owen Kettering", "integration analyst", "CHG/2026/0213 done: FHIR listener certificate "
     "renewed, ICU observations flowing"),
    ("CCL-000905", 184, "Owen Kettering", "integration analyst", "CHG/2026/0211 done: ORM_O01_OUT_RIS on mapping "
     "v3.8, channel restarted"),
    ("CCL-000906", 166, "Service desk", "service desk", "P1 INC-0048790: ED say CT requests are not reaching the "
     "RIS worklist; paged integration on call"),
    ("CCL-000907", 158, "Farah Quennell", "integration on call", "ORM_O01_OUT_RIS blocked since just after v3.8 went "
     "live: Radiant RIS NACKs (AR) 'OBR-16 ordering provider not found', nothing sent since; queue growing"),
    ("CCL-000908", 141, "Colm Ashdown", "IT duty manager", "radiology order downtime DTP-RAD-02 invoked: paper "
     "requests, urgent CT by phone; comms to ED, wards and radiology"),
    ("CCL-000909", 135, "Farah Quennell", "integration on call", "not the certificate renewal (CHG/2026/0213 only "
     "touched the FHIR listener) and not the network: ADT_A01_OUT_PACS to the same imaging systems is fine"),
    ("CCL-000910", 121, "Farah Quennell", "integration on call", "raised CVX-00318822 (P1) with Corvex"),
    ("CCL-000911", 86, "Farah Quennell", "integration on call", "Corvex: v3.8 sends GMC/NMC numbers in OBR-16, the "
     "RIS wants its local staff code: revert to v3.7, then resume so the queue goes in order (KB-IE-014)"),
    ("CCL-000912", 62, "Colm Ashdown", "IT duty manager", "emergency CHG/2026/0216 approved: ORM mapping back to "
     "v3.7 at the next change slot (planned time on the change), then resume the queue; radiology to cancel "
     "duplicates of paper requests"),
    ("CCL-000913", 40, "Tomasz Wierzba", "network on call", "Northline: fibre crushed by roadworks at Kellsmoor "
     "Bridge, splicing team on site, restoration in about 3 hours (see the case)"),
    ("CCL-000914", 35, "Bethan Pryce", "clinical engineering on call", "IP-00233 withdrawn from HGH-Wd7B "
     "(air-in-line alarms), loan pump issued, WO-004512"),
]  # fmt: skip
#: doc, title, kind, body
DOCS = [
    ("DTP-RAD-02", "Radiology orders downtime", "downtime procedure",
     "When EHR orders do not reach the RIS: ED and wards use the paper request card RR-1; urgent CT by phone to the "
     "radiology hot desk, ext 4410; radiographers add patients to the modality worklist by hand in the RIS. After "
     "recovery the queued EHR orders arrive in order: radiology cancels the duplicates of paper requests."),
    ("DTP-NC-01", "Nurse call failure on a ward", "downtime procedure",
     "Hand bells for the affected bays, hourly safety checks logged by the nurse in charge, estates and Callwell "
     "called; keep high-risk patients in view."),
    ("KB-IE-014", "Resuming a blocked Corvex ordered queue", "kb article",
     "Fix the cause first (mapping or destination), then resume the channel: the queue is sent oldest first. Never "
     "clear the queue. Messages moved to the error store by hand must be resent by the integration analyst."),
    ("KB-NET-022", "KCH and TPH WAN failover", "kb article",
     "Routers fail over to the 4G backup (100 Mbps) only when the fibre goes down. The network on call can force a "
     "failover; PACS transfers are paused on the backup."),
    ("ESC-IT-01", "IT escalation matrix", "escalation",
     "P1: command centre shift lead, then the service's on call, then the IT duty manager within 30 minutes; vendor "
     "case at P1; clinical systems downtime procedures by the duty manager."),
]  # fmt: skip

_SCHEMA = """
CREATE TABLE app_servers (host TEXT PRIMARY KEY, datacentre TEXT, pool TEXT, role TEXT, version TEXT, state TEXT,
                          since TEXT, sessions INTEGER, note TEXT);
CREATE TABLE ehr_rt (site TEXT, sample_end TEXT, s_epoch INTEGER, p50_ms INTEGER, p95_ms INTEGER, runs INTEGER);
CREATE TABLE channels (channel_id TEXT PRIMARY KEY, name TEXT, standard TEXT, direction TEXT, source TEXT,
                       destination TEXT, node TEXT, mapping TEXT, state TEXT, since TEXT, note TEXT);
CREATE TABLE channel_stats (channel_id TEXT, name TEXT, sample_end TEXT, s_epoch INTEGER, received INTEGER,
                            sent INTEGER, nacks INTEGER, queued INTEGER);
CREATE TABLE msg_errors (channel_id TEXT, at TEXT, at_epoch INTEGER, control_id TEXT, msg_type TEXT,
                         attempt INTEGER, ack TEXT, error TEXT);
CREATE TABLE modalities (ae_title TEXT PRIMARY KEY, site TEXT, modality TEXT, model TEXT, room TEXT, state TEXT,
                         since TEXT, note TEXT);
CREATE TABLE pacs_backlog (site TEXT, sample_end TEXT, s_epoch INTEGER, studies_queued INTEGER,
                           oldest_wait_min INTEGER, sent_15m INTEGER);
CREATE TABLE pumps (pump TEXT PRIMARY KEY, serial TEXT, model TEXT, site TEXT, ward TEXT, drug_library TEXT,
                    last_docked TEXT, battery_pct INTEGER, status TEXT);
CREATE TABLE pump_alarms (pump TEXT, ward TEXT, at TEXT, at_epoch INTEGER, alarm TEXT);
CREATE TABLE wards (ward TEXT PRIMARY KEY, site TEXT, specialty TEXT, beds INTEGER, occupied INTEGER,
                    blocked INTEGER, expected_discharges INTEGER, nurse_call TEXT, nurse_call_note TEXT, updated TEXT);
CREATE TABLE segments (segment TEXT PRIMARY KEY, site TEXT, kind TEXT, carrier TEXT, circuit TEXT,
                       capacity_mbps INTEGER, state TEXT, note TEXT);
CREATE TABLE link_stats (segment TEXT, sample_end TEXT, s_epoch INTEGER, util_pct REAL, loss_pct REAL,
                         latency_ms REAL);
CREATE TABLE changes (ref TEXT PRIMARY KEY, title TEXT, ci TEXT, category TEXT, risk TEXT, state TEXT,
                      requested_by TEXT, implementer TEXT, approver TEXT, raised_epoch INTEGER, planned TEXT,
                      implemented TEXT, impl_epoch INTEGER, updated_epoch INTEGER, notes TEXT);
CREATE TABLE tickets (ticket TEXT PRIMARY KEY, opened TEXT, o_epoch INTEGER, site TEXT, service TEXT, priority TEXT,
                      status TEXT, summary TEXT, resolver_group TEXT, linked TEXT, latest TEXT);
CREATE TABLE cases (ref TEXT PRIMARY KEY, vendor TEXT, item TEXT, subject TEXT, status TEXT, priority TEXT,
                    engineer TEXT, raised_by TEXT, opened TEXT, updated TEXT, etr TEXT, latest TEXT);
CREATE TABLE vendors (vendor TEXT PRIMARY KEY, covers TEXT, phone TEXT, hours TEXT, engineer TEXT, escalation TEXT,
                      contract TEXT);
CREATE TABLE work_orders (wo TEXT PRIMARY KEY, asset TEXT, job TEXT, status TEXT, scheduled TEXT, s_epoch INTEGER,
                          due TEXT, assignee TEXT, notes TEXT);
CREATE TABLE oncall (rota TEXT, level TEXT, person TEXT, mobile TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT,
                     ends_epoch INTEGER);
CREATE TABLE shifts (shift TEXT, starts TEXT, starts_epoch INTEGER, ends TEXT, ends_epoch INTEGER, lead TEXT,
                     mobile TEXT);
CREATE TABLE cc_log (entry TEXT PRIMARY KEY, ts TEXT, ts_epoch INTEGER, author TEXT, role TEXT, text TEXT);
CREATE TABLE docs (doc TEXT PRIMARY KEY, title TEXT, kind TEXT, body TEXT);
"""


def _between(lo: float, hi: float, key: str, i: int, digits: int = 1) -> float:
    return round(lo + (hi - lo) * noise(key, i), digits)


def _at(now: datetime, m: float) -> tuple[str, int]:
    t = now - timedelta(minutes=m)
    return iso(t), int(t.timestamp())


def _series(now: datetime) -> dict[str, list[tuple[Any, ...]]]:
    """EHR response times, link stats and the PACS backlog (24 hours)."""
    ehr, links, pacs = [], [], []
    for site, (lo, hi) in EHR_P95.items():
        for k in range(143, -1, -1):
            m = 6 + 10 * k
            p95 = int(_between(3100, 4200, site + "bad", k) if site == "KCH" and m < WAN_ONSET else
                      _between(lo, hi, site + "p95", k))  # fmt: skip
            ehr.append((site, *_at(now, m), int(p95 * _between(0.42, 0.5, site + "p50", k, 2)), p95, 6))
    for seg, *_, (u_lo, u_hi), (l_lo, l_hi) in SEGMENTS:
        for k in range(143, -1, -1):
            m = 4 + 10 * k
            util, loss = _between(u_lo, u_hi, seg + "u", k), _between(0.0, 0.1, seg + "l", k, 2)
            lat = _between(l_lo, l_hi, seg + "r", k)
            if seg == "kch-wan-a" and m < WAN_ONSET:
                util, loss, lat = _between(60, 78, seg, k), _between(3.5, 7.9, seg + "L", k), _between(38, 65, seg, k)
            links.append((seg, *_at(now, m), util, loss, lat))
    for site in EHR_P95:
        for k in range(95, -1, -1):
            m = 9 + 15 * k
            queued, wait = int(3 * noise(site + "q", k)), int(5 * noise(site + "w", k))
            sent = 4 + int(6 * noise(site, k))
            if site == "KCH" and m < WAN_ONSET:
                queued, wait, sent = 2 + round((WAN_ONSET - m) * 0.19), WAN_ONSET - m - 3, 1 + int(3 * noise(site, k))
            pacs.append((site, *_at(now, m), queued, max(wait, 0), sent))
    return {"ehr_rt": ehr, "link_stats": links, "pacs_backlog": pacs}


def _interfaces(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Channel stats (5-minute samples for 24 hours) and the NACK log."""
    stats, errors = [], []
    for cid, name, *rest in CHANNELS:
        (lo, hi), backlog = rest[-1], 0
        for k in range(287, -1, -1):
            m = 2 + 5 * k
            received = int(lo + (hi - lo + 1) * noise(name, k))
            sent, nacks, queued = received, 0, int(3 * noise(name + "q", k)) if hi else 0
            if name == ORM and m <= ORM_ONSET:
                backlog += received
                nacks = sum(1 for x in range(m, m + 5) if 2 <= x <= ORM_ONSET)
                sent, queued = 0, backlog - (m <= ORM_SKIP)
            elif name == "ORU_R01_IN_LIMS" and noise(name + "e", k) > 0.93:
                sent, nacks = received - 1, 1
                errors.append((cid, *_at(now, m + 2), f"LAB{5520000 + k}", "ORU^R01", 1, "AE",
                               "OBX-5 result comment longer than 4000 characters: rejected by the EHR"))  # fmt: skip
            stats.append((cid, name, *_at(now, m), received, sent, nacks, queued))
    for x in range(ORM_ONSET, 1, -1):
        head = "ORM000771203" if x > ORM_SKIP else "ORM000771204"
        attempt = (ORM_ONSET - x if x > ORM_SKIP else ORM_SKIP - x) + 1
        error = f"RIS-ERR 4012: OBR-16 ordering provider '{ORM_HEADS[head]}' not found in the RIS staff table"
        errors.append(("CH-0011", *_at(now, x), head, "ORM^O01", attempt, "AR", error))
    return stats, errors


def _pumps(now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    pumps, alarms = [], []
    n = 201
    for ward, site, *_, count in WARDS:
        for i in range(count):
            pump = f"IP-{n:05d}"
            model = "Halcyon SP-2 syringe" if i % 3 == 2 else "Halcyon LVP-3 volumetric"
            status = "withdrawn" if pump == BAD_PUMP else "in_use" if noise(pump, 1) < 0.7 else "available"
            docked = 30 + int(600 * noise(pump, 2)) if pump not in OLD_LIBRARY else 3 * DAY + int(900 * noise(pump, 2))
            serial = f"{model.split()[1].replace('-', '')}-{19 + n % 5}-{4000 + 7 * n:06d}"
            pumps.append((pump, serial, model, site, ward,
                          "DL41" if pump in OLD_LIBRARY else "DL42", iso(now - timedelta(minutes=docked)),
                          40 + int(60 * noise(pump, 3)), status))  # fmt: skip
            for j in range(1 + int(5 * noise(pump, 4))):
                m = DAY * int(14 * noise(pump + "d", j)) + 120 + int(1200 * noise(pump + "o", j))
                alarms.append((pump, ward, *_at(now, m), ALARMS[int(5 * noise(pump + "a", j))]))
            if pump == BAD_PUMP:
                alarms += [(pump, ward, *_at(now, 95 + 171 * j), "air_in_line") for j in range(23)]
            n += 1
    return pumps, alarms


def _shifts(now: datetime) -> list[tuple[Any, ...]]:
    """12-hour shifts from 07:00 and 19:00 UTC: two before the one running now, it and the next."""
    start = now.replace(hour=7, minute=0) - timedelta(days=1)
    while start + timedelta(hours=12) <= now:
        start += timedelta(hours=12)
    rows = []
    for j, lead in enumerate(LEADS):
        s = start + timedelta(hours=12 * (j - 2))
        e = s + timedelta(hours=12)
        rows.append(("day" if s.hour == 7 else "night", iso(s), int(s.timestamp()), iso(e), int(e.timestamp()), lead,
                     MOBILES[lead]))  # fmt: skip
    return rows


def build(path: Path, now: datetime | None = None) -> datetime:
    """Create (or replace) the estate's SQLite file at ``path``; returns the (minute-aligned) now it used."""
    db, clock = new_estate_db(path, _SCHEMA, now)
    now, ago = clock.now, clock.ago
    db.executemany("INSERT INTO app_servers VALUES (?,?,?,?,?,?,?,?,?)",
                   [(h, "HGH DC1", p, r, "Medora 24.2.7", s, ago(m), n, note)
                    for h, p, r, s, m, n, note in APP_SERVERS])  # fmt: skip
    for table, rows in _series(now).items():
        db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)
    db.executemany("INSERT INTO channels VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:9], ago(c[9]), c[10]) for c in CHANNELS])  # fmt: skip
    stats, errors = _interfaces(now)
    db.executemany("INSERT INTO channel_stats VALUES (?,?,?,?,?,?,?,?)", stats)
    db.executemany("INSERT INTO msg_errors VALUES (?,?,?,?,?,?,?,?)", errors)
    db.executemany("INSERT INTO modalities VALUES (?,?,?,?,?,?,?,?)",
                   [(*x[:6], ago(x[6]), x[7]) for x in MODALITIES])  # fmt: skip
    pumps, alarms = _pumps(now)
    db.executemany("INSERT INTO pumps VALUES (?,?,?,?,?,?,?,?,?)", pumps)
    db.executemany("INSERT INTO pump_alarms VALUES (?,?,?,?,?)", alarms)
    db.executemany("INSERT INTO wards VALUES (?,?,?,?,?,?,?,?,?,?)",
                   [(*w[:9], ago(55 if w[7] != "ONLINE" else 3)) for w in WARDS])  # fmt: skip
    db.executemany("INSERT INTO segments VALUES (?,?,?,?,?,?,?,?)", [s[:8] for s in SEGMENTS])
    db.executemany(
        "INSERT INTO changes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(*c[:9], clock.epoch(c[9]), ago(c[10]), ago(c[11]), None if c[11] is None else clock.epoch(c[11]),
          clock.epoch(c[12]), c[13]) for c in CHANGES],
    )  # fmt: skip
    db.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                   [(t, *_at(now, m), *rest) for t, m, *rest in TICKETS])  # fmt: skip
    db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   [(*c[:8], ago(c[8]), ago(c[9]), ago(c[10]), c[11]) for c in CASES])  # fmt: skip
    db.executemany("INSERT INTO vendors VALUES (?,?,?,?,?,?,?)", VENDORS)
    db.executemany("INSERT INTO work_orders VALUES (?,?,?,?,?,?,?,?,?)",
                   [(w, a, j, s, *_at(now, m), ago(d), who, n)
                    for w, a, j, s, m, d, who, n in WORK_ORDERS])  # fmt: skip
    db.executemany("INSERT INTO oncall VALUES (?,?,?,?,?,?,?,?)", weekly_rota(now, ROTAS, MOBILES, 9))
    db.executemany("INSERT INTO shifts VALUES (?,?,?,?,?,?,?)", _shifts(now))
    db.executemany("INSERT INTO cc_log VALUES (?,?,?,?,?,?)",
                   [(e, *_at(now, m), a, r, t) for e, m, a, r, t in CC_LOG])  # fmt: skip
    db.executemany("INSERT INTO docs VALUES (?,?,?,?)", DOCS)
    db.commit()
    db.close()
    return now


async def register(stub: ApiManagerServiceAsyncStub, admin: tuple[tuple[str, str], ...], db_path: Path) -> None:
    """Create the data source and the APIs (exposed as tools) through api_manager's gRPC API."""
    description = "Harrowden Health Group clinical IT: EHR, interface engine, PACS, infusion pumps, wards, network"
    await register_sql_estate(stub, admin, db_path, data_source=DATA_SOURCE, description=description, apis=APIS)
