import os
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create (or reset) the superuser 'admin'; password from ADMIN_PASSWORD or printed."

    def handle(self, *args, **options):
        chosen = os.environ.get("ADMIN_PASSWORD")
        password = chosen or secrets.token_urlsafe(12)
        model = get_user_model()
        user = model.objects.filter(username="admin").first()
        if user and not (chosen and not user.check_password(chosen)):
            # Resetting to the same password would end the admin's tokens and sessions.
            self.stdout.write("超级管理员 admin 已存在（密码未改动；设置 ADMIN_PASSWORD 可重设）")
            return
        user = user or model(username="admin", is_staff=True, is_superuser=True)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("ADMIN_PASSWORD 不符合密码要求：" + "；".join(exc.messages)) from exc
        user.set_password(password)
        user.save()
        shown = "（ADMIN_PASSWORD 中设置的密码）" if chosen else password
        self.stdout.write(f"超级管理员 admin 的密码：{shown}")
