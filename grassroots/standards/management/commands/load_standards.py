from django.core.management.base import BaseCommand, CommandError

from grassroots.standards.loader import DATA_DIR, StandardDataError, load_standards


class Command(BaseCommand):
    help = "Load every standards data file (grassroots/standards/data/*.yaml) as published sets."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="directory of the data files")

    def handle(self, *args, **options):
        try:
            report = load_standards(options["dir"])
        except StandardDataError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(
                f"标准数据有误，未载入任何文件 (invalid standards data, nothing loaded):\n{lines}"
            ) from None
        self.stdout.write(
            f"标准库：新载入 {len(report.created)} 套，新版本 {len(report.versioned)} 套，"
            f"未变 {len(report.unchanged)} 套"
        )
        for entry in report.versioned:
            self.stdout.write(f"  新版本 {entry}")
