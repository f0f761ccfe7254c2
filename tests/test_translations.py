"""The message catalogues under locale/: complete, not fuzzy, placeholders intact, .mo in sync.

Finnish and Swedish must be fully translated; English is the source language, so its
catalogue may leave msgstr empty (Django then falls back to the msgid). The compiled .mo
files are committed (fresh machines have no msgfmt), so they are checked against the .po.
"""

import ast
import gettext
import hashlib
import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.commands import makemessages
from django.utils import translation

from complaints.choices import EventKind, Role, Status

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = PROJECT_DIR / "locale"
LANGUAGES = ("fi", "sv", "en")
TRANSLATED_LANGUAGES = ("fi", "sv")

# %(name)s, %s, %d, %5.2f …; "%%" is a literal percent sign and is dropped first.
PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0+]*(?:\d+|\*)?(?:\.\d+)?[sdifFeEgGxXocr]")
BRACES = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|\{\d*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def po_parse(path: Path) -> list[Entry]:
    """Entries of a .po file; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry = Entry()
    key: tuple[str, int] | None = None
    pending_flags: set[str] = set()

    def finish() -> None:
        nonlocal entry
        if key is not None:
            entries.append(entry)
        entry = Entry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            pending_flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line)
        if match:
            keyword, index, literal = match.group(1), match.group(2), match.group(3)
            after_context = key is not None and key[0] == "msgctxt"
            starts_entry = keyword == "msgctxt" or (keyword == "msgid" and not after_context)
            if starts_entry:
                finish()
                entry.line = number
                entry.flags = pending_flags
                pending_flags = set()
            key = (keyword, int(index) if index is not None else 0)
            text = ast.literal_eval(literal)
            if keyword == "msgstr":
                entry.msgstr[key[1]] = text
            else:
                setattr(entry, keyword, text)
        elif line.startswith('"') and key is not None:
            text = ast.literal_eval(line)
            keyword, index = key
            if keyword == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, keyword, (getattr(entry, keyword) or "") + text)
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {raw!r}")
    finish()
    return entries


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


def placeholders(text: str) -> Counter[str]:
    text = text.replace("%%", "")
    return Counter(PRINTF.findall(text) + BRACES.findall(text))


def where(language: str, entry: Entry) -> str:
    return f"{language}/LC_MESSAGES/django.po:{entry.line} {entry.msgid!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_exists(language):
    assert po_path(language).is_file()
    assert po_path(language).with_suffix(".mo").is_file(), "run: manage.py compilemessages"
    assert any(not entry.is_header for entry in po_parse(po_path(language)))


def untranslated(language: str, entries: list[Entry]) -> list[str]:
    """Entries without a msgstr for every plural form of the language."""
    header = next(entry for entry in entries if entry.is_header)
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", header.msgstr[0]).group(1))
    missing = []
    for entry in entries:
        if entry.is_header:
            continue
        expected_forms = set(range(nplurals)) if entry.msgid_plural is not None else {0}
        if set(entry.msgstr) != expected_forms or not entry.translated:
            missing.append(where(language, entry))
    return missing


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_message_is_translated(language):
    missing = untranslated(language, po_parse(po_path(language)))
    assert not missing, "untranslated:\n" + "\n".join(missing)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_fuzzy_entries(language):
    fuzzy = [where(language, e) for e in po_parse(po_path(language)) if "fuzzy" in e.flags]
    assert not fuzzy, "fuzzy (review, then remove the flag):\n" + "\n".join(fuzzy)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match(language):
    wrong = []
    for entry in po_parse(po_path(language)):
        if entry.is_header:
            continue
        for index, text in entry.msgstr.items():
            if not text:
                continue
            source = entry.msgid_plural if entry.msgid_plural and index > 0 else entry.msgid
            if placeholders(text) != placeholders(source):
                wrong.append(f"{where(language, entry)} msgstr[{index}] {text!r}")
    assert not wrong, "placeholders differ from the msgid:\n" + "\n".join(wrong)


@pytest.mark.parametrize("language", LANGUAGES)
def test_mo_matches_po(language):
    """The committed .mo says what the .po says: recompile after every .po change."""
    path = po_path(language)
    with path.with_suffix(".mo").open("rb") as mo_file:
        mo = gettext.GNUTranslations(mo_file)
    stale = []
    expected_keys = set()
    for entry in po_parse(path):
        if entry.is_header or not entry.translated:
            continue
        msgid = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            expected_keys.add(msgid)
            if mo._catalog.get(msgid) != entry.msgstr[0]:
                stale.append(where(language, entry))
        else:
            for index, text in entry.msgstr.items():
                expected_keys.add((msgid, index))
                if mo._catalog.get((msgid, index)) != text:
                    stale.append(f"{where(language, entry)} msgstr[{index}]")
    extra = {key for key in mo._catalog if key not in expected_keys and key != ""}
    stale += [f"{language}: only in the .mo: {key!r}" for key in sorted(extra, key=repr)]
    assert not stale, "run: manage.py compilemessages\n" + "\n".join(stale)


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_choices_are_translated_at_runtime(language):
    labels = [Status.RECEIVED.label, Role.HANDLER.label, EventKind.SUBMITTED.label]
    with translation.override("en"):
        sources = [str(label) for label in labels]
    assert sources == ["Received", "Handler", "Muistutus received"]
    with translation.override(language):
        translated = [str(label) for label in labels]
    for source, text in zip(sources, translated, strict=True):
        assert text
        assert text != source, f"{source!r} is not translated into {language}"


def test_known_translations():
    with translation.override("fi"):
        assert str(Status.RECEIVED.label) == "Vastaanotettu"
        assert translation.ngettext("%(count)d month", "%(count)d months", 2) == (
            "%(count)d kuukautta"
        )
    with translation.override("sv"):
        assert str(Status.RECEIVED.label) == "Mottagen"
        assert translation.ngettext("%(count)d month", "%(count)d months", 1) == "%(count)d månad"
    with translation.override("en"):
        assert str(Status.RECEIVED.label) == "Received"


def tree_checksum(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class MakeMessagesIntoLocalePaths(makemessages.Command):
    """makemessages that writes only into settings.LOCALE_PATHS[0].

    Run from the project root, the stock command also adds ./locale to its locale paths and
    files every source file under the nearest locale/ above it, so setting LOCALE_PATHS alone
    would still rewrite the real catalogues.
    """

    def find_files(self, root):
        files = super().find_files(root)
        self.locale_paths = [self.default_locale_path]
        for file in files:
            file.locale_dir = self.default_locale_path
        return files


def test_catalogues_contain_every_translatable_string(settings, tmp_path, monkeypatch):
    """A string marked for translation in the code or templates but missing from the .po
    files (or only fuzzily matched) fails here: run makemessages and translate it."""
    tools = ("xgettext", "msguniq", "msgmerge")
    absent = [tool for tool in tools if shutil.which(tool) is None]
    if absent:
        message = f"GNU gettext ({', '.join(absent)}) is not installed"
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message}, and REQUIRE_SERVICES=1 demands it")
        pytest.skip(message)

    before = tree_checksum(LOCALE_DIR)
    tmp_locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, tmp_locale)
    settings.LOCALE_PATHS = [str(tmp_locale)]
    monkeypatch.chdir(PROJECT_DIR)
    command = MakeMessagesIntoLocalePaths()
    call_command(
        command,
        locale=list(TRANSLATED_LANGUAGES),
        ignore_patterns=[".venv/*", ".tools/*", "var/*", "tests/*"],
        no_obsolete=True,
        verbosity=0,
    )
    assert Path(command.default_locale_path) == tmp_locale
    assert tree_checksum(LOCALE_DIR) == before, "makemessages touched the real locale/"

    problems = []
    for language in TRANSLATED_LANGUAGES:
        entries = po_parse(tmp_locale / language / "LC_MESSAGES" / "django.po")
        problems += untranslated(language, entries)
        problems += [
            f"{where(language, entry)} (fuzzy)" for entry in entries if "fuzzy" in entry.flags
        ]
    assert not problems, (
        "strings missing from the catalogues (run makemessages, translate, compilemessages; "
        "line numbers refer to the regenerated copy):\n" + "\n".join(problems)
    )
