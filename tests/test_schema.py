"""`gongkai schema`: JSON Schemas generated from the model, checked with the `jsonschema` library against every
example file and against the loader itself on a corpus of good and bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import UNIT, plan_yaml, problems, write
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import gongkai.cli  # noqa: F401 - registers the commands
from gongkai import schemas
from gongkai.cli.app import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SECTION_TYPE = {"plans": "plan", "records": "record", "events": "event", "projects": "project",
                "feedback": "feedback", "inspections": "inspection"}
# the codes a schema stands for: what the loader reports about the shape and values of one file
SCHEMA_CODES = {"syntax", "schema", "date", "unknown-item", "amount"}


class Yaml12Loader(yaml.SafeLoader):
    """YAML as VS Code's YAML extension reads it (1.2 core schema): no timestamps, only true/false are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", "-+.0123456789"),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    Yaml12Loader.add_implicit_resolver(tag, re.compile(pattern), list(first))


def _keys_as_text(data):  # type: ignore[no-untyped-def]
    if isinstance(data, dict):
        return {str(k): _keys_as_text(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_keys_as_text(v) for v in data]
    return data


def load12(text: str):  # type: ignore[no-untyped-def]
    return _keys_as_text(yaml.load(text, Loader=Yaml12Loader))  # noqa: S506 - a SafeLoader subclass


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = schemas.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def file_type(path: Path, root: Path) -> str | None:
    rel = path.relative_to(root).parts
    if path.name == "gongkai.yaml":
        return "gongkai"
    if path.name == "unit.yaml":
        return "unit"
    for i, part in enumerate(rel[:-1]):
        if part in SECTION_TYPE and root.joinpath(*rel[:i], "unit.yaml").is_file():
            return SECTION_TYPE[part]
    return None


def schema_errors(name: str, text: str) -> list[str]:
    return [e.message for e in validator(name).iter_errors(load12(text))]


def test_every_schema_is_valid_draft_2020_12() -> None:
    for name in schemas.FILES:
        schema = schemas.schema(name)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        jsonschema.Draft202012Validator.check_schema(schema)


def test_every_example_file_validates() -> None:
    files = sorted(EXAMPLES.rglob("*.yaml"))
    checked = 0
    for path in files:
        name = file_type(path, EXAMPLES)
        if name is None:
            continue
        errors = schema_errors(name, path.read_text(encoding="utf-8-sig"))
        assert errors == [], f"{path}: {errors}"
        checked += 1
    assert checked > 200  # the whole example town, not a handful


def test_schema_is_generated_from_the_model() -> None:
    record = schemas.schema("record")
    # keys, required keys and Chinese descriptions come from model.Record's declarations
    from gongkai.load.schema import specs
    from gongkai.model import Record

    assert list(record["properties"]) == list(specs(Record))
    assert record["required"] == ["item", "published"]
    assert record["properties"]["published"]["description"] == "公开日期。日期：2024-04-08、2024/4/8、2024.4.8 或 2024年4月8日"
    item = record["properties"]["item"]["anyOf"]
    assert "village/finance/1" in item[0]["enum"] and "community/finance/5" in item[0]["enum"]
    assert "community/finance/4" not in item[0]["enum"]
    assert item[0]["enumDescriptions"][item[0]["enum"].index("village/finance/1")] == "村级财务收支情况"
    assert item[1] == {"type": "string", "pattern": "^local/.+"}
    channels = record["properties"]["channels"]["anyOf"][1]["items"]["enum"]
    assert "board" in channels and "公开栏" in channels
    assert set(json.loads(schemas.render("gongkai"))["properties"]) == {"name", "timezone", "rules", "templates",
                                                                          "site_url", "email"}


def test_kind_restricts_the_catalog_ids() -> None:
    ids = schemas.schema("record", ("village",))["properties"]["item"]["anyOf"][0]["enum"]
    assert "village/finance/1" in ids and not any(i.startswith("community/") for i in ids)


# (file type, file text, what the loader says, what the schema says): True = no error of SCHEMA_CODES
CORPUS: list[tuple[str, str]] = [
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024/4/8\nchannels: 公开栏\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024年4月8日\nchannels: [board, 微信群]\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: ２０２４-０４-０８\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-13-08\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 昨天\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q5\npublished: 2024-04-08\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\npublisehd: 2024-04-08\n"),
    ("record", "item: village/finance/99\nperiod: 2024-Q1\npublished: 2024-04-08\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nchannels: [报纸]\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nchannels: [board, ]\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\ntitle:\nuntil: ~\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished:\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nreviewed: {by: 赵六}\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nreviewed: 赵六\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  opening_balance: 1.00\n"
               "  income: [{name: 利息, amount: '1,000.50'}]\n  closing_balance: 1001.50\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  opening_balance: 1.00\n"
               "  income: [{name: 利息, amount: 12元}]\n  closing_balance: 13\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  opening_balance: -5\n"
               "  closing_balance: -5\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  opening_balance: '1.005'\n"
               "  closing_balance: '1.005'\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  income: []\n"
               "  closing_balance: 5\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\ntables:\n  - title: 名单\n"
               "    columns: [姓名, 金额]\n    rows:\n      - [张三, 900]\n      - [李四, ~]\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\ntables:\n  - rows: 张三\n"),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nphase: 事中\n"),
    ("record", "- item: village/finance/2\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 村民代表会议\nitem: village/affairs/7\n"),
    ("event", "date: 2024-03-05\ntype: 联名要求\ntitle: 联名\nitem: village/affairs/7\nsignatures: {villagers: 200}\n"),
    ("event", "date: 2024-03-05\ntype: vote\ntitle: 会议\nitem: village/affairs/7\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\nsignatures: {villagers: -3}\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\nsignatures: {villagers: '1,860'}\n"),
    ("event", "date: 2024-03-05\ntype: meeting\nitem: village/affairs/7\n"),
    ("project", "title: 村道硬化\nitem: village/affairs/11\nstart: 2024-04-01\nend: 2024-09-30\nbudget: 380000\n"),
    ("project", "title: 村道硬化\nitem: village/affairs/11\nstart: 2024-04-01\nbudget: 三十万\n"),
    ("feedback", "type: inquiry\nreceived: 2024-06-02\nfrom: 村民李某\nanswered: 2024-06-09\n"),
    ("feedback", "type: 投诉\nreceived: 2024-06-02\n"),
    ("feedback", "type: question\nreceived: 2024-06-02\n"),
    ("inspection", "date: 2024-11-05\nfindings:\n  - board: main\n    problems: [rusty, 乱]\n    fix_by: 2024-11-30\n"),
    ("inspection", "date: 2024-11-05\nfindings:\n  - board: main\n    problems: [dirty]\n"),
    ("inspection", "date: 2024-11-05\nfindings:\n  - problems: [old]\n"),
    ("plan", "year: 2024\nadoption:\n  drafted: 2024-01-08\n  approved: {date: 2024-01-15, by: 村民代表会议}\n"
             "items:\n  - item: village/finance/1\n    schedule: monthly\n"),
    ("plan", "year: 2024\nadoption:\n  drafted: {methods: [会议]}\nitems: []\n"),
    ("plan", "year: 2024\nitems:\n  - item: village/finance/1\n    schedule: weekly\n"),
    ("plan", "year: 2024\nitems:\n  - item: local/tourism\n    title: 旅游收益\n    category: finance\n"
             "    schedule: quarterly\nnot_applicable:\n  - {item: village/affairs/12, reason: 无}\n"),
    ("plan", "year: 2024\nnot_applicable:\n  - {item: village/affairs/12}\n"),
    ("plan", "year: 二〇二四\n"),
    ("unit", UNIT),
    ("unit", UNIT + "finance_monthly: 是\n"),
    ("unit", UNIT + "finance_monthly: maybe\n"),
    ("unit", UNIT.replace("kind: village", "kind: 村")),
    ("unit", UNIT.replace("kind: village", "kind: town")),
    ("unit", UNIT + "rules: {quarterly_days: 15, plan_due: 04-30}\n"),
    ("unit", UNIT + "rules: {weekly_days: 3}\n"),
    ("unit", UNIT + "code: 410122101201\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  to: [a@example.org]\n  smtp: {host: localhost, port: 25, security: starttls}\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  password: secret\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  smtp: {port: 25}\n"),
    # value ranges (load.schema.Int) as minimum / maximum
    ("gongkai", "name: 花园口镇\nemail:\n  smtp: {host: localhost, port: 0}\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  smtp: {host: localhost, port: 65536}\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  smtp: {host: localhost, port: 65535, timeout: 3600}\n"),
    ("gongkai", "name: 花园口镇\nemail:\n  smtp: {host: localhost, timeout: 3601}\n"),
    ("unit", UNIT + "rules: {quarterly_days: 367}\n"),
    ("plan", "year: 1899\nitems: []\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\nsignatures: {villagers: '1,86'}\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\nsignatures: {villagers: ',-0'}\n"),
    # one-line values (load.schema.Str) and free text (Text): line breaks and control characters
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: "会议\\n决定"\nitem: village/affairs/7\n'),
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: "会议\\e[31m"\nitem: village/affairs/7\n'),
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: "会议\\u2028决定"\nitem: village/affairs/7\n'),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: |\n  会议\nitem: village/affairs/7\n"),
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: |\n  会议\n  决定\nitem: village/affairs/7\n"),
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: "会议\t决定"\nitem: village/affairs/7\ncontent: "一\\n二\\t三"\n'),
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\ncontent: "一\\r\\n二"\n'),
    ("feedback", 'type: inquiry\nreceived: 2024-06-02\nsummary: "问\\e[2J"\n'),
    ("feedback", 'type: inquiry\nreceived: 2024-06-02\nsummary: "问\\n答\\u202e"\n'),
    ("unit", UNIT + 'email: ["dong@x.example\\nBcc: evil@x.example"]\n'),
    ("gongkai", 'name: 花园口镇\nemail:\n  from: "a@b.example\\rBcc: evil@x.example"\n'),
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\ntables:\n  - columns: [姓名]\n"
               '    rows:\n      - ["张\\e三"]\n'),
]

