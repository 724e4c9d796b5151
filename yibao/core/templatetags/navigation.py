from django import template
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def current_page(context: template.Context, *view_names: str) -> SafeString:
    """` aria-current="page"` when the page's view is one of `view_names` (a name ending in
    `*` matches every view whose name starts with what comes before it)."""
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else ""
    for name in view_names:
        if current == name or (name.endswith("*") and current.startswith(name[:-1])):
            return mark_safe(' aria-current="page"')
    return mark_safe("")
