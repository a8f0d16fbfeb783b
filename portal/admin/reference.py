"""Themes, areas and settings for admins: reword, reorder, add, remove (only what nothing
uses), and change settings within their limits. Services do the rules and the audit."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import AreaForm, SettingForm, ThemeForm
from portal.admin.services import (
    AdminError,
    references_to,
    remove,
    save_area,
    save_setting,
    save_theme,
)
from portal.core.models import Area, Pillar, Theme, ordered_areas, ordered_themes, reference_changed
from portal.core.settings import all_specs, configured, setting_value
from portal.extensions import db
from portal.shared.fragments import render
from portal.staff.auth import role_required


@bp.get("/reference")
@role_required("admin")
def reference():
    """Everything an admin owns here, on one page."""
    settings = [(spec, setting_value(spec.key), configured(spec) is not None) for spec in all_specs().values()]
    return render("admin/reference.html", themes=ordered_themes(), areas=ordered_areas(), settings=settings)


def _pillar_choices() -> list[tuple[str, str]]:
    return [(pillar.slug, pillar.local_name) for pillar in db.session.scalars(select(Pillar).order_by(Pillar.position))]


@bp.route("/themes/new", methods=["GET", "POST"], defaults={"theme_id": None})
@bp.route("/themes/<int:theme_id>", methods=["GET", "POST"])
@role_required("admin")
def theme(theme_id: int | None):
    found = db.session.get(Theme, theme_id) or abort(404) if theme_id else None
    data = {"name": found.name, "description": found.description, "plain_description": found.plain_description,
            "pillar": found.pillar.slug if found.pillar else "", "position": str(found.position + 1)} if found else \
        {"position": str(len(ordered_themes()) + 1)}
    form = ThemeForm(data=data)
    form.pillar.choices = _pillar_choices()
    if form.validate_on_submit():
        done = _saved(form, "#themes", lambda: save_theme(
            found, name=form.name.data, description=form.description.data,
            plain_description=form.plain_description.data, pillar_slug=form.pillar.data,
            position=int(form.position.data), actor=current_user))
        if done:
            return done
    return render("admin/theme.html", form=form, theme=found,
                  in_use=references_to("theme", found.id) if found else [])


@bp.post("/themes/<int:theme_id>/remove")
@role_required("admin")
def theme_remove(theme_id: int):
    return _remove(db.session.get(Theme, theme_id) or abort(404), url_for("admin.theme", theme_id=theme_id), "#themes")


def _saved(form, anchor: str, save):
    """Save a theme or an area: back to the list, or None with the reason on the name."""
    try:
        saved = save()
    except AdminError as error:
        db.session.rollback()
        form.name.errors.append(str(error))
        return None
    db.session.commit()
    reference_changed()
    flash(f"{saved.name} is saved.", "success")
    return redirect(url_for("admin.reference") + anchor, 303)


def _remove(found: Theme | Area, back: str, anchor: str):
    """Remove, or say why not and change nothing."""
    try:
        remove(found, current_user)
    except AdminError as error:
        db.session.rollback()
        flash(str(error), "info")
        return redirect(back, 303)
    db.session.commit()
    reference_changed()
    flash(f"{found.name} is removed.", "success")
    return redirect(url_for("admin.reference") + anchor, 303)


@bp.route("/areas/new", methods=["GET", "POST"], defaults={"area_id": None})
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
@role_required("admin")
def area(area_id: int | None):
    found = db.session.get(Area, area_id) or abort(404) if area_id else None
    form = AreaForm(data={"name": found.name, "position": str(found.position + 1)} if found else
                    {"position": str(len(ordered_areas()) + 1)})
    if form.validate_on_submit():
        done = _saved(form, "#areas", lambda: save_area(found, name=form.name.data,
                                                         position=int(form.position.data), actor=current_user))
        if done:
            return done
    return render("admin/area.html", form=form, area=found, in_use=references_to("area", found.id) if found else [])


@bp.post("/areas/<int:area_id>/remove")
@role_required("admin")
def area_remove(area_id: int):
    return _remove(db.session.get(Area, area_id) or abort(404), url_for("admin.area", area_id=area_id), "#areas")


@bp.route("/settings/<key>", methods=["GET", "POST"])
@role_required("admin")
def setting(key: str):
    spec = all_specs().get(key) or abort(404)
    fixed = configured(spec)
    form = SettingForm(data={"value": str(setting_value(key))})
    if fixed is None and form.validate_on_submit():
        try:
            changed = save_setting(spec, form.value.data, current_user)
        except AdminError as error:
            db.session.rollback()
            form.value.errors.append(str(error))
        else:
            db.session.commit()
            reference_changed()
            flash(f"{spec.label}: {form.value.data.strip()} {spec.suffix}." if changed else "Nothing changed.", "success")
            return redirect(url_for("admin.reference") + "#settings", 303)
    return render("admin/setting.html", form=form, spec=spec, fixed=fixed)