# Deliberate differences (see gongkai/schemas.py): the loader finds these, a JSON Schema cannot
LOADER_ONLY: list[tuple[str, str]] = [
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-02-30\n"),  # calendar
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nfinance:\n  opening_balance: 1.005\n"
               "  closing_balance: 1.005\n"),  # an editor sees the number 1.005, not its text
    ("unit", UNIT + "rules: {quarterly_days: 15, plan_due: 04-31}\n"),  # calendar
    ("record", "item: community/finance/5\nperiod: 2024-Q1\npublished: 2024-04-08\n"),  # the other kind's catalog
    ("record", "item: local/nothing\nperiod: 2024-Q1\npublished: 2024-04-08\n"),  # a local item no plan defines
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\ntables:\n  - title: 名单\n"
               "    columns: [姓名, 金额]\n    rows:\n      - [李四, ]\n"),  # a row's width against the columns
    ("event", "date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\n"
              "signatures: {villagers: '1,000,001'}\n"),  # a range is a JSON Schema's for numbers, not for text
    ("event", 'date: 2024-03-05\ntype: meeting\ntitle: "会议\\n"\nitem: village/affairs/7\n'),  # quoted, not `|`
]
# ...and the schema refuses what the loader reads leniently
SCHEMA_ONLY: list[tuple[str, str]] = [
    ("record", "item: village/finance/2\nperiod: 2024-Q1\npublished: 2024-04-08\nchannels: [Board]\n"),  # case
]


