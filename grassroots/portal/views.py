"""The pages that bring every app together (the home page): the top layer, free to read any
app, which no app reads."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from grassroots.core.pages import subtree_roots
from grassroots.orgs.models import Member, Organization


@login_required
def home(request):
    user = request.user
    context = {
        "assignments": user.role_assignments.select_related("org").order_by("org__path"),
        "roots": subtree_roots(user).order_by("path"),
        "org_count": Organization.objects.visible_to(user).active().count(),
        "member_count": Member.objects.visible_to(user).current().count(),
    }
    return render(request, "portal/home.html", context)
