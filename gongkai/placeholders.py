"""The placeholder values `gongkai init` writes (`town: 某某镇`, `clerk: 某某`, `supervision_phone: 0000-00000000`,
the plan's commented `complaints: 村务监督委员会 某某 0000-00000000`) and what printing does with them.

`check` flags them as `schema` warnings (rules/placeholders.py). A warning does not keep a record off the
board, so `render` never prints such a value: a fake supervision phone on a villagers' board is a wrong figure,
and a board with no phone at all would hide that one is missing. In its place every page shows the mark
`【待填写】` (to be filled in), and `render` names the file, line and the fix on stderr for each one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.problem import Msg, msg
from gongkai.scaffold import PLACEHOLDER_CLERK, PLACEHOLDER_PHONE

TO_FILL = "【待填写】"  # printed instead of a placeholder, on boards and the site
ZEROS = re.compile(r"^[0０]+(?:[-－ ][0０]+)*$")  # 0000-00000000 and the like: no real phone
CONTACT = {"clerk": Msg("文书姓名", "the clerk's name"), "supervision_phone": Msg("监督电话", "the supervision phone")}


def is_placeholder(value: str | None) -> bool:
    """A value `gongkai init` wrote to be replaced (某某, 某某镇, 0000-00000000, all zeros)."""
    if not value:
        return False
    return PLACEHOLDER_CLERK in value or PLACEHOLDER_PHONE in value or bool(ZEROS.match(value.strip()))


def named(value: str | None) -> str | None:
    """A person named as responsible in reminders (`overdue`, its mail, `calendar`): None for a placeholder, so
    that no reminder names 某某 as the one to act (check reports the placeholder itself)."""
    return None if is_placeholder(value) else value


def filled(value: str | None) -> str | None:
    """The value to print: the mark 【待填写】 where a placeholder stands, never the placeholder itself."""
    return TO_FILL if is_placeholder(value) else value


@dataclass(frozen=True)
class Printed:
    """A placeholder that a board sheet or page would show: where it is written and what it stands for."""

    path: str
    line: int
    column: int
    what: Msg
    value: str

    def note(self) -> Msg:
        """One line for stderr: file:line:col, what is printed instead, and the fix."""
        return msg("{p}:{l}:{c}：{w}仍是 gongkai init 写的占位“{v}”，公开栏版面和网页上印作“{t}”，不印这个占位："
                   "请在这一行填写真实的{w}后重新生成",
                   "{p}:{l}:{c}: {we} is still the placeholder '{v}' written by gongkai init; board sheets and pages "
                   "show '{t}' instead, never the placeholder: fill in the real value on this line and render again",
                   p=self.path, l=self.line, c=self.column, w=self.what.zh, we=self.what.en, v=self.value, t=TO_FILL)


def printed(unit) -> list[Printed]:  # type: ignore[no-untyped-def]
    """The placeholders of a unit (`repo.UnitData`) that render would otherwise print: town, contacts and board
    locations of unit.yaml, and the complaint contact of each plan."""
    found: list[Printed] = []
    profile = unit.unit

    def add(path: str, loc: tuple[int, int] | None, what: Msg, value: str) -> None:
        line, col = loc or (1, 1)
        found.append(Printed(path, line, col, what, value))

    if profile is not None:
        if is_placeholder(profile.town):
            add(unit.unit_path, profile.at("town"), Msg("所属乡镇", "the town"), profile.town)
        locs = getattr(profile.contacts, "locs", {})
        for key, value in sorted(profile.contacts.items()):
            if isinstance(value, str) and is_placeholder(value):
                add(unit.unit_path, locs.get(key) or profile.at("contacts"), CONTACT.get(key, Msg(key, key)), value)
        for board in profile.boards:
            if is_placeholder(board.location):
                add(unit.unit_path, board.at("location"), Msg("公开栏位置", "the board's location"), board.location)
    for plan in unit.plans:
        adoption = plan.adoption
        if adoption is not None and is_placeholder(adoption.complaints):
            add(plan.src.path, adoption.at("complaints"), Msg("投诉受理人和电话", "the complaint contact"),
                adoption.complaints)
    return sorted(found, key=lambda p: (p.path, p.line, p.column))
