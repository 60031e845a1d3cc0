import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create (or reset) the superuser 'admin'; password from ADMIN_PASSWORD or printed."

    def handle(self, *args, **options):
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(9)
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created or os.environ.get("ADMIN_PASSWORD"):
            user.set_password(password)
            user.save()
            shown = (
                password
                if not os.environ.get("ADMIN_PASSWORD")
                else "（ADMIN_PASSWORD 中设置的密码）"
            )
            self.stdout.write(f"超级管理员 admin 的密码：{shown}")
        else:
            self.stdout.write("超级管理员 admin 已存在（密码未改动；设置 ADMIN_PASSWORD 可重设）")
