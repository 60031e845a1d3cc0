"""PDF through LibreOffice, where it is installed (`soffice` or `libreoffice` on PATH)."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

COMMANDS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 120
SYSTEM_FONTS_CONF = Path("/etc/fonts/fonts.conf")
# The documents name the GB/T 9704 fonts (layout.py); a server rarely has them. Without a
# rule fontconfig falls back to any CJK font, often a Japanese sans: prefer the fonts
# themselves, their usual Windows names, then Noto's Simplified Chinese serif (宋/仿宋/楷)
# or sans (黑体) from fonts-noto-cjk.
FONT_ALIASES = {
    "仿宋_GB2312": ("仿宋", "FangSong", "Noto Serif CJK SC"),
    "方正小标宋简体": ("方正小标宋_GBK", "宋体", "SimSun", "Noto Serif CJK SC"),
    "楷体_GB2312": ("楷体", "KaiTi", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
}


class PdfUnavailable(RuntimeError):
    pass


def libreoffice() -> str | None:
    """Path of the LibreOffice command, or None."""
    return next((path for path in map(shutil.which, COMMANDS) if path), None)


def pdf_available() -> bool:
    return libreoffice() is not None


def fonts_conf() -> str:
    """A fontconfig file: the system's, plus the aliases of FONT_ALIASES."""
    aliases = "".join(
        f'<alias binding="same"><family>{name}</family><prefer>'
        + "".join(f"<family>{family}</family>" for family in families)
        + "</prefer></alias>"
        for name, families in FONT_ALIASES.items()
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">{SYSTEM_FONTS_CONF}</include>{aliases}</fontconfig>'
    )


def docx_to_pdf(docx: bytes) -> bytes:
    command = libreoffice()
    if command is None:
        raise PdfUnavailable("服务器未安装 LibreOffice（soffice），无法生成 PDF，请下载 Word 文件")
    with tempfile.TemporaryDirectory(prefix="grassroots-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "document.docx"
        source.write_bytes(docx)
        # A profile of its own: concurrent conversions must not share (and lock) one.
        profile = (folder / "profile").as_uri()
        config = folder / "fonts.conf"
        config.write_text(fonts_conf(), encoding="utf-8")
        try:
            result = _convert(command, profile, folder, source, config)
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"LibreOffice 转换 PDF 超时（{TIMEOUT_SECONDS}秒）") from None
        target = folder / "document.pdf"
        if result.returncode != 0 or not target.exists():
            detail = result.stderr.decode(errors="replace").strip()[-500:]
            raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{detail or result.returncode}")
        return target.read_bytes()


def _convert(command, profile, folder, source, config):
    return subprocess.run(
        [
            command,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
        env={**os.environ, "FONTCONFIG_FILE": str(config)},
    )
