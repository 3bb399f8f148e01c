"""Files of texts through the Python API: formats, ids, empty rows counted, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopradar.compliance import check_file, load_packs, read_texts
from shopradar.errors import InputError


def test_json_xlsx_and_plain_text(tmp_path: Path) -> None:
    json_path = tmp_path / "items.json"
    json_path.write_text(json.dumps([{"desc": "Ships in 3 days"}, {"desc": "Lose 10 lbs in a week"},
                                     {"desc": None}]), encoding="utf-8")
    rep = check_file(json_path, column="desc")
    assert {f.text_id for f in rep.findings} == {"items.json:2"} and (rep.checked, rep.empty) == (2, 1)

    jsonl = tmp_path / "items.jsonl"
    jsonl.write_text('{"id": "x9", "title": "AAA replica watch"}\n\n{"id": "x10", "title": "Linen shirt"}\n',
                     encoding="utf-8")
    assert {f.text_id for f in check_file(jsonl, id_column="id").findings} == {"x9"}

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Products"
    ws.append(["商品标题", "备注"])
    ws.append(["高仿LV包包,原单品质", "x"])
    ws.append(["纯棉T恤", "y"])
    wb.save(tmp_path / "catalog.xlsx")
    assert {f.text_id for f in check_file(tmp_path / "catalog.xlsx").findings} == {"Products!2"}

    script = tmp_path / "live.txt"
    script.write_text("#ad thanks Glowco for sending this\nit is so soft\nand it clears acne in 3 days\n",
                      encoding="utf-8")
    rep = check_file(script)
    assert {f.text_id for f in rep.findings} == {"live.txt:3"}  # the #ad on line 1 covers the whole script


def test_encodings(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("标题\n减肥茶躺瘦10斤\n".encode("gb18030"))
    with pytest.raises(InputError, match=r"line 1.*--encoding"):
        read_texts(gbk)
    assert [t for _, t in read_texts(gbk, encoding="gb18030").items] == ["减肥茶躺瘦10斤"]
    utf16 = tmp_path / "u16.txt"
    utf16.write_bytes("Lose 10 lbs fast".encode("utf-16"))
    assert read_texts(utf16).items[0][1] == "Lose 10 lbs fast"
    with pytest.raises(InputError, match="unknown encoding"):
        read_texts(gbk, encoding="klingon")


@pytest.mark.parametrize(("name", "content", "words"), [
    ("blob.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ("cols.csv", b"sku,price\n1,2\n", "--column"),
    ("empty.csv", b"", "empty"),
    ("bad.json", b'[{"title": "x"},', "line 1"),
    ("bad.jsonl", b'{"title": "x"}\n{oops}\n', "line 2"),
    ("fake.xlsx", b"this is not a spreadsheet", "spreadsheet"),
])
def test_bad_files(tmp_path: Path, name: str, content: bytes, words: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_texts(path)
    assert words in str(err.value) and name in str(err.value) and "\n" not in str(err.value)


def test_missing_file_folder_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_texts(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="folder"):
        read_texts(tmp_path)
    (tmp_path / "a.csv").write_text("title\nx\n", encoding="utf-8")
    with pytest.raises(InputError, match="no column 'desc'"):
        read_texts(tmp_path / "a.csv", column="desc")


def test_shipped_rules_listing() -> None:
    rs = load_packs()
    assert len(rs.packs) >= 20 and {p.lang for p in rs.packs} >= {"en", "zh", "es", "pt", "de", "fr", "it", "ja"}
