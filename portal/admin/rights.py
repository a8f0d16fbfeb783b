"""People's rights over their data: find everything held about a reference or an email
address, export it (subject access: a JSON file and a readable, printable page) and
erase it. Admins only; every search, export and erasure is audited with counts and
references, never the address or what was found (portal/admin/rights_service.py)."""

import json

from flask import Response, flash, redirect, request, url_for

from portal.admin import bp
from portal.admin import rights_service as service
from portal.admin.rights_forms import EraseForm, SearchForm
from portal.i18n import gettext as _
from portal.shared.fragments import render
from portal.staff.auth import role_required


def _searched(form: SearchForm):
    """The query from a valid search form, else None (the form holds the error)."""
    if "q" not in request.args or not form.validate():
        return None
    return service.parse(form.q.data)


@bp.get("/rights")
@role_required("admin")
def rights():
    """Search by reference or email address; with a query, everything held about it."""
    form = SearchForm(request.args)
    query = _searched(form)
    found = service.audited_find(query) if query else None
    # Errors are shown on the page with a 200, as on every other form here.
    return render("admin/rights.html", form=form, found=found)


@bp.get("/rights/export.json")
@role_required("admin")
def rights_json():
    """Subject access: everything found, as a JSON file to download."""
    form = SearchForm(request.args)
    query = _searched(form)
    if query is None:
        return render("admin/rights.html", form=form, found=None), 400
    found = service.audited_find(query, "rights.exported")
    body = json.dumps(service.as_json(found), ensure_ascii=False, indent=2, default=str)
    name = found.references[0] if len(found.references) == 1 else "subject-access"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}.json"',
        "Cache-Control": "no-store",
    })


@bp.get("/rights/export")
@role_required("admin")
def rights_printable():
    """Subject access: everything found, as a readable page to print or save as PDF."""
    form = SearchForm(request.args)
    query = _searched(form)
    if query is None:
        return render("admin/rights.html", form=form, found=None), 400
    found = service.audited_find(query, "rights.exported")
    return render("admin/rights_export.html", found=found, export=service.as_json(found))


@bp.route("/rights/erase", methods=["GET", "POST"])
@role_required("admin")
def rights_erase():
    """Confirm, with a reason, then erase everything found; audited."""
    form = EraseForm(request.form if request.method == "POST" else request.args)
    if request.method == "GET":
        form.q.data = request.args.get("q")
        search = SearchForm(request.args)
        query = _searched(search)
        if query is None:
            return render("admin/rights.html", form=search, found=None)
        return render("admin/rights_erase.html", form=form, found=service.find(query))
    search = SearchForm(q=form.q.data)
    if not search.validate():
        return render("admin/rights.html", form=search, found=None)
    query = service.parse(form.q.data)
    found = service.find(query)
    if not form.validate():
        return render("admin/rights_erase.html", form=form, found=found)
    try:
        counts = service.erase(query, form.reason.data)
    except service.EraseError as error:
        form.reason.errors = [_(str(error))]
        return render("admin/rights_erase.html", form=form, found=found)
    if counts:
        flash(_("Erased: %(what)s. The audit log records that this was done, and why.",
                what=", ".join(f"{n} {what}" for what, n in counts.items())), "success")
    else:
        flash(_("Nothing more to erase: what is left holds nothing about the person."), "success")
    return redirect(url_for("admin.rights", q=query.shown))
