"""Excel import and export of organisations and members (docs/decisions/0004-excel-import.md)."""

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
