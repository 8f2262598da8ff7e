"""Terminal UI screens of the joint-meetings plugin. Each factory takes the running app,
which carries ``platform``, ``actor`` and ``lang``."""

from __future__ import annotations

from typing import Any


def bodies_screen(app: Any):
    """The bodies in the actor's areas, with their cadence flags; Enter opens a body."""
    from .bodies import BodiesScreen

    return BodiesScreen(app)


def chain_screen(app: Any, topic_id: int | None = None):
    """A topic's chain across levels; without a topic, the topics moved up in the actor's
    areas, Enter opening one."""
    from .chain import ChainScreen, MovedTopicsScreen

    return ChainScreen(app, topic_id) if topic_id is not None else MovedTopicsScreen(app)


def agenda_screen(app: Any, body_id: int | None = None):
    """The agenda builder of a body; without one, the bodies to choose from."""
    from .agenda import AgendaScreen
    from .bodies import BodiesScreen

    return AgendaScreen(app, body_id) if body_id is not None else BodiesScreen(app, pick_for_agenda=True)
