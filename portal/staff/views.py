"""Staff sign-in with a password and a one-time code, and sign-out."""

import segno
from flask import flash, redirect, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from portal.extensions import db, limiter
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.shared.devices import device_or_address
from portal.shared.fragments import render
from portal.shared.pages import staff
from portal.shared.redirects import safe_next
from portal.staff import audit, bp, throttle
from portal.staff.forms import CodeForm, SetPasswordForm, SignInForm
from portal.staff.models import StaffUser
from portal.staff.services import (
    AccountError,
    accept_invitation,
    check_password,
    find_by_email,
    invitation_for,
    looks_like_recovery_code,
    new_recovery_codes,
    new_totp_secret,
    provisioning_uri,
    use_recovery_code,
    verify_code,
)

# Posts per minute: from one browser (its session), and from one address, which an
# office of staff shares; the throttle (portal/staff/throttle.py) does the slowing down.
SIGN_IN_LIMIT = "10 per minute"
SIGN_IN_ADDRESS_LIMIT = "60 per minute"

# Translated when they are shown. The same words for a wrong password, an unknown email
# and an account that must wait, so the page never tells which staff emails exist.
GENERIC_FAILURE = N_("The email address or password is not right")
WAIT = N_("Too many wrong attempts. Wait %(seconds)s seconds, then try again. If you are stuck, ask an admin to help.")


def _safe_next(target: str | None) -> str:
    # Only our own paths, so the sign-in page cannot be used to bounce people elsewhere.
    return safe_next(target, url_for("moderation.home"))


def _pending_user() -> StaffUser | None:
    user_id = session.get("pending_staff_id")
    return db.session.get(StaffUser, user_id) if user_id else None


@bp.route("/login", methods=["GET", "POST"])
@staff
@limiter.limit(SIGN_IN_ADDRESS_LIMIT, methods=["POST"], key_func=get_remote_address)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=device_or_address)
def login():
    """Step one: email and password. Success leads to the one-time code step."""
    if current_user.is_authenticated:
        return redirect(url_for("moderation.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = find_by_email(form.email.data)
        keys = throttle.keys_for(form.email.data)
        wait = throttle.waiting(keys, throttle.known_device_for(user.id if user else None))
        # The password is checked (or, for an unknown email, a hash made) every time,
        # so a wrong, an unknown and a waiting account take the same time to answer.
        right = check_password(user, form.password.data) and user.active
        if wait:
            audit.record("sign_in.throttled", "staff_user", user.id if user else None, detail="password",
                         actor=user)
            db.session.commit()
            form.password.errors.append(_(WAIT, seconds=throttle.describe(wait)))
        elif not right:
            throttle.record_failure(keys)
            audit.record("sign_in.failed", "staff_user", user.id if user else None,
                         detail="password" if user else "unknown email", actor=user)
            db.session.commit()
            form.password.errors.append(_(GENERIC_FAILURE))
        else:
            session["pending_staff_id"] = user.id
            session["pending_email"] = form.email.data
            session["pending_next"] = _safe_next(request.args.get("next"))
            audit.record("sign_in.password_ok", "staff_user", user.id, actor=user)
            db.session.commit()
            return redirect(url_for("staff.code" if user.totp_confirmed else "staff.setup_code"))
    return render("staff/login.html", form=form, signed_out=request.args.get("signed_out") == "1")


@bp.route("/login/code", methods=["GET", "POST"])
@staff
@limiter.limit(SIGN_IN_ADDRESS_LIMIT, methods=["POST"], key_func=get_remote_address)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=device_or_address)
def code():
    """Step two: the 6-digit code from the authenticator app."""
    user = _pending_user()
    if user is None or not user.totp_confirmed:
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit():
        keys = throttle.keys_for(session.get("pending_email") or user.email)
        wait = throttle.waiting(keys, throttle.known_device_for(user.id))
        if wait:
            audit.record("sign_in.throttled", "staff_user", user.id, detail="code", actor=user)
            db.session.commit()
            form.code.errors.append(_(WAIT, seconds=throttle.describe(wait)))
        elif looks_like_recovery_code(form.code.data) and use_recovery_code(user, form.code.data) or verify_code(user, form.code.data):
            return _complete_sign_in(user, keys)
        else:
            throttle.record_failure(keys)
            audit.record("sign_in.failed", "staff_user", user.id, detail="code", actor=user)
            db.session.commit()
            form.code.errors.append(_("The code is not right. Check your authenticator app and enter the code it shows now"))
    return render("staff/code.html", form=form)


@bp.route("/login/set-up-code", methods=["GET", "POST"])
@staff
@limiter.limit(SIGN_IN_ADDRESS_LIMIT, methods=["POST"], key_func=get_remote_address)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=device_or_address)
def setup_code():
    """First sign-in: scan a QR code into an authenticator app and confirm one code."""
    user = _pending_user()
    if user is None or user.totp_confirmed:
        return redirect(url_for("staff.login"))
    secret = session.get("pending_totp_secret")
    if not secret:
        secret = session["pending_totp_secret"] = new_totp_secret()
    form = CodeForm()
    if form.validate_on_submit():
        user.totp_secret = secret
        if verify_code(user, form.code.data):
            user.totp_confirmed = True
            audit.record("staff.code_set_up", "staff_user", user.id, actor=user)
            session.pop("pending_totp_secret", None)
            codes = new_recovery_codes(user)
            response = _complete_sign_in(user, throttle.keys_for(session.get("pending_email") or user.email))
            session["recovery_codes"] = codes  # shown once, on the next page
            session["after_recovery_codes"] = response.location
            response.location = url_for("staff.recovery_codes")
            return response
        db.session.rollback()
        form.code.errors.append(_("The code is not right. Check the app shows Your Place Bradford and enter the code it shows now"))
    qr = segno.make(provisioning_uri(user, secret), error="m")
    return render(
        "staff/setup_code.html",
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr_data_uri=qr.svg_data_uri(scale=4, dark="#0b0c0c", light="#ffffff"),
    )


