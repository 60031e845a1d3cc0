from django.core.management.base import BaseCommand

from grassroots.workdays.package import load_holidays


class Command(BaseCommand):
    help = "Fill the holiday table from the chinesecalendar package (years not yet covered)."

    def handle(self, *args, **options):
        report = load_holidays()
        years = sorted({report.filled[0], report.filled[-1]}) if report.filled else []
        filled = "–".join(map(str, years)) + "年" if years else "无"
        self.stdout.write(f"工作日历：新录入 {filled}，已有 {len(report.kept)} 个年度未改动")
