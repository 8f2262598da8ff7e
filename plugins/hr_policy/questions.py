"""Questions raised at sessions: each becomes a core issue of category ``hr.policy_question``
(source ``meeting``) routed to the HR bureau's branch for its topic, and the question row
mirrors its issue (deadline, answer, state) so that answering it from the core's queue or
from this plugin ends the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
from gridgov.core import Actor, Issue, NotFound, ValidationError

from . import tables
from .records import CATEGORY, MANAGE, Question


class QuestionDesk:
    """The question half of :class:`~.service.HrPolicyService` (it supplies ``platform``,
    ``session``, ``firm``, ``attendance``, ``policy`` and the access checks)."""

    def question(self, question_id: int) -> Question:
        try:
            return Question(**self._t(tables.QUESTION).get(int(question_id)))
        except NotFound:
            raise NotFound("question", question_id) from None

    def question_for_issue(self, issue_id: int) -> Question | None:
        rows = self._t(tables.QUESTION).rows(issue_id=issue_id)
        return Question(**rows[0]) if rows else None

    def questions(self, actor: Actor, *, status: str | None = None, session_id: int | None = None,
                  firm: str | None = None, overdue: bool = False, limit: int | None = None) -> list[Question]:
        """The questions queue: open ones soonest due first."""
        self.require_read(actor)
        where: dict[str, Any] = {}
        if status:
            where["status"] = status
        if session_id is not None:
            where["session_id"] = int(session_id)
        if firm:
            where["firm"] = firm
        if overdue:
            where.update(status="open", due_at__lt=self.platform.now())
        rows = self._t(tables.QUESTION).rows(order_by="id", **where)
        found = [Question(**r) for r in rows]
        far = dt.datetime.max
        found.sort(key=lambda q: (q.status != "open", q.due_at or far, q.id))
        return found[:limit] if limit else found

    def raise_question(self, actor: Actor, session_id: int, firm: str, text: str, *, topic: str | None = None,
                       policy: str | None = None, asked_by: str = "", at: dt.datetime | None = None) -> Question:
        """Record a question a firm raised at a session; it is reported as a core issue
        (source ``meeting``) and, where the actor may, registered and dispatched to the
        HR bureau's branch for its topic, which sets its deadline."""
        session = self.session(session_id)
        self._require(actor, MANAGE, session.venue_area)
        profile = self.firm(firm)
        came = [a for a in self.attendance(session.id) if a.firm == firm and a.attended]
        if not came:
            raise ValidationError("firm", f"{firm} did not attend session {session.id}; record its attendance first")
        if policy:
            p = self.policy(policy)
            topic = topic or p.topic
        topic = topic or "other"
        now = at or self.platform.now()
        question = Question(session_id=session.id, firm=firm, topic=topic, policy=policy, text=text,
                            asked_by=asked_by, raised_at=now)
        short = text.strip().replace("\n", " ")
        title = short if len(short) <= 60 else short[:59] + "…"
        payload = {"hr_question": {"session": session.id, "firm": firm, "policy": policy, "topic": topic}}
        with self.platform.transaction():
            issue = self.platform.issues.report(
                actor, area=profile.area_code or session.venue_area, category=CATEGORY, title=title,
                description=f"{profile.name}（{session.title}）：{text}", source="meeting",
                requester_name=asked_by or None, payload=payload, at=now)
            row = {k: v for k, v in attrs.asdict(question).items() if k != "id"}
            row["issue_id"] = issue.id
            question_id = self._t(tables.QUESTION).insert(row)
            issue = self._advance(actor, issue, ("register", "dispatch"), now)
            self.sync(issue)
        return self.question(question_id)

    def _advance(self, actor: Actor, issue: Issue, steps: Sequence[str], at: dt.datetime) -> Issue:
        for action in steps:
            if action in self.platform.issues.available_actions(actor, issue):
                issue = self.platform.issues.act(actor, issue.id, action, at=at)
        return issue

    def answer(self, actor: Actor, question_id: int, answer: str, *, at: dt.datetime | None = None) -> Question:
        """Answer a question: its issue is accepted if need be and resolved with the answer."""
        question = self.question(question_id)
        if question.issue_id is None:
            raise ValidationError("question", f"question {question_id} has no issue")
        if not answer.strip():
            raise ValidationError("answer", "must not be empty")
        now = at or self.platform.now()
        with self.platform.transaction():
            issue = self.platform.issues.get(actor, question.issue_id)
            issue = self._advance(actor, issue, ("register", "dispatch", "accept"), now)
            issue = self.platform.issues.act(actor, issue.id, "resolve", note=answer, at=now)
            self.sync(issue, answer=answer)
        return self.question(question_id)

    def sync(self, issue: Issue, *, answer: str | None = None) -> None:
        """Mirror an issue's state onto its question (called from ``issue_changed``)."""
        rows = self._t(tables.QUESTION).rows(issue_id=issue.id)
        if not rows:
            return
        row = rows[0]
        values: dict[str, Any] = {"due_at": issue.resolve_due}
        if issue.status in ("resolved", "verified", "closed"):
            values["status"] = "closed" if issue.status == "closed" else "answered"
            values["answered_at"] = issue.resolved_at
            if answer is not None:
                values["answer"] = answer
        elif issue.status in ("rejected", "merged"):
            values.update(status="withdrawn", answered_at=None)
        else:
            values.update(status="open", answered_at=None, answer="")
        self._t(tables.QUESTION).update(row["id"], values)
