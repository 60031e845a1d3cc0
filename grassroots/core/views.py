"""Pages of user management: department administrators create users, grant and withdraw
roles within their subtrees, set passwords and deactivate accounts (all through services.py)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import services
from .access import Scope
from .choices import Permission
from .excel import wants_xlsx, xlsx_list
from .forms import PasswordForm, RoleForm, UserCreateForm, UserSearchForm, apply_service_errors
from .jobs import may_rerun, rerun_job
from .models import Job, RoleAssignment
from .pages import page_of
from .uploads import stored_file_response

USERS_PAGE = 50


# --- user management (department administrators) ---------------------------------------------


def require_user_admin(request):
    if not Scope.of(request.user).has_any(Permission.MANAGE_USERS):
        raise PermissionDenied("您没有管理用户的权限")


def managed_users(admin):
    """Users holding at least one role inside the admin's subtrees (all users for a
    superuser), each with `.roles_here`: the roles the admin may see."""
    scope = Scope.of(admin)
    in_scope = RoleAssignment.objects.visible_to(admin, Permission.MANAGE_USERS)
    users = get_user_model().objects.all()
    if not scope.is_unrestricted(Permission.MANAGE_USERS):
        users = users.filter(Exists(in_scope.filter(user=OuterRef("pk"))))
    return users.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=in_scope.select_related("org").order_by("org__path", "role"),
            to_attr="roles_here",
        )
    )


@login_required
def user_list(request):
    require_user_admin(request)
    form = UserSearchForm(request.GET or None)
    users = managed_users(request.user)
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        users = users.filter(Q(username__icontains=query) | Q(first_name__icontains=query))
    users = users.order_by("username")
    if wants_xlsx(request):
        rows = (
            [
                u.get_username(),
                u.get_full_name(),
                "正常" if u.is_active else "已停用",
                "；".join(f"{r.get_role_display()} · {r.org.name}" for r in u.roles_here),
            ]
            for u in users
        )
        headers = ["用户名", "姓名", "状态", "角色（您管辖范围内）"]
        return xlsx_list("用户", headers, [16, 12, 8, 60], rows, "用户.xlsx")
    page = page_of(request, users, USERS_PAGE)
    return render(request, "core/user_list.html", {"form": form, "page": page})


@login_required
def user_create(request):
    require_user_admin(request)
    form = UserCreateForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_user(
                request.user,
                data["username"],
                data["password"],
                data["role"],
                data["org"],
                first_name=data["first_name"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已创建用户 {created.username}")
            return redirect("user-detail", created.pk)
    return render(request, "core/user_form.html", {"form": form, "title": "新建用户"})


def managed_user(request, pk):
    require_user_admin(request)
    return get_object_or_404(managed_users(request.user), pk=pk)


@login_required
def user_detail(request, pk):
    target = managed_user(request, pk)
    admin = request.user
    return render(
        request,
        "core/user_detail.html",
        {
            "target": target,
            "manageable": services.manageable_by(admin, target),
            "role_form": RoleForm(admin=admin),
            "password_form": PasswordForm(),
        },
    )


def user_action(request, target, form_name, form, action, success):
    """Run a service call from the user page; on errors show the page with the form's
    errors next to its fields."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("user-detail", target.pk)
    admin = request.user
    context = {
        "target": target,
        "manageable": services.manageable_by(admin, target),
        "role_form": RoleForm(admin=admin),
        "password_form": PasswordForm(),
        form_name: form,
    }
    return render(request, "core/user_detail.html", context, status=400)


@login_required
@require_POST
def user_add_role(request, pk):
    target = managed_user(request, pk)
    return user_action(
        request,
        target,
        "role_form",
        RoleForm(request.POST, admin=request.user),
        lambda data: services.add_role(request.user, target, data["role"], data["org"]),
        "已授予角色",
    )


@login_required
@require_POST
def user_set_password(request, pk):
    target = managed_user(request, pk)
    return user_action(
        request,
        target,
        "password_form",
        PasswordForm(request.POST),
        lambda data: services.set_password(request.user, target, data["password"]),
        "已设置新密码",
    )


def simple_action(request, target, action, success):
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(reverse("user-detail", args=[target.pk]))


@login_required
@require_POST
def user_remove_role(request, pk, assignment_pk):
    target = managed_user(request, pk)
    assignment = get_object_or_404(target.role_assignments.select_related("org"), pk=assignment_pk)
    return simple_action(
        request, target, lambda: services.remove_role(request.user, assignment), "已取消该角色"
    )


@login_required
@require_POST
def user_deactivate(request, pk):
    target = managed_user(request, pk)
    return simple_action(
        request, target, lambda: services.deactivate_user(request.user, target), "已停用该用户"
    )


@login_required
@require_POST
def user_reactivate(request, pk):
    target = managed_user(request, pk)
    return simple_action(
        request, target, lambda: services.reactivate_user(request.user, target), "已启用该用户"
    )


# --- background jobs (core.jobs) ----------------------------------------------------------------


JOBS_PAGE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def own_job(request, pk):
    """A job of the user's own: another user's job is not found."""
    return get_object_or_404(Job, pk=pk, created_by=request.user)


@login_required
def job_list(request):
    jobs = Job.objects.filter(created_by=request.user).order_by("-created_at", "-pk")
    return render(request, "core/job_list.html", {"page": page_of(request, jobs, JOBS_PAGE)})


@login_required
def job_detail(request, pk):
    """The job's progress; the page polls its own fragment until the job has finished."""
    job = own_job(request, pk)
    context = {"job": job, "may_rerun": may_rerun(job)}
    if request.headers.get("HX-Request"):
        return render(request, "core/_job_progress.html", context)
    return render(request, "core/job_detail.html", context)


@login_required
def job_result(request, pk):
    job = own_job(request, pk)
    return stored_file_response(job.result, job.result_name, XLSX)


@login_required
@require_POST
def job_rerun(request, pk):
    job = own_job(request, pk)
    try:
        rerun_job(request.user, job)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("job-detail", job.pk)
