"""Files at the import caps (reports.tables), to measure the memory of the largest import the
site accepts. Writes, into a directory:

- `practices-cap.csv`: a practices CSV just under MAX_BYTES, MAX_ROWS rows;
- `practices-cap.xlsx`: a workbook of MAX_ROWS rows with as many columns of random text as
  keep it under both MAX_BYTES compressed and MAX_UNPACKED_BYTES unpacked;
- `bomb.xlsx`: a workbook whose sheet unpacks to more than MAX_UNPACKED_BYTES (refused).

Then, for each file, `--read FILE` reads it with the practices import's reader (what every
import and the web form do first) and prints the rows read; `--dry-run FILE` also runs the
whole practices import on it as a dry run (every row through its form, every practice saved,
then rolled back) and prints the time it took. Measure with:

    .venv/bin/python bench/import_files.py /tmp/imports
    /usr/bin/time -v .venv/bin/python bench/import_files.py --read /tmp/imports/practices-cap.xlsx
    /usr/bin/time -v .venv/bin/python bench/import_files.py --dry-run /tmp/imports/practices-cap.csv
"""

import argparse
import csv
import io
import os
import random
import string
import sys
import time
import zipfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approdo.settings")
os.environ.setdefault("SECRET_KEY", "bench")

import django  # noqa: E402

django.setup()

from openpyxl import Workbook  # noqa: E402

from approdo.practices.importing import PracticeImport  # noqa: E402
from approdo.reports import tables  # noqa: E402

COLUMNS = ["title", "lead_name", "lead_kind", "summary", "status", "results"]


def words(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(string.ascii_letters + "   ") for _ in range(length)).strip() or "x"


def practices_csv(path: Path, rng: random.Random) -> None:
    per_row = tables.MAX_BYTES // tables.MAX_ROWS - 60
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for index in range(tables.MAX_ROWS):
        writer.writerow(
            [
                f"Pratica {index}",
                "Comune di Prato",
                "comune",
                words(rng, per_row // 2),
                "ongoing",
                words(rng, per_row // 2 - 40),
            ]
        )
    data = out.getvalue().encode()
    assert len(data) <= tables.MAX_BYTES, len(data)
    path.write_bytes(data)


def practices_xlsx(path: Path, rng: random.Random, columns: int) -> tuple[int, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    extra = [f"extra_{i}" for i in range(columns - len(COLUMNS))]
    sheet.append(COLUMNS + extra)
    for index in range(tables.MAX_ROWS):
        sheet.append(
            [f"Pratica {index}", "Comune di Prato", "comune", words(rng, 60), "ongoing", "r"]
            + [words(rng, 8) for _ in extra]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    path.write_bytes(data)
    return len(data), tables.unpacked_size(data)


def bomb(path: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(tables.MAX_UNPACKED_BYTES // len(chunk) + 10):
                member.write(chunk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("target", help="directory to write into, or the file to --read")
    parser.add_argument("--read", action="store_true")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    if args.read or args.dry_run:
        path = Path(args.target)
        try:
            rows = PracticeImport.read(tables.read_path(path), path.name)
        except tables.ImportFileError as error:
            print(f"{path.name}: refused: {error}")
            return
        print(f"{path.name}: {len(rows)} rows read, {len(rows[0][1])} columns")
        if args.dry_run:
            start = time.perf_counter()
            result = PracticeImport().run(rows, dry_run=True)
            print(
                f"dry run: {len(result.created)} new, {len(result.errors)} bad rows, "
                f"{time.perf_counter() - start:.1f} s"
            )
        return
    directory = Path(args.target)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    practices_csv(directory / "practices-cap.csv", rng)
    # The most columns that keep the workbook within both caps.
    for columns in (90, 80, 70, 60):  # about 60 bytes a cell unpacked: start near the cap
        size, unpacked = practices_xlsx(directory / "practices-cap.xlsx", rng, columns)
        if size <= tables.MAX_BYTES and unpacked <= tables.MAX_UNPACKED_BYTES:
            break
    bomb(directory / "bomb.xlsx")
    print(
        f"practices-cap.csv: {(directory / 'practices-cap.csv').stat().st_size:,} bytes; "
        f"practices-cap.xlsx: {columns} columns, {size:,} bytes, {unpacked:,} unpacked; "
        f"bomb.xlsx: {(directory / 'bomb.xlsx').stat().st_size:,} bytes",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
