"""What every gridgov screen shares: typed access to the app's platform, actor and catalog,
and bindings described in the UI's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import ModalScreen, Screen

from ..keys import localize_bindings

if TYPE_CHECKING:
    from gridgov.core import Actor, Platform

    from ..app import GridgovApp
    from ..catalog import Catalog
    from ..labels import Labels


class _Shared:
    @property
    def gg(self) -> GridgovApp:
        return self.app  # type: ignore[attr-defined, return-value]

    @property
    def platform(self) -> Platform:
        return self.gg.platform

    @property
    def actor(self) -> Actor:
        return self.gg.actor

    @property
    def t(self) -> Catalog:
        return self.gg.t

    @property
    def labels(self) -> Labels:
        return self.gg.labels


class GridgovScreen(_Shared, Screen[Any]):
    FORM = False
    """A form: the digit keys type into it and never switch screens."""

    def on_mount(self) -> None:
        localize_bindings(self, self.t)
        self.refresh_bindings()


class GridgovModal(_Shared, ModalScreen[Any]):
    def on_mount(self) -> None:
        localize_bindings(self, self.t)
        self.refresh_bindings()