def loader_ok(tmp_path: Path, name: str, text: str) -> bool:
    """No problem of SCHEMA_CODES for the file when checked inside a clean village."""
    files: dict[str, str | bytes] = {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/finance/2"])}
    target = {"unit": "unit.yaml", "gongkai": "gongkai.yaml", "plan": "plans/2024.yaml", "record": "records/x.yaml",
              "event": "events/x.yaml", "project": "projects/x.yaml", "feedback": "feedback/x.yaml",
              "inspection": "inspections/x.yaml"}[name]
    files[target] = text.encode("utf-8")
    (tmp_path / ".git").mkdir(exist_ok=True)  # gongkai.yaml is looked for up to the repository root only
    root = write(tmp_path, files)
    found = [p for p in problems(root, "2024-07-15") if p.path == target and p.code in SCHEMA_CODES]
    return not found


@pytest.mark.parametrize("name, text", CORPUS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CORPUS)])
def test_schema_agrees_with_the_loader(tmp_path: Path, name: str, text: str) -> None:
    by_loader = loader_ok(tmp_path, name, text)
    by_schema = schema_errors(name, text) == []
    assert by_loader == by_schema, (by_loader, schema_errors(name, text))


def test_corpus_has_good_and_bad_files(tmp_path: Path) -> None:
    verdicts = [schema_errors(n, t) == [] for n, t in CORPUS]
    assert 15 < sum(verdicts) < len(verdicts) - 15


@pytest.mark.parametrize("name, text", LOADER_ONLY)
def test_deliberate_differences_loader_only(tmp_path: Path, name: str, text: str) -> None:
    assert not loader_ok(tmp_path, name, text)
    assert schema_errors(name, text) == []


