"""The screens' registrations; Textual is imported only when a screen opens."""

from __future__ import annotations

from typing import Any


def lists_screen(app: Any) -> Any:
    from .screens.lists import ListsScreen

    return ListsScreen(app)


def orders_screen(app: Any) -> Any:
    from .screens.orders import OrdersScreen

    return OrdersScreen(app)


def board_screen(app: Any) -> Any:
    from .screens.board import BoardScreen

    return BoardScreen(app)


SCREENS = (
    {"id": "service_lists.lists", "title_zh": "三张清单", "title_en": "needs, resources, services",
     "factory": lists_screen, "permission": "issue.read"},
    {"id": "service_lists.orders", "title_zh": "点单队列", "title_en": "orders queue",
     "factory": orders_screen, "permission": "issue.read"},
    {"id": "service_lists.board", "title_zh": "项目看板", "title_en": "project board",
     "factory": board_screen, "permission": "issue.read"},
)  # fmt: skip
