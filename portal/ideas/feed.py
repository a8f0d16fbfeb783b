"""The Atom feed of ideas on the board, newest first, with their tallies (verified and
not verified apart, as everywhere)."""

from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.ideas.models import Idea
from portal.shared.atom import AtomFeed


def tally_text(idea: Idea) -> str:
    supports = ngettext("%(num)s support (one per device)", "%(num)s supports (one per device)", idea.support_count)
    return _("%(supports)s: %(verified)s verified by email, %(unverified)s not verified",
             supports=supports, verified=idea.verified_count, unverified=idea.unverified_count)


def build_feed(ideas: list[Idea], base_url: str) -> bytes:
    updated = max((idea.reviewed_at or idea.created_at for idea in ideas), default=None)
    feed = AtomFeed(base_url, "/ideas/feed.atom", "/ideas", _("Ideas – Your Place – Bradford District"),
                    _("Ideas people have shared for the seven topics, and how many support each."), updated,
                    _("Your Place – Bradford District"))
    for idea in ideas:
        place = idea.area.local_name if idea.area else _("Bradford District")
        lines = [idea.public_text or "", _("Area: %(area)s", area=place), tally_text(idea)]
        feed.entry(f"/ideas/{idea.theme.slug}/{idea.id}", idea.public_title or "", idea.created_at, idea.reviewed_at,
                   f"{tally_text(idea)}. {idea.public_text or ''}", "\n\n".join(lines),
                   category=(idea.theme.slug, idea.theme.local_name))
    return feed.to_bytes()
