"""Staff accounts for admins: invite by email (a single-use link to set a password, then
the authenticator), change a role, disable or enable, send a new link, reset a lost
authenticator. Each change is audited with before and after (portal/staff/services.py)."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.admin import bp
from portal.admin.forms import InviteForm, ReasonForm, RoleForm, role_items
from portal.extensions import db
from portal.shared.fragments import render
from portal.shared.links import public_url
from portal.shared.outbox import enqueue
from portal.staff.auth import role_required
from portal.staff.models import StaffUser
from portal.staff.services import (
    INVITATION_DAYS,
    AccountError,
    account_state,
    change_role,
    invite,
    new_invitation,
    recovery_codes_left,
    reset_authenticator,
    set_active,
)

STATE_LABELS = {
    "active": "Active",
    "invited": "Invited: has not set a password yet",
    "no_authenticator": "Has not set up the authenticator yet",
    "disabled": "Disabled",
}


def _account(user_id: int) -> StaffUser:
    return db.session.get(StaffUser, user_id) or abort(404)


def _email_link(user: StaffUser, token: str) -> None:
    link = public_url(url_for("staff.invitation", token=token))
    body = (f"Hello {user.display_name},\n\n"
            f"{current_user.display_name} has given you a {user.role_label.lower()} account on Your Place, "
            "Bradford District's engagement portal.\n\n"
            f"Set your password here (the link works once, for {INVITATION_DAYS} days):\n{link}\n\n"
            "After that you will set up an authenticator app on your phone for the one-time codes.\n\n"
            "If you did not expect this email, tell the Your Place team and do not use the link.\n")
    enqueue(f"staff:invitation:{user.id}:{token[:12]}", user.email, "Your Your Place staff account", body)


@bp.get("/staff")
@role_required("admin")
def accounts():
    """Every staff account, with its role and state."""
    users = list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.email)))
    return render("admin/accounts.html", users=[(user, STATE_LABELS[account_state(user)]) for user in users])


@bp.route("/staff/invite", methods=["GET", "POST"])
@role_required("admin")
def invite_account():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user, token = invite(form.email.data, form.name.data, form.role.data, current_user)
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            _email_link(user, token)
            db.session.commit()
            flash(f"We have emailed {user.email} a link to set their password. It works once, for "
                  f"{INVITATION_DAYS} days.", "success")
            return redirect(url_for("admin.account", user_id=user.id), 303)
    return render("admin/invite.html", form=form, role_items=role_items())


@bp.get("/staff/<int:user_id>")
@role_required("admin")
def account(user_id: int):
    user = _account(user_id)
    return _account_page(user, RoleForm(data={"role": user.role}))


def _account_page(user: StaffUser, role_form: RoleForm, status: int = 200):
    return render("admin/account.html", user=user, state=STATE_LABELS[account_state(user)], role_form=role_form,
                  role_items=role_items(), codes_left=recovery_codes_left(user), is_me=user.id == current_user.id), status


@bp.post("/staff/<int:user_id>/role")
@role_required("admin")
def account_role(user_id: int):
    user = _account(user_id)
    form = RoleForm()
    if form.validate_on_submit():
        try:
            changed = change_role(user, form.role.data, current_user)
        except AccountError as error:
            db.session.rollback()
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{user.display_name} is now {user.role_label.lower()}." if changed else "Nothing changed.", "success")
            return redirect(url_for("admin.account", user_id=user.id), 303)
    return _account_page(user, form, 422)


@bp.post("/staff/<int:user_id>/active")
@role_required("admin")
def account_active(user_id: int):
    """Disable or enable. The wanted state travels in the form, so a replay changes nothing."""
    user = _account(user_id)
    wanted = request.form.get("active")
    if wanted not in ("0", "1"):
        abort(400)
    try:
        changed = set_active(user, wanted == "1", current_user)
    except AccountError as error:
        db.session.rollback()
        flash(f"{error}. Nothing has been changed.", "info")
        return redirect(url_for("admin.account", user_id=user.id), 303)
    db.session.commit()
    if changed:
        flash(f"{user.display_name}'s account is {'enabled' if user.active else 'disabled: they are signed out and cannot sign in'}.",
              "success")
    return redirect(url_for("admin.account", user_id=user.id), 303)


@bp.post("/staff/<int:user_id>/link")
@role_required("admin")
def account_link(user_id: int):
    """A new set-your-password link: for an invitation that expired or a forgotten
    password. Earlier links stop working; the current password works until it is used."""
    user = _account(user_id)
    if not user.active:
        flash("Enable the account first.", "info")
        return redirect(url_for("admin.account", user_id=user.id), 303)
    _email_link(user, new_invitation(user, current_user))
    db.session.commit()
    flash(f"We have emailed {user.email} a new link to set their password. It works once, for {INVITATION_DAYS} days.",
          "success")
    return redirect(url_for("admin.account", user_id=user.id), 303)


@bp.route("/staff/<int:user_id>/reset-authenticator", methods=["GET", "POST"])
@role_required("admin")
def account_reset_authenticator(user_id: int):
    """For someone who lost their phone and their recovery codes: their next sign-in sets
    up a new authenticator. An admin checks it is really them first, and says how."""
    user = _account(user_id)
    form = ReasonForm()
    if form.validate_on_submit():
        reset_authenticator(user, current_user, form.reason.data)
        db.session.commit()
        flash(f"{user.display_name} will set up a new authenticator app the next time they sign in with their password.",
              "success")
        return redirect(url_for("admin.account", user_id=user.id), 303)
    return render("admin/reset_authenticator.html", user=user, form=form)
