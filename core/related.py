"""Linked records: every record page shows the records of other modules that belong to it,
and the next step where there is one (issue 18).

Lower apps cannot import higher ones (``.importlinter``): a dossier does not know decisions,
a product does not know stamp batches. So each higher app registers, when it is ready, a
*provider* for the models it links to: ``provider(user, obj) -> Panel | None``, reading
through ``restrict()`` (a user sees only the linked records they may see) with a constant
number of queries. Pages render ``{% related_panels object %}``.

A higher app may also offer a step at the head of the page (``register_action``: a
``provider(user, obj) -> Link | None``), rendered by ``{% related_actions object %}`` — the
product page's "Start a dossier", whose kind the recognition rules decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    note: str = ""  # a state, a date, a count: shown beside the label
    badge: str = ""  # a short state shown as a badge
    testid: str = ""  # a stable handle for tests (data-testid), where a page has one


@dataclass
class Panel:
    title: str
    links: list[Link] = field(default_factory=list)
    empty: str = ""  # said when there is no link (omit the panel when empty is "")
    action: Link | None = None  # the next step, a primary button
    order: int = 100


Provider = Callable[[object, object], Panel | None]
PROVIDERS: dict[str, list[Provider]] = defaultdict(list)


def register(model_label: str, provider: Provider) -> None:
    """``model_label``: "app_label.modelname", lower case (``Model._meta.label_lower``)."""
    if provider not in PROVIDERS[model_label]:
        PROVIDERS[model_label].append(provider)


def panels_for(user, obj) -> list[Panel]:
    panels = []
    for provider in PROVIDERS.get(obj._meta.label_lower, ()):
        panel = provider(user, obj)
        if panel is not None and (panel.links or panel.empty or panel.action):
            panels.append(panel)
    return sorted(panels, key=lambda p: p.order)


ActionProvider = Callable[[object, object], Link | None]
ACTIONS: dict[str, list[ActionProvider]] = defaultdict(list)


def register_action(model_label: str, provider: ActionProvider) -> None:
    """A step offered at the head of the page of ``model_label`` ("app_label.modelname")."""
    if provider not in ACTIONS[model_label]:
        ACTIONS[model_label].append(provider)


def actions_for(user, obj) -> list[Link]:
    found = (provider(user, obj) for provider in ACTIONS.get(obj._meta.label_lower, ()))
    return [link for link in found if link is not None]
