"""The browser's paste form: its fields parsed from multipart, kept for a re-render when something
is wrong, and turned into a new paste or an edit."""

from dataclasses import dataclass, field

from pastebox.core.errors import Invalid
from pastebox.core.model import NewFile, NewPaste, Paste, PasteFile
from pastebox.core.pastes import Edit
from pastebox.web.payload import Part
from pastebox.web.requests import TRUE_WORDS

FORM_FIELDS = frozenset(
    {"title", "name", "lang", "content", "ttl", "exposure", "burn", "token", "upload", "csrf", "password",
     "e2ee", "add_file", "remove_file", "submit"}
)  # fmt: skip


@dataclass
class FileInput:
    name: str = ""
    language: str = ""
    content: str = ""

    @property
    def blank(self) -> bool:
        return not (self.name.strip() or self.content)


@dataclass
class PasteForm:
    """Everything the person typed, so a refused form comes back as they left it."""

    title: str = ""
    files: list[FileInput] = field(default_factory=lambda: [FileInput()])
    ttl: str = ""
    exposure: str = "unlisted"
    burn: bool = False
    token: str = ""  # a manage token typed on the edit page
    csrf: str = ""  # the form's anti-forgery token (web/csrf.py)
    password: str = ""  # seal the paste under it; never echoed back on a refused form
    e2ee: bool = False  # content is a record sealed in the browser (static/e2ee.js)
    uploads: list[NewFile] = field(default_factory=list)  # chosen files; not echoed back
    add_file: bool = False
    remove_file: int | None = None
    refusal: Invalid | None = None  # the first malformed field; the rest is still kept


def _textarea_text(value: str) -> str:
    # Browsers send a textarea's line ends as CRLF whatever was typed or pasted (HTML spec).
    return value.replace("\r\n", "\n")


def parse_form(parts: list[Part]) -> PasteForm:
    """The form from its multipart parts; each `name` field starts a file block. A malformed
    field is noted in `refusal`, not raised, so the form can come back with everything else."""
    form = PasteForm(files=[])
    for part in parts:
        try:
            _take(form, part)
        except Invalid as exc:
            form.refusal = form.refusal or exc
    if not form.files:
        form.files.append(FileInput())
    return form


# Form fields kept as sent, and the two checkboxes (a box sends its value only when ticked).
TEXT_FIELDS = frozenset({"title", "ttl", "exposure", "csrf", "password"})
CHECKBOXES = frozenset({"burn", "e2ee"})


def _take(form: PasteForm, part: Part) -> None:
    if part.name not in FORM_FIELDS:
        raise Invalid(f"unknown form field {part.name[:40]!r}", field=part.name[:40])
    if part.name == "upload":
        if part.filename and part.data:  # an empty chooser still sends an empty part
            form.uploads.append(NewFile(name=part.filename, content=bytes(part.data)))
        return
    value = part.text()
    if part.name in TEXT_FIELDS:
        setattr(form, part.name, value)
    elif part.name in CHECKBOXES:
        setattr(form, part.name, value.strip().lower() in TRUE_WORDS)
    elif part.name == "name":
        form.files.append(FileInput(name=value))
    elif part.name in ("lang", "content"):
        if not form.files:
            form.files.append(FileInput())
        if part.name == "lang":
            form.files[-1].language = value
        else:
            form.files[-1].content = _textarea_text(value)
    elif part.name == "token":
        form.token = value.strip()
    elif part.name == "add_file":
        form.add_file = True
    elif part.name == "remove_file":
        if not (value.isascii() and value.isdigit()):
            raise Invalid("remove_file must be a file number", field="remove_file")
        form.remove_file = int(value)


def new_files(form: PasteForm, current: Paste | None = None) -> tuple[NewFile, ...]:
    """The typed files (blank blocks skipped) and then the chosen ones. For an edit of
    `current`, each typed file keeps the line ends of the file it edits (by name, else by place)."""
    by_name = {f.name: f for f in current.files} if current else {}
    typed = []
    for place, f in enumerate(form.files):
        if f.blank:
            continue
        original = by_name.get(f.name.strip())
        if original is None and current and place < len(current.files):
            original = current.files[place]
        content = _with_line_ends_of(f.content, original)
        typed.append(NewFile(name=f.name, content=content, language=f.language or None))
    return tuple(typed) + tuple(form.uploads)


def _as_textarea_returns(text: str) -> str:
    """What a browser sends back for `text` put in a textarea: LF line ends, NUL as U+FFFD."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")


def _with_line_ends_of(text: str, original: PasteFile | None) -> bytes:
    """`text` as bytes: the original bytes when it came back unchanged (an edit of another
    file must not rewrite this one), and CRLF line ends where the original used only those."""
    if original is not None and original.is_text:
        if _as_textarea_returns(original.text) == text:
            return original.content
        raw = original.content
        if b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n"):
            return text.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8")


def new_paste(form: PasteForm, ttl: int | None, owner_id: int | None) -> NewPaste:
    return NewPaste(
        files=new_files(form),
        title=form.title,
        ttl=ttl,
        burn=form.burn,
        exposure=form.exposure,
        owner_id=owner_id,
        password=form.password or None,
    )


def e2ee_paste(form: PasteForm, ttl: int | None, owner_id: int | None) -> NewPaste:
    """The record the browser sealed (static/e2ee.js) as the paste's one opaque file. Anything
    beside it that could carry the paste's words in the clear (a title, a file name or language,
    a second file, an upload, a password) is refused: those belong inside the sealed record."""
    typed = [f for f in form.files if not f.blank]
    in_the_clear = form.title.strip() or form.uploads or form.password or len(typed) > 1
    if in_the_clear or any(f.name.strip() or f.language for f in typed):
        raise Invalid(
            "an end-to-end encrypted paste sends only its sealed content; the title, file names"
            " and languages go inside it",
            field="content",
        )
    return NewPaste(
        files=tuple(NewFile(name="", content=f.content.encode("utf-8")) for f in typed),
        title="",
        ttl=ttl,
        burn=form.burn,
        exposure=form.exposure,
        is_e2ee=True,
        owner_id=owner_id,
    )


def edit_of(form: PasteForm, current: Paste) -> Edit:
    return Edit(title=form.title, files=new_files(form, current))


def form_of_paste(paste: Paste) -> PasteForm:
    """A form holding the paste's title and text files (for a fork or an edit)."""
    files = [FileInput(f.name, f.language or "", f.text) for f in paste.files if f.is_text]
    return PasteForm(title=paste.title, files=files or [FileInput()], exposure=paste.exposure)
