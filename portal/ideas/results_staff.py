"""Staff: the idea board's results by theme, area, audience and channel (the page, its
chart and a CSV download), and the list of unusual bursts of supports, which a moderator
may void. The rules are in `portal.ideas.results`; these views read the request, call
them, commit once and redirect (Post/Redirect/Get)."""

from flask import Response, flash, redirect, request, url_for
from flask_login import current_user

from portal.core.models import ordered_themes
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.ideas import bp
from portal.ideas import results as idea_results
from portal.shared.fragments import render
from portal.staff.auth import role_required
from portal.timeutil import uk_today


def _asked_for():
    themes = ordered_themes()
    options = idea_results.ResultsOptions.read(request.args, [theme.slug for theme in themes])
    return themes, options, idea_results.results(options, themes)


@bp.get("/moderate/ideas/results")
@role_required("moderator", "facilitator")
def results():
    """Ideas and supports grouped as the person chose, small groups hidden, with a chart."""
    themes, options, found = _asked_for()
    chosen_theme = next((theme for theme in themes if theme.slug == options.theme), None)
    return render(
        "ideas/results/results.html", found=found, options=options, themes=themes, chosen_theme=chosen_theme,
        dimension_labels=idea_results.DIMENSION_LABELS, supports_measures=idea_results.MEASURES[1:],
        column_labels=idea_results.COLUMN_LABELS, suppress_below=idea_results.SUPPRESS_BELOW,
        chart_width=idea_results.CHART_WIDTH, chart_height=idea_results.chart_height(found.chart),
        chart_top=idea_results.CHART_TOP, chart_row=idea_results.CHART_ROW,
        chart_description=idea_results.chart_description(found.chart),
    )


@bp.get("/moderate/ideas/results.csv")
@role_required("moderator", "facilitator")
def results_csv():
    """The same figures, grouped and hidden the same way, as a spreadsheet."""
    _themes, _options, found = _asked_for()
    name = f"idea-results-{uk_today().isoformat()}.csv"
    # Staff figures: never kept in a shared cache (the app sets this on HTML pages only).
    return Response(idea_results.results_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/moderate/ideas/anomalies")
@role_required("moderator")
def anomalies():
    """Bursts of supports for a person to judge; nothing here is voided automatically."""
    return render("ideas/results/anomalies.html", bursts=idea_results.find_bursts(),
                  rules=idea_results.BURST_RULES, look_back_days=idea_results.LOOK_BACK.days)


@bp.post("/moderate/ideas/anomalies/void")
@role_required("moderator")
def void_burst():
    """Void one listed burst. The form names it; the rows are found again here."""
    try:
        outcome = idea_results.void_burst(request.form.get("burst", "")[:200], current_user._get_current_object())
    except idea_results.UnknownBurst:
        db.session.rollback()
        flash(_("That burst is not in the list as it is now: its supports may have changed since the page was "
                "loaded. Nothing was voided. Check the list again."), "info")
        return redirect(url_for("ideas.anomalies"), code=303)
    if not outcome.voided:
        db.session.rollback()
        flash(_("Nothing changed: every support in that burst was already voided."), "info")
        return redirect(url_for("ideas.anomalies"), code=303)
    db.session.commit()
    flash(ngettext("%(num)s support voided (%(subject)s).", "%(num)s supports voided (%(subject)s).",
                   outcome.voided, subject=outcome.burst.subject) + " "
          + ngettext("The tally of %(num)s idea now leaves it out.", "The tallies of %(num)s ideas now leave them out.",
                     outcome.ideas), "success")
    return redirect(url_for("ideas.anomalies"), code=303)