@pytest.mark.parametrize("name, text", SCHEMA_ONLY)
def test_deliberate_differences_schema_only(tmp_path: Path, name: str, text: str) -> None:
    assert loader_ok(tmp_path, name, text)
    assert schema_errors(name, text) != []


def test_cli_writes_every_schema(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["schema", "--out", str(tmp_path / "s"), "--kind", "community"])
    assert r.exit_code == 0, r.output
    written = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert written == sorted(f"{n}.schema.json" for n in schemas.FILES)
    assert r.stdout.splitlines()[0] == f"已写出 {(tmp_path / 's' / 'unit.schema.json').as_posix()}"
    record = json.loads((tmp_path / "s" / "record.schema.json").read_text(encoding="utf-8"))
    assert "village/finance/1" not in record["properties"]["item"]["anyOf"][0]["enum"]


def test_cli_default_folder_is_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "dongzhuang").mkdir()
    monkeypatch.chdir(tmp_path / "dongzhuang")
    r = CliRunner().invoke(app, ["schema", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / ".gongkai" / "schemas" / "record.schema.json").is_file()
    assert r.stdout.startswith("wrote ")


def test_modeline_is_relative_to_the_file(tmp_path: Path) -> None:
    line = schemas.modeline(tmp_path / "dongzhuang" / "records" / "2024" / "q1" / "x.yaml", "record", tmp_path)
    assert line == "# yaml-language-server: $schema=../../../../.gongkai/schemas/record.schema.json\n"


def test_init_files_name_their_schema_and_validate(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    r = CliRunner().invoke(app, ["init", str(tmp_path / "dongzhuang"), "--name", "东庄村", "--kind", "village",
                                 "--year", "2024"])
    assert r.exit_code == 0, r.output
    unit = (tmp_path / "dongzhuang" / "unit.yaml").read_text(encoding="utf-8")
    plan = (tmp_path / "dongzhuang" / "plans" / "2024.yaml").read_text(encoding="utf-8")
    assert unit.startswith("# yaml-language-server: $schema=../.gongkai/schemas/unit.schema.json\n")
    assert plan.startswith("# yaml-language-server: $schema=../../.gongkai/schemas/plan.schema.json\n")
    assert (tmp_path / ".gongkai" / "schemas" / "plan.schema.json").is_file()  # the line points at a real file
    assert schema_errors("unit", unit) == [] and schema_errors("plan", plan) == []


def test_new_files_validate(tmp_path: Path) -> None:
    root = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/finance/1"])})
    (tmp_path / ".git").mkdir()
    for args in (["record", "--item", "village/finance/1"], ["record", "--item", "village/finance/1", "--period",
                 "2024-Q1", "--none"], ["event", "--item", "village/affairs/7", "--title", "会议", "--type", "joint_request"],
                 ["project", "--item", "village/affairs/11", "--title", "村道"], ["feedback"], ["inspection"]):
        r = CliRunner().invoke(app, ["new", args[0], str(root), *args[1:], "--as-of", "2024-07-03"])
        assert r.exit_code == 0, r.output
        path = Path(r.stdout.strip())
        assert schema_errors(args[0], path.read_text(encoding="utf-8")) == [], path


# ---------------------------------------------------------------- the scalar patterns agree with the loader's parsers

WIDE = str.maketrans("0123456789-/.,", "０１２３４５６７８９－／．，")
CHARS = "0123456789０１２３４５６７８９-－/／.．,，年月日号Qq +"


def _mixed(draw, text: str) -> str:  # type: ignore[no-untyped-def]
    """Some characters of text in their full-width form, as a Chinese input method may type them."""
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.translate(WIDE) if f else c for c, f in zip(text, flags))


@st.composite
def date_like(draw):  # type: ignore[no-untyped-def]
    y, m, d = draw(st.integers(1000, 9999)), draw(st.integers(0, 14)), draw(st.integers(0, 33))
    pad = draw(st.booleans())
    form = draw(st.sampled_from(["{y}-{m}-{d}", "{y}/{m}/{d}", "{y}.{m}.{d}", "{y}年{m}月{d}日", "{y} 年 {m} 月 {d} 号",
                                 "{y}-{m}", "{y}-Q{m}", "{y} - q{m}", "{m}-{d}", "{m}月{d}日"]))
    text = form.format(y=y, m=f"{m:02d}" if pad else m, d=f"{d:02d}" if pad else d)
    return _mixed(draw, text)


@st.composite
def number_like(draw):  # type: ignore[no-untyped-def]
    whole = draw(st.integers(0, 10**9))
    text = draw(st.sampled_from([f"{whole}", f"{whole:,}", f"+{whole}", f"-{whole}", "-0", "-0,000", " 0"]))
    decimals = draw(st.sampled_from(["", ".", ".5", ".05", ".005", ".50", ".500", ".0", ".00"]))
    return _mixed(draw, text + decimals)


SCALARS = st.one_of(st.text(st.sampled_from(CHARS), max_size=14), date_like(), number_like())


def matches(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None  # as jsonschema applies `pattern`


@settings(max_examples=600, deadline=None)
@given(SCALARS)
def test_scalar_patterns_agree_with_the_parsers(text: str) -> None:
    from gongkai.load import scalars

    day, reason = scalars.parse_date(text)
    if day is not None:
        assert matches(schemas.DATE_PATTERN, text), text
    elif matches(schemas.DATE_PATTERN, text):  # only the calendar is beyond a pattern (2024-02-30)
        assert reason is not None and "没有" in reason.zh, text
    period, _ = scalars.parse_period(text)
    assert (period is not None) == matches(schemas.PERIOD_PATTERN, text), text
    md, _ = scalars.parse_month_day(text)
    if md is not None:
        assert matches(schemas.MONTH_DAY_PATTERN, text), text
    money, _ = scalars.parse_money(text)
    money_ok = money is not None and scalars.money_problems(money, text) is None
    assert money_ok == matches(schemas.MONEY_PATTERN, text), text
    number, _ = scalars.parse_int(text)
    assert (number is not None and number >= 0) == matches(schemas.INT_PATTERN, text), text


TEXT_CHARS = "ab 会议\t\n\r\x1b\x00\x7f\x85\x9b\u2028\u2029\u202e\u200b"


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(TEXT_CHARS), max_size=8), st.sampled_from(['"', "|"]))
def test_text_patterns_agree_with_the_loader(text: str, style: str) -> None:
    """A one-line value (Str) and free text (Text) are refused by the schema exactly when the loader refuses them."""
    from types import SimpleNamespace

    from gongkai.load.schema import Str, Text

    if style == "|":  # what a block scalar can hold: its text and one final line break
        text = text.rstrip("\n") + "\n"
    node = SimpleNamespace(value=text, style=style)
    one_line_ok = Str().read(node, None)[1] is None  # type: ignore[arg-type]
    text_ok = Text().read(node, None)[1] is None  # type: ignore[arg-type]
    if style == '"' and text.endswith("\n") and Str().read(SimpleNamespace(value=text[:-1], style=style), None)[1] is None:  # type: ignore[arg-type]
        assert not one_line_ok and matches(schemas.ONE_LINE_PATTERN, text)  # the deliberate difference of schemas.py
    else:
        assert one_line_ok == matches(schemas.ONE_LINE_PATTERN, text), text
    assert text_ok == matches(schemas.TEXT_PATTERN, text), text


