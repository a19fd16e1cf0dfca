from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import lockout, services
from accounts.forms import AssignmentForm, LoginForm, ReasonForm, UserCreateForm
from accounts.models import Assignment, User
from core import clientip, ratelimit
from core.scoping import scope_of


def _require_admin(request):
    if not scope_of(request.user).is_admin:
        raise PermissionDenied


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


RESET_WINDOW = 3600  # seconds


class PasswordResetView(auth_views.PasswordResetView):
    """Throttled: ``OCOP_RESET_LIMIT_PER_NETWORK`` requests an hour from one client network
    (then a 429 page), ``OCOP_RESET_LIMIT_PER_EMAIL`` e-mails an hour to one address (then
    none, silently: the page never tells whether an address has an account)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        network = clientip.network(clientip.client_ip(request)) or "unknown"
        count = ratelimit.hit("password-reset-network", network, window=RESET_WINDOW)
        if count > settings.OCOP_RESET_LIMIT_PER_NETWORK:
            return render(
                request,
                "accounts/password_reset_limited.html",
                {"minutes": RESET_WINDOW // 60},
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        count = ratelimit.hit("password-reset-email", email, window=RESET_WINDOW)
        if count > settings.OCOP_RESET_LIMIT_PER_EMAIL:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password by e-mail also lifts the sign-in lockout: its owner is never shut out
    by someone who guessed at the account from elsewhere."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        if lockout.status(self.user.get_username())["failures"]:
            services.user_unlock(
                actor=self.user, user=self.user, reason=_("Password reset by e-mail")
            )
        return response


def user_list(request):
    _require_admin(request)
    users = User.objects.prefetch_related("assignments__unit__province").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


def user_create(request):
    _require_admin(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(actor=request.user, **form.cleaned_data)
        messages.success(request, _("User %(name)s was created.") % {"name": user})
        return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def user_detail(request, pk):
    _require_admin(request)
    user = get_object_or_404(User, pk=pk)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assignment_create(
                actor=request.user,
                user=user,
                role=data["role"],
                unit=data["unit_code"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                note=data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The role was assigned."))
            return redirect("accounts:user_detail", pk=user.pk)
    assignments = user.assignments.select_related("unit__province", "unit__parent")
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": user,
            "assignments": assignments,
            "form": form,
            "reason_form": ReasonForm(),
            "lockout": lockout.status(user.get_username()),
        },
    )


@require_POST
def assignment_end(request, pk):
    _require_admin(request)
    assignment = get_object_or_404(Assignment, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(
                actor=request.user, assignment=assignment, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The assignment was ended."))
    else:
        messages.error(request, _("Give a reason for ending the assignment."))
    return redirect("accounts:user_detail", pk=assignment.user_id)


@require_POST
def user_unlock(request, pk):
    _require_admin(request)
    user = get_object_or_404(User, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for this change."))
    else:
        services.user_unlock(actor=request.user, user=user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The account was unlocked."))
    return redirect("accounts:user_detail", pk=user.pk)


@require_POST
def user_toggle_active(request, pk):
    _require_admin(request)
    user = get_object_or_404(User, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for this change."))
    elif user == request.user:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        services.user_set_active(
            actor=request.user,
            user=user,
            active=not user.is_active,
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The account was updated."))
    return redirect("accounts:user_detail", pk=user.pk)
