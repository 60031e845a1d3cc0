from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grassroots.orgs.models import Organization

from .access import Scope
from .choices import Permission


@login_required
def home(request):
    scope = Scope.of(request.user)
    roots = (
        Organization.objects.visible_to(request.user).filter(path__in=scope.paths(Permission.VIEW))
        if not scope.unrestricted
        else Organization.objects.filter(parent__isnull=True)
    )
    assignments = request.user.role_assignments.select_related("org")
    return render(request, "core/home.html", {"roots": roots, "assignments": assignments})
