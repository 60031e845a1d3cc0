"""Excel import and export of organisations and members (issue 2, item 8)."""

from .columns import member_template, organization_template
from .exports import export_members, export_organizations
from .imports import import_members, import_organizations

__all__ = [
    "export_members",
    "export_organizations",
    "import_members",
    "import_organizations",
    "member_template",
    "organization_template",
]
