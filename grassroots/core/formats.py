"""Chinese formats shared by pages, messages and documents."""

import datetime


def chinese_date(day: datetime.date) -> str:
    """GB/T 9704 style: 2026年8月1日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