def test_every_whole_number_carries_its_range() -> None:
    from gongkai.load.schema import Int, specs
    from gongkai.model import Plan, Smtp

    for cls, key in ((Smtp, "port"), (Smtp, "timeout"), (Plan, "year")):
        t = specs(cls)[key].type
        assert isinstance(t, Int)
        got = schemas.type_schema(t, ("village",))
        assert (got["minimum"], got["maximum"]) == (t.lo, t.hi)
    assert schemas.schema("plan")["properties"]["year"]["maximum"] == 2099


@pytest.mark.parametrize(("written", "hint"), [(",-0", "不是整数"), ("1,86", "逗号只能用作千位分隔"),
                                               ("12,3456", "逗号只能用作千位分隔")])
def test_a_comma_out_of_place_is_no_number(tmp_path: Path, written: str, hint: str) -> None:
    text = f"date: 2024-03-05\ntype: meeting\ntitle: 会议\nitem: village/affairs/7\nsignatures:\n  villagers: '{written}'\n"
    root = write(tmp_path, {"unit.yaml": UNIT, "plans/2024.yaml": plan_yaml(["village/finance/2"]), "events/x.yaml": text})
    got = [p for p in problems(root, "2024-07-15") if p.path == "events/x.yaml" and p.code == "schema"]
    assert [(p.line, p.column) for p in got] == [(6, 14)], got
    assert f"“{written}”" in got[0].message.zh and hint in got[0].message.zh, got[0].message
    assert not matches(schemas.INT_PATTERN, written)
