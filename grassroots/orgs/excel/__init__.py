"""Excel import and export of organisations and members (docs/decisions/0004-excel-import.md)."""

from .columns import member_template, organization_template
from .exports import export_members, export_organizations
from .imports import ImportResult, RowError, import_members, import_organizations

__all__ = [
    "ImportResult",
    "RowError",
    "export_members",
    "export_organizations",
    "import_members",
    "import_organizations",
    "member_template",
    "organization_template",
]
