"""The quota table as seed 000 附件1 (推荐名额分配表): 单位, then one column per award level,
and a 合计 row at the bottom. Exported with the campaign's quotas; imported all or nothing
on the core importer (docs/decisions/0004-excel-import.md), a unit named by its name or
short name within the organiser's subtree; the 合计 row (and a 备注 line) is not read."""

from grassroots.core.excel import ImportResult, cells
from grassroots.core.excel.imports import Importer
from grassroots.core.excel.sheets import Column, Text, export_workbook

from .services import campaigns as services

UNIT = Column("单位", "unit", Text(200), required=True, aliases=("推荐单位",), width=30)
TOTAL_ROW = "合计"
NOTE_PREFIX = "备注"


class QuotaCell:
    """A number of nominations: a whole number, 0 or more; blank is no quota. What is not a
    number is kept as text for the row's check: the 合计 row holds "325（含差额65个）"."""

    format = "不小于0的整数，空白为不分配"
    allowed = ""

    def read(self, value, today):
        if cells.is_blank(value):
            return None
        number = cells.whole_number(value)
        if number is not None and number >= 0:
            return number
        return str(value).strip()


def level_columns(levels):
    return [Column(level.name, level.code, QuotaCell(), present=True, width=16) for level in levels]


def quota_workbook(campaign):
    """The table of the campaign's quotas, units in tree order; with no quota yet, the units
    directly below the organiser with blank cells, ready to fill in."""
    levels = list(campaign.levels.all())
    progress = services.unit_progress(campaign)
    if progress:
        rows = [(row["unit"].name, row["quotas"]) for row in progress if row["quotas"]]
    else:
        children = services.recommending_units(campaign).filter(parent=campaign.organiser)
        rows = [(unit.name, {}) for unit in children.order_by(*services.UNIT_ORDER)]
    totals = {level.code: sum(q.get(level.code, 0) for _, q in rows) for level in levels}

    def total_text(level):
        total = totals[level.code]
        surplus = total - level.to_name
        return f"{total}（含差额{surplus}个）" if surplus >= 0 and total else total

    body = [[name, *(quotas.get(level.code) for level in levels)] for name, quotas in rows]
    body.append([TOTAL_ROW, *(total_text(level) for level in levels)])
    headers = [UNIT.header, *(level.name for level in levels)]
    return export_workbook("推荐名额分配表", headers, [30] + [18] * len(levels), body)


class _QuotaImport(Importer):
    def __init__(self, user, campaign):
        super().__init__(user)
        self.campaign = campaign
        self.levels = list(campaign.levels.all())
        self.columns = [UNIT, *level_columns(self.levels)]
        self.by_name, self.by_short = {}, {}
        for unit in services.recommending_units(campaign).only("pk", "name", "short_name"):
            self.by_name.setdefault(unit.name, []).append(unit)
            if unit.short_name:
                self.by_short.setdefault(unit.short_name, []).append(unit)
        self.first_row = {}  # unit id -> row number
        self.rows = []

    def check_row(self, row):
        name = row.values.get(UNIT.header)
        if UNIT.header in row.failed:
            return
        if name.replace(" ", "") == TOTAL_ROW or name.startswith(NOTE_PREFIX):
            return
        found = self.by_name.get(name) or self.by_short.get(name) or []
        if not found:
            organiser = self.campaign.organiser.name
            self.errors.add(row.number, UNIT.header, f"“{name}”不是{organiser}的下级单位")
            return
        if len(found) > 1:
            self.errors.add(row.number, UNIT.header, f"“{name}”对应多个单位，请填写全称")
            return
        unit = found[0]
        earlier = self.first_row.setdefault(unit.pk, row.number)
        if earlier != row.number:
            self.errors.add(row.number, UNIT.header, f"与第{earlier}行是同一单位")
            return
        for level in self.levels:
            quota = row.values.get(level.name)
            if isinstance(quota, str):
                message = f"推荐名额应为不小于0的整数（填写的是“{quota}”）"
                self.errors.add(row.number, level.name, message)
            elif quota is not None:
                self.rows.append({"unit": unit.pk, "level": level.code, "quota": quota})

    def check_file(self):
        if not self.rows and not self.errors:
            self.errors.add_at(2, None, "", "文件中没有任何单位的推荐名额")

    def write(self):
        return services.set_quotas(self.user, self.campaign, self.rows)


def import_quotas(user, campaign, fileobj) -> ImportResult:
    """Replace the campaign's quotas with the table in `fileobj`, or change nothing if any
    cell is wrong. The caller has checked that `user` manages the campaign."""
    return _QuotaImport(user, campaign).run(fileobj)
