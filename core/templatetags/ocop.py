from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def app_label(obj) -> str:
    return obj._meta.app_label


@register.filter
def model_name(obj) -> str:
    return obj._meta.model_name


@register.filter
def get_item(mapping, key):
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)


@register.inclusion_tag("core/_related.html", takes_context=True)
def related_panels(context, obj):
    """The linked records of other modules, and the next step (``core.related``)."""
    from core.related import panels_for

    request = context.get("request")
    return {"panels": panels_for(request.user, obj) if request else []}


@register.simple_tag(takes_context=True)
def related_actions(context, obj):
    """Steps other modules offer at the head of the page (``core.related.register_action``)."""
    from core.related import actions_for

    request = context.get("request")
    links = actions_for(request.user, obj) if request else []
    return format_html_join(
        "",
        '<a class="btn" href="{}"{}>{}</a>',
        (
            (
                link.url,
                format_html(' data-testid="{}"', link.testid) if link.testid else "",
                link.label,
            )
            for link in links
        ),
    )


@register.inclusion_tag("core/_workflow.html", takes_context=True)
def workflow_panel(context, obj, show_history=True):
    """The "next step" panel of a record that moves through a workflow (core.workflow)."""
    from core.workflow.panel import panel

    request = context.get("request")
    return {
        **panel(
            getattr(request, "user", None),
            obj,
            show_history=show_history,
            session=getattr(request, "session", None),
        ),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