def _complete_sign_in(user: StaffUser, keys: dict[str, str]):
    target = session.get("pending_next") or url_for("moderation.home")
    throttle.record_success(keys)
    # A fresh session id at sign-in, so an id planted before it is worthless.
    session.clear()
    session.regenerate()
    login_user(user)
    audit.record("sign_in.success", "staff_user", user.id, actor=user)
    db.session.commit()
    # This browser is now known to the account: a stranger's failures elsewhere do not
    # make it wait (portal/staff/throttle.py).
    return throttle.remember_device(redirect(target), user.id)


@bp.route("/recovery-codes", methods=["GET", "POST"])
@staff
def recovery_codes():
    """The recovery codes, once, right after the authenticator is set up."""
    if not current_user.is_authenticated:
        return redirect(url_for("staff.login"))
    codes = session.get("recovery_codes")
    onward = safe_next(session.get("after_recovery_codes"), url_for("moderation.home"))
    if request.method == "POST" or not codes:
        session.pop("recovery_codes", None)
        session.pop("after_recovery_codes", None)
        return redirect(onward)
    return render("staff/recovery_codes.html", codes=codes)


@bp.post("/logout")
@staff
def logout():
    """End the session on the server, not just in the browser."""
    if current_user.is_authenticated:
        audit.record("sign_out", "staff_user", current_user.id)
        db.session.commit()
    logout_user()
    session.end()
    return redirect(url_for("staff.login", signed_out="1"))




@bp.route("/invitation/<token>", methods=["GET", "POST"])
@staff
@limiter.limit(SIGN_IN_ADDRESS_LIMIT, methods=["POST"], key_func=get_remote_address)
@limiter.limit(SIGN_IN_LIMIT, methods=["POST"], key_func=device_or_address)
def invitation(token: str):
    """An admin's emailed link: set a password (once), then the authenticator. Opening
    the link changes nothing, so a mail scanner that follows it uses nothing up."""
    if len(token) > 100 or invitation_for(token) is None:
        return render("staff/invitation_problem.html"), 410
    user = db.session.get(StaffUser, invitation_for(token).user_id)
    form = SetPasswordForm()
    if form.validate_on_submit():
        if form.password.data != form.confirm.data:
            form.confirm.errors.append(_("The two passwords are not the same. Type the same password twice"))
        else:
            try:
                user = accept_invitation(token, form.password.data)
            except AccountError as error:
                db.session.rollback()
                form.password.errors.append(str(error))
            else:
                db.session.commit()
                if user.totp_confirmed:
                    flash(_("Your password is set. Sign in with it and your authenticator app."), "success")
                    return redirect(url_for("staff.login"), 303)
                session["pending_staff_id"] = user.id
                session["pending_email"] = user.email
                session["pending_next"] = url_for("moderation.home")
                return redirect(url_for("staff.setup_code"), 303)
    return render("staff/set_password.html", form=form, user=user)
