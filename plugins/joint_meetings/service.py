"""The four-level axis: standing bodies, their meetings, topics that move up, decisions
that come back down.

A topic lies at one body at a time. A body that cannot settle it moves it to the body of
the parent area — never further — and only with the minutes of the meeting that
discussed it; the upper body finds it on its next agenda. The decision that settles it is
reported back to every body it passed through and, when it came from a core case, written
on that case through the workflow (``meeting_resolve`` resolves it, ``meeting_decision``
notes it), so the case's own timeline tells the story too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
from gridgov.core import (
    OPEN_STATES,
    AccessDenied,
    Actor,
    Lifecycle,
    Move,
    Platform,
    TransitionRefused,
    ValidationError,
)

from . import rows
from .records import (
    CONVENE,
    DECIDE_ACTION,
    DEFAULT_CADENCE,
    RESOLVE_ACTION,
    Attendance,
    Body,
    BodyMember,
    Decision,
    Meeting,
    Topic,
)
from .tables import (
    AGENDA,
    ATTENDANCE,
    BODY,
    BODY_MEMBER,
    DECISION,
    MEETING,
    REPORT_BACK,
    TOPIC,
    TOPIC_HISTORY,
)

READ = "issue.read"
RESOLVABLE = frozenset({"registered", "dispatched", "in_progress", "returned", "reopened"})

TOPIC_LIFE = Lifecycle(
    "topic",
    states=("open", "settled", "withdrawn"),
    initial="open",
    moves=(
        Move("move_up", {"open"}, "open", permission=CONVENE, requires={"meeting_id"},
             name_zh="议题上移", name_en="move up"),
        Move("settle", {"open"}, "settled", permission=CONVENE, name_zh="议决", name_en="settle"),
        Move("withdraw", {"open"}, "withdrawn", permission=CONVENE, requires={"note"},
             name_zh="撤回", name_en="withdraw"),
    ),
)
MEETING_LIFE = Lifecycle(
    "meeting",
    states=("planned", "held", "cancelled"),
    initial="planned",
    moves=(
        Move("hold", {"planned"}, "held", permission=CONVENE, name_zh="召开", name_en="hold"),
        Move("cancel", {"planned"}, "cancelled", permission=CONVENE, requires={"note"},
             name_zh="取消", name_en="cancel"),
    ),
)


@attrs.frozen(kw_only=True)
class Proposal:
    """One item the agenda builder proposes: an open topic of the body (``open``), a
    topic moved up from the level below (``moved_up``, with the body it came from), or a
    core case escalated to this level and not yet a topic (``case``)."""

    kind: str
    title: str
    topic_id: int | None = None
    issue_id: int | None = None
    from_body: str | None = None


@attrs.frozen(kw_only=True)
class ChainStep:
    """One step of a topic's chain: raised, moved up (with the minutes attached), settled
    or withdrawn, at a body of one level."""

    move: str
    at: dt.datetime
    body_id: int
    body_name: str
    level: str
    to_body_id: int | None = None
    to_body_name: str | None = None
    meeting_id: int | None = None
    minutes: str = ""
    note: str = ""
    actor: str = ""


@attrs.frozen(kw_only=True)
class TopicChain:
    """The whole chain of a topic across levels, in one place."""

    topic: Topic
    steps: tuple[ChainStep, ...]
    decisions: tuple[Decision, ...]
    reported_back_to: tuple[str, ...]
    case_status: str | None = None


class JointMeetingsService:
    """The plugin's domain logic; every call takes the acting member and checks the area
    it touches (reads need ``issue.read``, writes ``joint_meetings.convene``)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    def t(self, name: str):
        return self.platform.table(name)

    # -- access ---------------------------------------------------------------------------

    def _can_read(self, actor: Actor, path: str, what: str) -> None:
        actor.require(READ, path, what=what)

    def _can_convene(self, actor: Actor, path: str, what: str) -> None:
        actor.require(CONVENE, path, what=what)

    # -- bodies ---------------------------------------------------------------------------

    def cadence_for_level(self, level: str) -> str | None:
        """The required cadence of a level's joint meeting: the deployment's setting
        (``[plugins.joint_meetings.cadence]``), else the default, else monthly for the
        handling level; None where no cadence is required (the top of the tree)."""
        settings = self.platform.plugin_settings("joint_meetings").get("cadence", {})
        if level in settings:
            return settings[level] or None
        if level in DEFAULT_CADENCE:
            return DEFAULT_CADENCE[level]
        return "month" if level == self.platform.areas.handling_level() else None

    def add_body(self, actor: Actor, *, area: str, name: str, kind: str = "joint", convener: str | None = None,
                 cadence: str | None = None, members: Iterable[BodyMember | dict[str, Any]] = (),
                 at: dt.datetime | None = None) -> Body:
        """A standing body of ``area``: its joint meeting (one per area) or a co-building
        body (a community may have several)."""
        found = self.platform.areas.require_exists(area, "area")
        path = self.platform.areas.path_of(area)
        self._can_convene(actor, path, f"area {area}")
        if kind == "joint" and self.t(BODY).count(kind="joint", area_code=area):
            raise ValidationError("area", f"{area} already has a joint meeting body")
        if convener:
            self.platform.members.get(Actor.system(), convener)
        body = Body(kind=kind, area_code=area, area_path=path, level=found.level, name=name, convener=convener,
                    cadence=cadence if cadence is not None or kind != "joint" else self.cadence_for_level(found.level),
                    created_at=at or self.platform.now())  # fmt: skip
        with self.platform.transaction():
            values = {k: v for k, v in attrs.asdict(body).items() if k not in ("id", "version")}
            body_id = self.t(BODY).insert(values)
            if convener:
                self.t(BODY_MEMBER).insert({"body_id": body_id, "login": convener, "role": "convener"})
            for member in members:
                self._add_member(body_id, member if isinstance(member, BodyMember) else BodyMember(body_id=body_id, **member))
        return attrs.evolve(body, id=body_id)

    def _add_member(self, body_id: int, member: BodyMember) -> int:
        if member.org_code:
            self.platform.organisations.get(member.org_code)
        if member.login:
            self.platform.members.get(Actor.system(), member.login)
        values = {k: v for k, v in attrs.asdict(member).items() if k != "id"}
        values["body_id"] = body_id
        return self.t(BODY_MEMBER).insert(values)

    def add_member(self, actor: Actor, body_id: int, *, org_code: str | None = None, login: str | None = None,
                   role: str = "member") -> int:
        """Add a member organisation or person (``part_time`` for Suyu's agencies)."""
        body = self.body(actor, body_id)
        self._can_convene(actor, body.area_path, f"body {body_id}")
        return self._add_member(body_id, BodyMember(body_id=body_id, org_code=org_code, login=login, role=role))

    def members(self, actor: Actor, body_id: int) -> list[BodyMember]:
        self.body(actor, body_id)
        return [BodyMember(id=r["id"], body_id=r["body_id"], org_code=r["org_code"], login=r["login"], role=r["role"])
                for r in self.t(BODY_MEMBER).rows(body_id=body_id, order_by="id")]  # fmt: skip

    def body(self, actor: Actor, body_id: int) -> Body:
        row = self.t(BODY).get(body_id)
        self._can_read(actor, row["area_path"], f"body {body_id}")
        return rows.body(row)

    def body_of(self, area: str, kind: str = "joint") -> Body | None:
        """The joint body of ``area`` (no access check: callers check the area)."""
        found = self.t(BODY).rows(kind=kind, area_code=area, order_by="id", limit=1)
        return rows.body(found[0]) if found else None

    def parent_body(self, body: Body) -> Body | None:
        """The joint body of the parent area: the only body a topic may move up to."""
        parent = self.platform.areas.get(body.area_code).parent_code
        return self.body_of(parent) if parent else None

    def bodies(self, actor: Actor, *, area: str | None = None, level: str | None = None, kind: str | None = None,
               limit: int = 200, offset: int = 0) -> list[Body]:
        """Bodies in the actor's areas (or ``area``'s subtree), top of the tree first."""
        where: dict[str, Any] = {}
        if level:
            where["level"] = level
        if kind:
            where["kind"] = kind
        if area:
            path = self.platform.areas.path_of(area)
            self._can_read(actor, path, f"area {area}")
            return [rows.body(r) for r in self.t(BODY).rows(order_by="area_path", limit=limit, offset=offset,
                                                            **rows.subtree_range(path), **where)]
        return [rows.body(r) for r in self.t(BODY).rows(order_by="area_path", limit=limit, offset=offset,
                                                        scope=actor, **where)]

    # -- meetings -------------------------------------------------------------------------

    def meeting(self, actor: Actor, meeting_id: int) -> Meeting:
        row = self.t(MEETING).get(meeting_id)
        self._can_read(actor, row["area_path"], f"meeting {meeting_id}")
        return rows.meeting(row)

    def schedule(self, actor: Actor, body_id: int, *, at: dt.datetime, place: str) -> Meeting:
        """Plan a meeting of a joint body."""
        body = self.body(actor, body_id)
        self._can_convene(actor, body.area_path, f"body {body_id}")
        if body.kind != "joint":
            raise ValidationError("body", f"body {body_id} is a co-building body; it records commitments, not meetings")
        meeting = Meeting(body_id=body_id, held_at=at, place=place, area_path=body.area_path, level=body.level)
        values = {k: v for k, v in attrs.asdict(meeting).items() if k not in ("id", "version")}
        return attrs.evolve(meeting, id=self.t(MEETING).insert(values))

    def upcoming(self, actor: Actor, *, area: str | None = None, limit: int = 50) -> list[tuple[Meeting, Body]]:
        """Planned meetings from now on in the actor's areas, soonest first."""
        where = {"status": "planned", "held_at__gte": self.platform.now()}
        if area:
            path = self.platform.areas.path_of(area)
            self._can_read(actor, path, f"area {area}")
            found = self.t(MEETING).rows(order_by="held_at", limit=limit, **rows.subtree_range(path), **where)
        else:
            found = self.t(MEETING).rows(order_by="held_at", limit=limit, scope=actor, **where)
        return [(rows.meeting(r), rows.body(self.t(BODY).get(r["body_id"]))) for r in found]

    def meetings(self, actor: Actor, body_id: int, *, limit: int = 50) -> list[Meeting]:
        self.body(actor, body_id)
        return [rows.meeting(r) for r in self.t(MEETING).rows(body_id=body_id, order_by="-held_at", limit=limit)]

    def record_minutes(self, actor: Actor, meeting_id: int, *, minutes: str,
                       attendees: Iterable[Attendance] = ()) -> Meeting:
        """Hold the meeting: its minutes and who came (absence with a reason). Minutes of
        a held meeting may be amended; a meeting cannot be held before it takes place."""
        row = self.t(MEETING).get(meeting_id)
        self._can_convene(actor, row["area_path"], f"meeting {meeting_id}")
        current = rows.meeting(row)
        if not minutes.strip():
            raise ValidationError("minutes", "the minutes say what was discussed and decided")
        if current.held_at > self.platform.now():
            raise ValidationError("minutes", f"meeting {meeting_id} is at {self.platform.time.format(current.held_at)}, "
                                             "after now; record its minutes when it has taken place")
        if current.status != "held":
            MEETING_LIFE.step(current.status, "hold", key=meeting_id, actor=actor, path=current.area_path)
        with self.platform.transaction():
            self.t(MEETING).update(meeting_id, {"status": "held", "minutes": minutes, "recorded_by": actor.login},
                                   expected_version=current.version)
            for person in attendees:
                self.t(ATTENDANCE).insert({"meeting_id": meeting_id, "org_code": person.org_code, "login": person.login,
                                           "present": int(person.present), "reason": person.reason})
        return rows.meeting(self.t(MEETING).get(meeting_id))

    def attendance(self, actor: Actor, meeting_id: int) -> list[Attendance]:
        self.meeting(actor, meeting_id)
        return [Attendance(org_code=r["org_code"], login=r["login"], present=bool(r["present"]), reason=r["reason"] or "")
                for r in self.t(ATTENDANCE).rows(meeting_id=meeting_id, order_by="id")]  # fmt: skip

    def cancel(self, actor: Actor, meeting_id: int, *, note: str) -> Meeting:
        current = rows.meeting(self.t(MEETING).get(meeting_id))
        step = MEETING_LIFE.step(current.status, "cancel", key=meeting_id, actor=actor, path=current.area_path,
                                 params={"note": note})
        self.t(MEETING).update(meeting_id, {"status": step.target}, expected_version=current.version)
        return rows.meeting(self.t(MEETING).get(meeting_id))

    # -- topics ---------------------------------------------------------------------------

    def topic(self, actor: Actor, topic_id: int) -> Topic:
        row = self.t(TOPIC).get(topic_id)
        self._can_read(actor, row["area_path"], f"topic {topic_id}")
        return rows.topic(row)

    def topics(self, actor: Actor, body_id: int, *, status: str | None = "open") -> list[Topic]:
        """The topics lying at a body now (``status`` None: all of them)."""
        self.body(actor, body_id)
        where = {"status": status} if status else {}
        return [rows.topic(r) for r in self.t(TOPIC).rows(body_id=body_id, order_by="raised_at", **where)]

    def _history(self, topic: Topic, move: str, actor: Actor, at: dt.datetime, *, source: str, target: str,
                 body: Body, note: str = "", to_body: Body | None = None, meeting: Meeting | None = None) -> None:
        self.t(TOPIC_HISTORY).insert({
            "record_id": topic.id, "move": move, "from_status": source, "to_status": target, "actor": actor.login,
            "at": at, "note": note, "body_id": body.id, "to_body_id": to_body.id if to_body else None,
            "level": body.level, "meeting_id": meeting.id if meeting else None,
            "minutes": meeting.minutes if meeting and move == "move_up" else None, "area_path": topic.area_path,
        })  # fmt: skip

    def raise_topic(self, actor: Actor, body_id: int, *, title: str, origin: str, text: str = "",
                    issue_id: int | None = None, origin_ref: str | None = None, at: dt.datetime | None = None) -> Topic:
        """Put a matter to a body: from a core case (``issue_id``), a resident, a member
        unit, or the level below (``origin_ref`` names who)."""
        body = self.body(actor, body_id)
        self._can_convene(actor, body.area_path, f"body {body_id}")
        if body.kind != "joint":
            raise ValidationError("body", f"body {body_id} is a co-building body; topics go to joint meetings")
        at = at or self.platform.now()
        if origin == "case" and issue_id is None:
            raise ValidationError("issue_id", "a topic from a core case names the case")
        if issue_id is not None:
            case = self.platform.issues.get(actor, issue_id)
            if not case.area_path.startswith(body.area_path):
                raise ValidationError("issue_id", f"case {issue_id} lies in {case.area_code}, outside {body.area_code}")
            if self.t(TOPIC).count(issue_id=issue_id, status="open"):
                raise ValidationError("issue_id", f"case {issue_id} is already an open topic")
        topic = Topic(title=title, text=text, origin=origin, origin_ref=origin_ref, body_id=body_id,
                      origin_body_id=body_id, level=body.level, origin_level=body.level, area_path=body.area_path,
                      issue_id=issue_id, raised_at=at, raised_by=actor.login)  # fmt: skip
        with self.platform.transaction():
            values = {k: v for k, v in attrs.asdict(topic).items() if k not in ("id", "version")}
            topic = attrs.evolve(topic, id=self.t(TOPIC).insert(values))
            self._history(topic, "raise", actor, at, source="", target="open", body=body)
        return topic

    def _on_agenda(self, meeting_id: int, topic_id: int) -> bool:
        return bool(self.t(AGENDA).count(meeting_id=meeting_id, topic_id=topic_id))

    def add_to_agenda(self, actor: Actor, meeting_id: int, topic_id: int) -> None:
        """Put a topic lying at the meeting's body on the meeting's agenda."""
        meeting = rows.meeting(self.t(MEETING).get(meeting_id))
        self._can_convene(actor, meeting.area_path, f"meeting {meeting_id}")
        topic = rows.topic(self.t(TOPIC).get(topic_id))
        if topic.body_id != meeting.body_id:
            raise ValidationError("topic", f"topic {topic_id} lies at body {topic.body_id}, not at this meeting's body")
        if topic.status != "open":
            raise ValidationError("topic", f"topic {topic_id} is {topic.status}")
        if self._on_agenda(meeting_id, topic_id):
            return
        position = self.t(AGENDA).count(meeting_id=meeting_id) + 1
        self.t(AGENDA).insert({"meeting_id": meeting_id, "topic_id": topic_id, "position": position})

    def agenda(self, actor: Actor, meeting_id: int) -> list[Topic]:
        self.meeting(actor, meeting_id)
        items = self.t(AGENDA).rows(meeting_id=meeting_id, order_by="position")
        return [rows.topic(self.t(TOPIC).get(i["topic_id"])) for i in items]

    def build_agenda(self, actor: Actor, body_id: int, *, cases: int = 20) -> list[Proposal]:
        """What the body's next meeting should take up: topics moved up from the level
        below first, then the body's own open topics, then core cases escalated to this
        level (handled at the body's area) that are not topics yet."""
        body = self.body(actor, body_id)
        moved, own = [], []
        for topic in self.topics(actor, body_id):
            if topic.moves:
                last = self.t(TOPIC_HISTORY).rows(record_id=topic.id, move="move_up", order_by="-id", limit=1)
                below = self.t(BODY).get(last[0]["body_id"])["name"] if last else None
                moved.append(Proposal(kind="moved_up", title=topic.title, topic_id=topic.id, from_body=below))
            else:
                own.append(Proposal(kind="open", title=topic.title, topic_id=topic.id))
        escalated = []
        if cases and actor.covers(READ, body.area_path):
            found = self.platform.issues.list(actor, area=body.area_code, level=body.level, open_only=True, limit=cases * 3)
            for case in found:
                if case.handling_area == body.area_code and case.escalation_count and \
                        not self.t(TOPIC).count(issue_id=case.id, status="open"):
                    escalated.append(Proposal(kind="case", title=case.title, issue_id=case.id))
                if len(escalated) >= cases:
                    break
        return moved + own + escalated

    def _require_held_with(self, meeting: Meeting, topic: Topic, move: str) -> None:
        if meeting.body_id != topic.body_id:
            raise TransitionRefused(topic.id, move, f"meeting {meeting.id} is not of the body the topic lies at",
                                    record="topic")
        if meeting.status != "held" or not meeting.minutes.strip():
            raise TransitionRefused(topic.id, move, f"meeting {meeting.id} has no minutes; record the minutes of the "
                                                    "meeting that discussed the topic first", record="topic")
        if not self._on_agenda(meeting.id, topic.id):
            raise TransitionRefused(topic.id, move, f"the topic was not on the agenda of meeting {meeting.id}",
                                    record="topic")

    def move_up(self, actor: Actor, topic_id: int, *, meeting_id: int | None, to_body: int | None = None,
                note: str = "", at: dt.datetime | None = None) -> Topic:
        """Move a topic the body could not settle to the parent level's body, with the
        minutes of ``meeting_id`` (the meeting that discussed it) attached. Refused without
        minutes, and refused when ``to_body`` is not the parent area's body (no skipping)."""
        topic = rows.topic(self.t(TOPIC).get(topic_id))
        body = rows.body(self.t(BODY).get(topic.body_id))
        TOPIC_LIFE.step(topic.status, "move_up", key=topic_id, actor=actor, path=body.area_path,
                        params={"meeting_id": meeting_id})
        meeting = rows.meeting(self.t(MEETING).get(meeting_id))
        self._require_held_with(meeting, topic, "move_up")
        parent = self.parent_body(body)
        if parent is None:
            raise TransitionRefused(topic_id, "move_up", f"{body.area_code} has no parent level with a joint meeting "
                                                         "body", record="topic")
        if to_body is not None and to_body != parent.id:
            target = self.t(BODY).find(to_body)
            where = f"{target['name']} ({target['level']})" if target else f"body {to_body}"
            raise TransitionRefused(topic_id, "move_up", f"a topic cannot skip a level: {body.name} moves it to "
                                                         f"{parent.name} ({parent.level}), not to {where}", record="topic")
        at = at or self.platform.now()
        if at < meeting.held_at:
            raise ValidationError("at", "a topic moves up after the meeting that discussed it")
        with self.platform.transaction():
            self.t(TOPIC).update(topic_id, {"body_id": parent.id, "level": parent.level, "moves": topic.moves + 1},
                                 expected_version=topic.version)
            self._history(topic, "move_up", actor, at, source="open", target="open", body=body, note=note,
                          to_body=parent, meeting=meeting)
            self._write_case(actor, topic, f"议题上移至{parent.name} / moved up to {parent.name}: {note or topic.title}",
                             resolves=False, at=at)
        return rows.topic(self.t(TOPIC).get(topic_id))

    def withdraw(self, actor: Actor, topic_id: int, *, note: str, at: dt.datetime | None = None) -> Topic:
        topic = rows.topic(self.t(TOPIC).get(topic_id))
        body = rows.body(self.t(BODY).get(topic.body_id))
        step = TOPIC_LIFE.step(topic.status, "withdraw", key=topic_id, actor=actor, path=body.area_path,
                               params={"note": note})
        at = at or self.platform.now()
        with self.platform.transaction():
            self.t(TOPIC).update(topic_id, {"status": step.target}, expected_version=topic.version)
            self._history(topic, "withdraw", actor, at, source="open", target=step.target, body=body, note=note)
        return rows.topic(self.t(TOPIC).get(topic_id))

    # -- decisions ------------------------------------------------------------------------

    def decide(self, actor: Actor, meeting_id: int, *, text: str, owner_org: str, due: dt.date,
               topic_id: int | None = None, settles: bool = True, at: dt.datetime | None = None) -> Decision:
        """Record a decision of a held meeting, with the unit that carries it out and its
        due date. A decision on a topic settles it (unless ``settles`` is False): the
        decision is reported back to every body below that the topic passed through, and
        written on the linked core case through the workflow."""
        meeting = rows.meeting(self.t(MEETING).get(meeting_id))
        self._can_convene(actor, meeting.area_path, f"meeting {meeting_id}")
        self.platform.organisations.get(owner_org)
        if meeting.status != "held":
            raise ValidationError("meeting", f"meeting {meeting_id} is {meeting.status}; record its minutes first")
        if due < self.platform.time.day_of(meeting.held_at):
            raise ValidationError("due", f"{due} is before the meeting ({self.platform.time.day_of(meeting.held_at)})")
        at = at or self.platform.now()
        topic = None
        if topic_id is not None:
            topic = rows.topic(self.t(TOPIC).get(topic_id))
            if topic.status != "open":
                raise TransitionRefused(topic_id, "settle", f"the topic is {topic.status}", record="topic")
            self._require_held_with(meeting, topic, "settle")
        decision = Decision(meeting_id=meeting_id, topic_id=topic_id, owner_org=owner_org, due=due, text=text,
                            area_path=topic.area_path if topic else meeting.area_path)
        with self.platform.transaction():
            values = {k: v for k, v in attrs.asdict(decision).items() if k not in ("id", "version")}
            values.update(level=meeting.level, decided_at=at)
            decision = attrs.evolve(decision, id=self.t(DECISION).insert(values))
            if topic is not None and settles:
                self._settle(actor, topic, decision, meeting, at)
        return decision

    def _settle(self, actor: Actor, topic: Topic, decision: Decision, meeting: Meeting, at: dt.datetime) -> None:
        body = rows.body(self.t(BODY).get(topic.body_id))
        TOPIC_LIFE.step(topic.status, "settle", key=topic.id, actor=actor, path=body.area_path)
        self.t(TOPIC).update(topic.id, {"status": "settled", "settled_at": at}, expected_version=topic.version)
        self._history(topic, "settle", actor, at, source="open", target="settled", body=body, meeting=meeting,
                      note=decision.text)
        below = [h["body_id"] for h in self.t(TOPIC_HISTORY).rows(record_id=topic.id, move="move_up", order_by="id")]
        for body_id in dict.fromkeys(below):
            self.t(REPORT_BACK).insert({"topic_id": topic.id, "decision_id": decision.id, "body_id": body_id, "at": at})
        self._write_case(actor, topic, f"{body.name}决定 / decision of {body.name}: {decision.text}", resolves=True, at=at)

    def _write_case(self, actor: Actor, topic: Topic, note: str, *, resolves: bool, at: dt.datetime) -> None:
        """Write a topic's move or decision on its core case through the workflow: a
        decision resolves a case that is being worked on; otherwise it is noted."""
        if topic.issue_id is None:
            return
        case = self.platform.issues.find_raw(topic.issue_id)
        if case is None or case.status not in OPEN_STATES:
            return
        action = RESOLVE_ACTION if resolves and case.status in RESOLVABLE else DECIDE_ACTION
        self.platform.issues.act(actor, topic.issue_id, action, note=note[:2000], at=max(at, last_moment(case)))

    def complete(self, actor: Actor, decision_id: int, *, done_on: dt.date) -> Decision:
        """The owner unit carried the decision out."""
        current = rows.decision(self.t(DECISION).get(decision_id))
        self._can_convene(actor, current.area_path, f"decision {decision_id}")
        if current.status == "done":
            raise ValidationError("decision", f"decision {decision_id} is done already")
        self.t(DECISION).update(decision_id, {"status": "done", "done_on": done_on}, expected_version=current.version)
        return rows.decision(self.t(DECISION).get(decision_id))

    def decisions(self, actor: Actor, *, meeting_id: int | None = None, topic_id: int | None = None,
                  overdue: bool = False, area: str | None = None, limit: int = 100) -> list[Decision]:
        where: dict[str, Any] = {}
        if meeting_id is not None:
            self.meeting(actor, meeting_id)
            where["meeting_id"] = meeting_id
        if topic_id is not None:
            self.topic(actor, topic_id)
            where["topic_id"] = topic_id
        if overdue:
            where.update(status="open", due__lt=self.platform.today())
        if area:
            path = self.platform.areas.path_of(area)
            self._can_read(actor, path, f"area {area}")
            where.update(rows.subtree_range(path))
        scope = None if (meeting_id or topic_id or area) else actor
        return [rows.decision(r) for r in self.t(DECISION).rows(order_by="due", limit=limit, scope=scope, **where)]

    # -- the chain ------------------------------------------------------------------------

    def chain(self, actor: Actor, topic_id: int) -> TopicChain:
        """The whole chain of a topic: where it was raised, each move up with the minutes
        attached, where it was settled, its decisions, the bodies told, and its case."""
        topic = self.topic(actor, topic_id)
        names: dict[int, str] = {}

        def name(body_id: int | None) -> str | None:
            if body_id is None:
                return None
            if body_id not in names:
                names[body_id] = self.t(BODY).get(body_id)["name"]
            return names[body_id]

        steps = tuple(
            ChainStep(move=h["move"], at=rows.as_datetime(h["at"]), body_id=h["body_id"], body_name=name(h["body_id"]),
                      level=h["level"], to_body_id=h["to_body_id"], to_body_name=name(h["to_body_id"]),
                      meeting_id=h["meeting_id"], minutes=h["minutes"] or "", note=h["note"] or "", actor=h["actor"] or "")
            for h in self.t(TOPIC_HISTORY).rows(record_id=topic_id, order_by="id")
        )  # fmt: skip
        decisions = tuple(rows.decision(r) for r in self.t(DECISION).rows(topic_id=topic_id, order_by="id"))
        told = tuple(name(r["body_id"]) for r in self.t(REPORT_BACK).rows(topic_id=topic_id, order_by="id"))
        status = None
        if topic.issue_id is not None:
            try:
                status = self.platform.issues.get(actor, topic.issue_id).status
            except AccessDenied:
                status = None
        return TopicChain(topic=topic, steps=steps, decisions=decisions, reported_back_to=told, case_status=status)

    def reported_back(self, actor: Actor, body_id: int) -> list[tuple[Topic, Decision]]:
        """Decisions of upper bodies on topics this body moved up, newest first."""
        self.body(actor, body_id)
        out = []
        for r in self.t(REPORT_BACK).rows(body_id=body_id, order_by="-at"):
            out.append((rows.topic(self.t(TOPIC).get(r["topic_id"])), rows.decision(self.t(DECISION).get(r["decision_id"]))))
        return out


def last_moment(case: Any) -> dt.datetime:
    """The latest instant the case records, so a written decision never precedes it."""
    stamps = [case.reported_at, case.registered_at, case.dispatched_at, case.accepted_at, case.resolved_at]
    return max(s for s in stamps if s is not None)

