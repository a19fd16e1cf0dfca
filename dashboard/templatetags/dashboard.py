from django import template

from dashboard.charts import bars_svg

register = template.Library()


@register.filter
def bars(rows, title=""):
    """Horizontal SVG bars of ``rows`` ({label, value}); the template gives the table too."""
    return bars_svg(list(rows), str(title))
