"""Recompute the stored compliance of every organisation (decision 0037): after loading data
by other means than the services (a bulk load, a restore), or to check the stored rows."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from grassroots.assessments.stored import measured_sets, recompute_all


class Command(BaseCommand):
    help = "重新计算全部党组织的达标情况（存储结果），在一个事务中写入"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None, help="年度，默认今年")
        parser.add_argument("--standard", default="", help="标准编码，默认全部有量化指标的标准")

    def handle(self, *args, year, standard, **options):
        year = year or timezone.localdate().year
        sets = measured_sets(standard)
        if not sets:
            raise CommandError(f"没有有量化指标的标准{standard}")
        started = time.perf_counter()
        written = recompute_all(year, sets)
        self.stdout.write(
            f"{year}年度 {len(sets)} 套标准，写入 {written:,} 条，"
            f"用时 {time.perf_counter() - started:.1f} 秒"
        )
