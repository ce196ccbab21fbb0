"""The invitation page: an invited operator sets a password and is logged in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from psephos.core.errors import ValidationFailed

from .services.invitations import invitation_accept, invitation_get


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Show the set-password form of a valid invitation; on POST set it and log in.

    An unknown, used or expired token is a 404 (the domain error middleware renders
    it). A refused password re-renders the form with the error and changes nothing.
    """
    pending = invitation_get(raw=token)
    error = ""
    if request.method == "POST":
        password = request.POST.get("password1", "")
        if password != request.POST.get("password2", ""):
            error = _("The two passwords differ.")
        else:
            try:
                user = invitation_accept(raw=token, password=password)
            except ValidationFailed as exc:
                error = exc.message
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Your password is set; you are logged in."))
                return redirect("web:staff")
    return render(
        request,
        "accounts/invitation.html",
        {"username": pending.user.username, "error": error},
        status=422 if error else 200,
    )
