"""One page or a piece of it: htmx asks for a fragment, everyone else gets the page."""

from flask import render_template, request
from jinja2_fragments.flask import render_block, render_blocks


def wants_fragment() -> bool:
    """True when htmx (not a boosted link, which wants the whole page) made the request."""
    return bool(request.htmx) and not request.htmx.boosted


def render(template: str, block: str | None = None, **context) -> str:
    """The whole page, or just `block` of it when htmx asked for a fragment."""
    if block and wants_fragment():
        return render_block(template, block, **context)
    return render_template(template, **context)


def render_pieces(template: str, blocks: list[str], **context) -> str:
    """Several blocks of one page, for an htmx swap plus out-of-band updates."""
    return render_blocks(template, blocks, **context)
