"""The finance station service: stations, consultation intake, the status machine, and the
tie to the core's closed loop.

Permissions: ``finance.manage`` adds stations; ``finance.consult`` reads and takes in,
refers, declines and withdraws consultations and records visits and events;
``finance.grant`` records credit granted. A consultation opened from a reported issue
(category ``finance.financing_need``) needs only the reporter's ``issue.report``, which
the core has checked: the grid worker who met the firm is the one who takes it in.

Answering the core case: when a consultation linked to an issue ends (granted, declined
or withdrawn), the acting officer answers the case in the same transaction. A case that
is ``dispatched`` is accepted and then resolved; one ``in_progress`` is resolved; in any
other state (not yet dispatched, already resolved or closed) it is left alone, because
the dispatcher or the verifier still owns that step. If the core refuses the action
(the officer is not the case's assignee), nothing of the outcome is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
from gridgov.core import (
    AccessDenied,
    Actor,
    NotFound,
    Organisation,
    Platform,
    ValidationError,
    uscc_problem,
)

from .money import format_short, parse_amount
from .records import (
    CREDIT_TYPES,
    INCLUSIVE_SIZES,
    INSTITUTION_TYPES,
    LIFECYCLE,
    NEEDS,
    REFERRAL_TYPES,
    Consultation,
    FinanceEvent,
    OutreachVisit,
    Station,
    event_from_row,
    station_from_row,
    station_row,
    visit_from_row,
)
from .tables import CONSULTATION, EVENT, STATION, VISIT

CATEGORY = "finance.financing_need"
ENTERPRISE_SIZES = ("above_scale", "small", "micro")


def institution_type(org: Organisation) -> str | None:
    """``bank``/``insurer``/``broker`` for a financial institution, else None."""
    if org.kind != "financial_institution":
        return None
    kind = (org.profile or {}).get("institution_type")
    return kind if kind in INSTITUTION_TYPES else None


class FinanceService:
    """Every read and write of the plugin's records goes through here, with an actor."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    # -- helpers ------------------------------------------------------------------------

    def _now(self, at: dt.datetime | None) -> dt.datetime:
        return at or self.platform.now()

    @property
    def _consultations(self):
        return self.platform.table(CONSULTATION)

    @staticmethod
    def _require_any(actor: Actor, *permissions: str) -> None:
        if not any(actor.has(p) for p in permissions):
            raise AccessDenied(f"{actor.login} lacks {' or '.join(permissions)}")

    # -- stations -----------------------------------------------------------------------

    def add_station(self, actor: Actor, station: Station) -> Station:
        """Open a station; its partners must be banks, insurers or brokers."""
        actor.require("finance.manage", anywhere=True)
        self.platform.areas.require_exists(station.area_code, "area_code")
        if self.platform.organisations.find(station.host_org) is None:
            raise ValidationError("host_org", f"unknown organisation {station.host_org}")
        for code in station.partners:
            org = self.platform.organisations.find(code)
            if org is None or institution_type(org) is None:
                raise ValidationError(
                    "partners", f"{code} is not a financial institution with an institution_type "
                    f"({', '.join(INSTITUTION_TYPES)})")  # fmt: skip
        table = self.platform.table(STATION)
        if table.count(code=station.code):
            raise ValidationError("code", f"station {station.code} already exists")
        table.insert(station_row(station))
        return station

    def station(self, code: str) -> Station:
        try:
            return station_from_row(self.platform.table(STATION).get(code))
        except NotFound:
            raise NotFound("finance station", code) from None

    def stations(self, *, area: str | None = None) -> list[Station]:
        stations = [station_from_row(r) for r in self.platform.table(STATION).rows(order_by="code")]
        if area:
            path = self.platform.areas.path_of(area)
            stations = [
                s for s in stations if self.platform.areas.path_of(s.area_code).startswith(path)
            ]
        return stations

    def station_for(self, area_code: str, industry: str | None = None) -> Station | None:
        """The station of the firm's industry cluster nearest the area; without a matching
        cluster (or industry), the nearest station of any cluster."""
        stations = self.stations()
        matching = [s for s in stations if industry and s.cluster == industry] or stations
        if not matching:
            return None
        ancestors = self.platform.areas.ancestor_codes(area_code)

        def distance(station: Station) -> tuple[int, int, str]:
            codes = self.platform.areas.path_of(station.area_code).strip("/").split("/")
            for up, code in enumerate(ancestors):
                if code in codes:
                    return up, len(codes) - 1 - codes.index(code), station.code
            return len(ancestors), len(codes), station.code

        return min(matching, key=distance)

    # -- enterprises --------------------------------------------------------------------

    def enterprise(self, ref: str) -> Organisation:
        """A firm by organisation code or USCC."""
        org = self.platform.organisations.find(ref) if ref else None
        if org is None and ref and len(ref) == 18:
            org = self.platform.organisations.by_uscc(ref.upper())
        if org is None or org.kind != "enterprise":
            raise ValidationError("enterprise", f"no enterprise with code or USCC {ref!r}")
        return org

    def register_enterprise(
        self, *, uscc: str, name: str, industry: str, size: str, area_code: str
    ) -> Organisation:
        """Register a firm met at intake (the core verifies the USCC's check character)."""
        uscc = (uscc or "").strip().upper()
        problem = uscc_problem(uscc)
        if problem:
            raise ValidationError("uscc", problem)
        if self.platform.organisations.by_uscc(uscc):
            raise ValidationError("uscc", f"{uscc} is already registered")
        if size not in ENTERPRISE_SIZES:
            raise ValidationError("size", f"{size!r} is not one of {', '.join(ENTERPRISE_SIZES)}")
        if not (industry or "").strip():
            raise ValidationError("industry", "a new firm needs its industry (for its station)")
        org = Organisation(
            code=f"ENT-{uscc}",
            name=name,
            kind="enterprise",
            area_code=area_code,
            uscc=uscc,
            industry=industry,
            size=size,
        )
        return self.platform.organisations.add(Actor.system(), org)

    def resolve_enterprise(
        self,
        *,
        enterprise: str | None = None,
        uscc: str | None = None,
        name: str | None = None,
        industry: str | None = None,
        size: str | None = None,
        area_code: str | None = None,
    ) -> Organisation:
        """The firm named by code or USCC; an unknown but valid USCC with a name, industry
        and size registers a new firm."""
        if enterprise:
            return self.enterprise(enterprise)
        if not uscc:
            raise ValidationError("enterprise", "name the firm by its code or its USCC")
        uscc = uscc.strip().upper()
        problem = uscc_problem(uscc)
        if problem:
            raise ValidationError("uscc", problem)
        found = self.platform.organisations.by_uscc(uscc)
        if found is not None:
            if found.kind != "enterprise":
                raise ValidationError("uscc", f"{uscc} belongs to {found.name}, not an enterprise")
            return found
        if not (name and industry and size and area_code):
            raise ValidationError(
                "uscc", f"{uscc} is not registered; give name, industry, size and area to add it"
            )
        return self.register_enterprise(
            uscc=uscc, name=name, industry=industry, size=size, area_code=area_code
        )

    # -- consultations: intake ----------------------------------------------------------

    def open(self, actor: Actor, **intake: Any) -> Consultation:
        """Take in a consultation (``enterprise`` or ``uscc`` [+ ``name``, ``industry``,
        ``size``, ``area_code`` for a new firm], ``need``, ``amount``, ``station``,
        ``officer``, ``note``, ``at``)."""
        actor.require("finance.consult", anywhere=True)
        return self._open(**intake)

    def _open(
        self,
        *,
        need: str = "loan",
        amount: str | int | None = None,
        station: str | None = None,
        officer: str | None = None,
        note: str = "",
        issue_id: int | None = None,
        at: dt.datetime | None = None,
        area_code: str | None = None,
        **firm: Any,
    ) -> Consultation:
        if need not in NEEDS:
            raise ValidationError("need", f"{need!r} is not one of {', '.join(NEEDS)}")
        asked = parse_amount(amount, "amount") if amount not in (None, "") else None
        if officer and officer != "system":
            self.platform.members.actor(officer)
        with self.platform.transaction():
            chosen = self.station(station) if station else None
            org = self.resolve_enterprise(
                area_code=area_code or (chosen.area_code if chosen else None), **firm
            )
            where = org.area_code or area_code or (chosen.area_code if chosen else None)
            if chosen is None:
                if where is None:
                    raise ValidationError(
                        "station", f"{org.name} has no seat area; name the station"
                    )
                chosen = self.station_for(where, org.industry)
                if chosen is None:
                    raise ValidationError("station", "no finance station is open yet")
            where = where or chosen.area_code
            consultation = Consultation(
                enterprise=org.code, station=chosen.code, need=need, amount_asked=asked,
                officer=officer, area_code=where, area_path=self.platform.areas.path_of(where),
                issue_id=issue_id, opened_at=self._now(at), note=note,
            )  # fmt: skip
            new_id = self._consultations.insert(consultation.row())
        return attrs.evolve(consultation, id=new_id)

    def open_from_issue(self, issue: Any) -> Consultation | None:
        """Open the consultation a reported financing need carries in its payload (None when
        the payload names no firm: it can be linked later with ``open(…, issue_id=…)``)."""
        intake = intake_from_payload(issue.payload)
        if intake is None or self._consultations.count(issue_id=issue.id):
            return None
        return self._open(
            issue_id=issue.id, at=issue.reported_at, area_code=issue.area_code, **intake
        )

    def check_payload(self, issue: Any) -> str | None:
        """Why a reported financing need's payload cannot open a consultation, or None."""
        try:
            intake = intake_from_payload(issue.payload)
            if intake is None:
                return None
            if intake.get("need", "loan") not in NEEDS:
                return f"need: {intake['need']!r} is not one of {', '.join(NEEDS)}"
            if intake.get("amount") not in (None, ""):
                parse_amount(intake["amount"], "amount")
            if intake.get("enterprise"):
                org = self.enterprise(intake["enterprise"])
            else:
                uscc = (intake.get("uscc") or "").strip().upper()
                problem = uscc_problem(uscc)
                if problem:
                    return f"uscc: {problem}"
                org = self.platform.organisations.by_uscc(uscc)
                if org is None:
                    for key in ("name", "industry", "size"):
                        if not intake.get(key):
                            return f"{key}: a firm not yet registered needs its {key}"
                    if intake["size"] not in ENTERPRISE_SIZES:
                        return (
                            f"size: {intake['size']!r} is not one of {', '.join(ENTERPRISE_SIZES)}"
                        )
            industry = org.industry if org is not None else intake.get("industry")
            if intake.get("station"):
                self.station(intake["station"])
            elif self.station_for(issue.area_code, industry) is None:
                return "station: no finance station is open yet"
        except (ValidationError, NotFound) as exc:
            return str(exc)
        return None

    # -- consultations: reading ---------------------------------------------------------

    def get(self, actor: Actor, consultation_id: int) -> Consultation:
        actor.require("finance.consult", anywhere=True)
        try:
            return Consultation.from_row(self._consultations.get(int(consultation_id)))
        except NotFound:
            raise NotFound("consultation", consultation_id) from None

    def for_issue(self, issue_id: int) -> Consultation | None:
        rows = self._consultations.rows(issue_id=issue_id, limit=1)
        return Consultation.from_row(rows[0]) if rows else None

    def queue(
        self,
        actor: Actor,
        station: str,
        *,
        status: str | list[str] | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[Consultation]:
        """A station's consultations, oldest open first (the officers' work list)."""
        actor.require("finance.consult", anywhere=True)
        self.station(station)
        where: dict[str, Any] = {"station": station}
        if status:
            where["status__in"] = [status] if isinstance(status, str) else list(status)
        rows = self._consultations.rows(order_by="opened_at", limit=limit, offset=offset, **where)
        return [Consultation.from_row(r) for r in rows]

    def history(self, actor: Actor, enterprise: str) -> tuple[Organisation, list[Consultation]]:
        """A firm's consultations across all stations, oldest first."""
        actor.require("finance.consult", anywhere=True)
        org = self.enterprise(enterprise)
        rows = self._consultations.rows(enterprise=org.code, order_by="opened_at")
        return org, [Consultation.from_row(r) for r in rows]

    # -- consultations: the status machine ----------------------------------------------

    def available(self, consultation: Consultation) -> list[str]:
        return LIFECYCLE.available(consultation.status)

    def refer(
        self,
        actor: Actor,
        consultation_id: int,
        institution: str,
        *,
        note: str = "",
        at: dt.datetime | None = None,
    ) -> Consultation:
        """Hand the firm to one of the station's partner institutions that serves its need."""
        actor.require("finance.consult", anywhere=True)
        with self.platform.transaction():
            current, status = self._check_move(actor, consultation_id, "refer")
            org = self._partner(current, institution, REFERRAL_TYPES[current.need])
            if current.institution == org.code:
                raise ValidationError("institution", f"the firm is already referred to {org.code}")
            return self._write(
                current,
                status=status,
                institution=org.code,
                referred_at=self._now(at),
                note=note or current.note,
                officer=current.officer or (None if actor.login == "system" else actor.login),
            )

    def grant(
        self,
        actor: Actor,
        consultation_id: int,
        amount: str | int,
        *,
        inclusive: bool = False,
        institution: str | None = None,
        note: str = "",
        at: dt.datetime | None = None,
    ) -> Consultation:
        """Record credit granted; an inclusive micro-loan is a bank's loan to a small or micro firm."""
        actor.require("finance.grant", anywhere=True)
        fen = parse_amount(amount, "amount")
        if fen == 0:
            raise ValidationError("amount", "credit granted must be more than 0 fen")
        with self.platform.transaction():
            current, status = self._check_move(actor, consultation_id, "grant")
            org = self._partner(current, institution or current.institution, CREDIT_TYPES)
            if inclusive:
                if institution_type(org) != "bank":
                    raise ValidationError(
                        "inclusive",
                        f"an inclusive micro-loan is a bank loan; {org.code} is not a bank",
                    )
                firm = self.enterprise(current.enterprise)
                if firm.size not in INCLUSIVE_SIZES:
                    raise ValidationError(
                        "inclusive",
                        f"{firm.name} is {firm.size}; inclusive loans go to small and micro firms",
                    )
            now = self._now(at)
            updated = self._write(
                current,
                status=status,
                institution=org.code,
                granted_amount=fen,
                inclusive=inclusive,
                closed_at=now,
                note=note or current.note,
            )
            self._answer_issue(
                actor,
                updated,
                f"授信 {format_short(fen)}（{org.name}）" + (f"：{note}" if note else ""),
                now,
            )
            return updated

    def decline(
        self, actor: Actor, consultation_id: int, reason: str, *, at: dt.datetime | None = None
    ) -> Consultation:
        actor.require("finance.consult", anywhere=True)
        if not (reason or "").strip():
            raise ValidationError("reason", "a declined consultation says why")
        return self._end(actor, consultation_id, "decline", reason, f"未获授信：{reason}", at)

    def withdraw(
        self, actor: Actor, consultation_id: int, reason: str = "", *, at: dt.datetime | None = None
    ) -> Consultation:
        actor.require("finance.consult", anywhere=True)
        return self._end(
            actor, consultation_id, "withdraw", reason, f"企业撤回咨询{('：' + reason) if reason else ''}", at
        )

    def _end(
        self,
        actor: Actor,
        consultation_id: int,
        action: str,
        reason: str,
        answer: str,
        at: dt.datetime | None,
    ) -> Consultation:
        with self.platform.transaction():
            current, status = self._check_move(actor, consultation_id, action)
            now = self._now(at)
            updated = self._write(current, status=status, reason=reason, closed_at=now)
            self._answer_issue(actor, updated, answer, now)
            return updated

    def _check_move(self, actor: Actor, consultation_id: int, action: str) -> tuple[Consultation, str]:
        """The consultation and the status ``action`` leads it to. A move its status does
        not allow is refused as bad input (exit 2), naming the consultation by its id."""
        current = self.get(actor, consultation_id)
        reason = LIFECYCLE.refusal(current.status, action)
        if reason:
            raise ValidationError("status", reason.replace("the consultation", f"consultation {current.id}", 1))
        return current, LIFECYCLE.step(current.status, action, key=current.id).target

    def _partner(
        self, consultation: Consultation, code: str | None, types: tuple[str, ...]
    ) -> Organisation:
        if not code:
            raise ValidationError("institution", "name the institution")
        station = self.station(consultation.station)
        if code not in station.partners:
            raise ValidationError(
                "institution", f"{code} is not a partner of station {station.code}"
            )
        org = self.platform.organisations.get(code)
        if institution_type(org) not in types:
            raise ValidationError(
                "institution",
                f"{org.name} is a {institution_type(org)}; this needs a {' or '.join(types)}",
            )
        return org

    def _write(self, current: Consultation, **changes: Any) -> Consultation:
        updated = attrs.evolve(current, **changes)
        row = updated.row()
        self._consultations.update(current.id, {k: row[k] for k in (*changes, "seconds_to_credit")})
        return updated

    def _answer_issue(
        self, actor: Actor, consultation: Consultation, note: str, at: dt.datetime
    ) -> list[str]:
        """Accept (if dispatched) and resolve the linked core case; see the module docstring."""
        if consultation.issue_id is None:
            return []
        issue = self.platform.issues.get(Actor.system(), consultation.issue_id)
        steps = {"dispatched": ["accept", "resolve"], "in_progress": ["resolve"]}.get(
            issue.status, []
        )
        for action in steps:
            self.platform.issues.act(actor, issue.id, action, note=note, at=at)
        return steps

    # -- outreach -----------------------------------------------------------------------

    def record_visit(self, actor: Actor, visit: OutreachVisit) -> OutreachVisit:
        actor.require("finance.consult", anywhere=True)
        self.enterprise(visit.enterprise)
        if visit.station:
            self.station(visit.station)
        new_id = self.platform.table(VISIT).insert(visit.row())
        return attrs.evolve(visit, id=new_id)

    def visits(self, actor: Actor, *, enterprise: str | None = None) -> list[OutreachVisit]:
        actor.require("finance.consult", anywhere=True)
        where = {"enterprise": self.enterprise(enterprise).code} if enterprise else {}
        return [
            visit_from_row(r)
            for r in self.platform.table(VISIT).rows(order_by="visited_on", **where)
        ]

    def record_event(self, actor: Actor, event: FinanceEvent) -> FinanceEvent:
        actor.require("finance.consult", anywhere=True)
        if event.station:
            self.station(event.station)
        for code in event.institutions:
            org = self.platform.organisations.find(code)
            if org is None or institution_type(org) is None:
                raise ValidationError("institutions", f"{code} is not a financial institution")
        for code in event.firms:
            self.enterprise(code)
        new_id = self.platform.table(EVENT).insert(event.row())
        return attrs.evolve(event, id=new_id)

    def events(self, actor: Actor) -> list[FinanceEvent]:
        actor.require("finance.consult", anywhere=True)
        return [event_from_row(r) for r in self.platform.table(EVENT).rows(order_by="held_on")]


def intake_from_payload(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The consultation fields an issue payload carries: ``enterprise`` (code) or ``uscc``
    (+ ``enterprise_name``, ``industry``, ``size`` for a new firm), ``need``, and the amount
    as ``amount_fen`` (int) or ``amount`` (text such as "300万"). None without a firm."""
    payload = payload or {}
    if not payload.get("enterprise") and not payload.get("uscc"):
        return None
    intake: dict[str, Any] = {"need": payload.get("need") or "loan"}
    if payload.get("enterprise"):
        intake["enterprise"] = payload["enterprise"]
    else:
        intake["uscc"] = payload["uscc"]
        for key, source in (
            ("name", "enterprise_name"),
            ("industry", "industry"),
            ("size", "size"),
        ):
            if payload.get(source):
                intake[key] = payload[source]
    fen = payload.get("amount_fen")
    if fen not in (None, ""):
        if isinstance(fen, str) and fen.strip().isascii() and fen.strip().isdigit():
            fen = int(fen)
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise ValidationError("amount_fen", f"must be a whole number of fen, got {fen!r}")
        intake["amount"] = fen
    elif payload.get("amount") not in (None, ""):
        intake["amount"] = payload["amount"]
    if payload.get("station"):
        intake["station"] = payload["station"]
    return intake
