"""Who is using the UI: turning a login into an actor, with messages a person can act on."""

from __future__ import annotations

from gridgov.core import Actor, GridgovError, NotFound, Platform


class LoginProblem(GridgovError):
    """The login is unknown or holds no post; the message lists logins that would work."""

    exit_code = 2


def some_logins(platform: Platform, limit: int = 6) -> list[str]:
    """A few logins that hold a post today (for the error message)."""
    members = platform.members.list(Actor.system(), limit=limit * 4)
    found = []
    for member in members:
        if platform.actor(member.login).grants:
            found.append(member.login)
        if len(found) >= limit:
            break
    return found


def resolve_actor(platform: Platform, login: str | None) -> Actor:
    """The actor for ``login``; raises :class:`LoginProblem` with a useful message."""
    if not login:
        raise LoginProblem(_with_examples(platform, "no login given: use --as LOGIN or set GRIDGOV_LOGIN"))
    try:
        actor = platform.actor(login)
    except NotFound:
        raise LoginProblem(_with_examples(platform, f"unknown login {login!r}")) from None
    if not actor.active:
        raise LoginProblem(f"{login} is deactivated: a deactivated member holds no post and cannot log in")
    if not actor.grants:
        raise LoginProblem(_with_examples(platform, f"{login} holds no post today, so there is nothing to show"))
    return actor


def _with_examples(platform: Platform, message: str) -> str:
    examples = some_logins(platform)
    if examples:
        return f"{message}; try one of: {', '.join(examples)}"
    return f"{message}; the database has no members yet (run `gridgov demo` first)"
